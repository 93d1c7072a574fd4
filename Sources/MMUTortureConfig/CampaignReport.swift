import Foundation

/// One run of a campaign as the report needs it: its result, its config,
/// and what only the top of the report keeps (histograms, perturbation
/// points, the deterministic replay data).
public struct CampaignRunRecord: Sendable {
    /// The run's result; `index` is its position in the unsharded campaign.
    public var result: ScenarioResult
    /// Its resolved config.
    public var config: CampaignConfig
    /// Its histograms (name -> bucket -> count).
    public var histograms: [String: [String: UInt64]]
    /// The perturbation points active in it.
    public var perturbPoints: [String]
    /// Deterministic mode: the `deterministic` histogram's buckets, the
    /// failing schedule and the timeline; nil for a native run.
    public var deterministic: DeterministicRecord?

    public init(result: ScenarioResult, config: CampaignConfig, histograms: [String: [String: UInt64]] = [:],
                perturbPoints: [String] = [], deterministic: DeterministicRecord? = nil) {
        self.result = result
        self.config = config
        self.histograms = histograms
        self.perturbPoints = perturbPoints
        self.deterministic = deterministic
    }
}

/// A deterministic run's replay data, for the top of the report.
public struct DeterministicRecord: Sendable {
    public var buckets: [String: UInt64]
    public var schedule: String?
    public var timeline: ReportTimeline?

    public init(buckets: [String: UInt64], schedule: String?, timeline: ReportTimeline?) {
        self.buckets = buckets
        self.schedule = schedule
        self.timeline = timeline
    }
}

/// Builds a campaign's report from its runs, and merges the reports of a
/// campaign's shards into the report the unsharded campaign would have
/// written (the README, "Scale-out").
public enum CampaignReport {
    /// The histogram that carries a deterministic run's replay data; never
    /// summed over runs.
    public static let deterministicHistogram = "deterministic"

    /// The report of `runs`: the first run's config, seed and perturbation
    /// points at the top; counters and histograms summed; the first failing
    /// run's reproduce line; every violation in run order; the runs listed
    /// under `scenarios` when the campaign has several (always in a shard's
    /// report, which may have none).
    /// - Parameters:
    ///   - fallbackConfig: the config to show when there is no run.
    ///   - totalRuns: the runs of the whole (unsharded) campaign.
    public static func build(campaign: String, runs: [CampaignRunRecord], fallbackConfig: CampaignConfig,
                             totalRuns: Int, interrupted: Bool = false, harnessError: String? = nil,
                             shard: ShardSpec? = nil) -> RunReport {
        var counters: [String: UInt64] = [:]
        var histograms: [String: [String: UInt64]] = [:]
        for r in runs {
            counters.merge(r.result.counters, uniquingKeysWith: &+)
            for (name, buckets) in r.histograms where name != deterministicHistogram {
                histograms[name, default: [:]].merge(buckets, uniquingKeysWith: &+)
            }
        }
        let found = runs.contains { !$0.result.violations.isEmpty }
        let result: ReportResult = harnessError != nil ? .error : (found ? .fail : .pass)
        let first = runs.first
        let failing = runs.first { !$0.result.violations.isEmpty }
        // Deterministic mode: the failing run's replay data (or the first
        // deterministic run's), never summed over runs.
        let det = runs.first { $0.deterministic?.schedule != nil } ?? runs.first { $0.deterministic != nil }
        if let d = det?.deterministic { histograms[deterministicHistogram] = d.buckets }
        var scenarios = runs.map(\.result)
        if let shard { for i in scenarios.indices { scenarios[i].shard = shard.index } }
        return RunReport(result: result, interrupted: interrupted, campaign: campaign,
                         config: first?.config ?? fallbackConfig,
                         durationSeconds: runs.reduce(0) { $0 + $1.result.durationSeconds },
                         counters: counters, histograms: histograms, perturbPoints: first?.perturbPoints ?? [],
                         reproduce: failing?.result.reproduce ?? first?.result.reproduce ?? "",
                         violations: runs.flatMap(\.result.violations),
                         scenarios: shard != nil || totalRuns > 1 ? scenarios : [],
                         schedule: det?.deterministic?.schedule, error: harnessError, shard: shard,
                         timeline: det?.deterministic?.timeline)
    }

    /// One report from the reports of a campaign's shards (or of any runs
    /// of one campaign): the runs in campaign order, counters and
    /// histograms summed, the result and exit status of the whole.
    /// Throws `MergeError` naming the file when the reports do not fit
    /// together: different campaigns, different shard counts, a shard
    /// twice or missing, a run twice.
    public static func merge(_ inputs: [(file: String, report: RunReport)]) throws -> RunReport {
        guard let firstInput = inputs.first else { throw MergeError("report merge: no reports given") }
        let campaign = firstInput.report.campaign
        for (file, r) in inputs where r.campaign != campaign {
            throw MergeError("\(file): campaign '\(r.campaign)', but \(firstInput.file) is campaign '\(campaign)'")
        }
        // Shards: one count, each index once, none missing.
        var shardFiles: [Int: String] = [:]
        var shardCount: Int?
        for (file, r) in inputs {
            guard let s = r.shard else { continue }
            if let n = shardCount, n != s.count {
                throw MergeError("\(file): shard \(s) of \(s.count), but other reports are shards of \(n)")
            }
            shardCount = s.count
            if let other = shardFiles[s.index] { throw MergeError("\(file): shard \(s) is also in \(other)") }
            shardFiles[s.index] = file
        }
        if let n = shardCount {
            let missing = (0..<n).filter { shardFiles[$0] == nil }
            if !missing.isEmpty {
                throw MergeError("report merge: shard\(missing.count == 1 ? "" : "s") "
                                 + missing.map { "\($0)/\(n)" }.joined(separator: ", ") + " missing (no report given)")
            }
        }
        // Every run once, in campaign order (reports without indices keep
        // the order given).
        var runs: [(order: Int, result: ScenarioResult, input: Int)] = []
        var seen: [Int: String] = [:]
        for (k, (file, r)) in inputs.enumerated() {
            for var s in r.scenarioResults {
                if let i = s.index {
                    if let other = seen[i] { throw MergeError("\(file): run \(i) (\(s.name)#\(s.repeatIndex)) is also in \(other)") }
                    seen[i] = file
                }
                if let shard = r.shard { s.shard = shard.index }
                runs.append((s.index ?? (runs.count + (1 << 40)), s, k))
            }
        }
        runs.sort { $0.order < $1.order }

        let ordered = inputs.indices.sorted { a, b in
            let fa = runs.firstIndex { $0.input == a } ?? Int.max
            let fb = runs.firstIndex { $0.input == b } ?? Int.max
            return fa < fb
        }
        let head = inputs[ordered[0]].report
        var merged = head
        merged.shard = nil
        merged.result = ReportResult.combined(inputs.map(\.report.result))
        merged.interrupted = inputs.contains { $0.report.interrupted }
        merged.durationSeconds = inputs.reduce(0) { $0 + $1.report.durationSeconds }
        merged.counters = [:]
        merged.histograms = [:]
        for (_, r) in inputs {
            merged.counters.merge(r.counters, uniquingKeysWith: &+)
            for (name, buckets) in r.histograms where name != deterministicHistogram {
                merged.histograms[name, default: [:]].merge(buckets, uniquingKeysWith: &+)
            }
        }
        // The replay data of the first failing deterministic run, else of
        // the first deterministic run.
        let failingFirst = ordered.first { inputs[$0].report.schedule != nil }
            ?? ordered.first { inputs[$0].report.histograms[deterministicHistogram] != nil }
        merged.schedule = failingFirst.flatMap { inputs[$0].report.schedule }
        merged.timeline = failingFirst.flatMap { inputs[$0].report.timeline }
        if let i = failingFirst, let d = inputs[i].report.histograms[deterministicHistogram] {
            merged.histograms[deterministicHistogram] = d
        }
        let results = runs.map(\.result)
        if inputs.allSatisfy({ $0.report.reproduce.isEmpty }) {
            merged.reproduce = ""
        } else {
            merged.reproduce = results.first { !$0.violations.isEmpty }?.reproduce ?? results.first?.reproduce ?? head.reproduce
        }
        merged.violations = results.isEmpty ? inputs.flatMap(\.report.violations) : results.flatMap(\.violations)
        merged.scenarios = results.count > 1 ? results : []
        merged.mutants = MutantVerdict.merged(inputs.map(\.report.mutants), results: results)
        merged.error = inputs.lazy.compactMap(\.report.error).first
        merged.shards = inputs.compactMap { file, r in
            r.shard.map { ShardSummary(index: $0.index, count: $0.count, result: r.result, runs: r.scenarios.count,
                                       durationSeconds: r.durationSeconds, file: file) }
        }.sorted { $0.index < $1.index }
        return merged
    }
}

/// Reports that cannot be merged: one line naming the file.
public struct MergeError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
