import Foundation
import MMUTortureCore

/// The JSON report that `--report PATH.json` writes (the README, Reports),
/// and that `mmutorture replay` reads back.
///
/// A plain data type: the runner fills it in, `jsonData()` encodes it with
/// the keys below (snake case, sorted, so reports diff cleanly), and
/// `RunReport(jsonData:)` decodes it, ignoring keys it does not know and
/// defaulting the optional ones.
///
/// | key | value |
/// | --- | --- |
/// | `tool`, `version` | "mmutorture", the version |
/// | `result` | "pass", "fail" or "error" |
/// | `interrupted` | whether Ctrl-C cut the run short (result is what was found so far) |
/// | `campaign` | the campaign's name |
/// | `seed`, `mode`, `protocol`, `mutant` | of the (first) run |
/// | `config` | the resolved config, keys as in the YAML file |
/// | `duration_s` | wall-clock seconds |
/// | `counters` | named operation counts |
/// | `histograms` | name -> bucket -> count (fast-path outcomes, retries per fault) |
/// | `perturb_points` | the points perturbed in this run |
/// | `reproduce` | the command line that reproduces the run |
/// | `violations` | see `ReportViolation` |
/// | `scenarios` | per-run results of a multi-scenario campaign (else empty) |
/// | `schedule` | the deterministic scheduler's replay string, or null |
/// | `error` | the harness error, or null |
/// | `shard` | `{"index": K, "count": N}` in a shard's report, else absent |
/// | `shards` | in a merged report, one summary per shard merged, else absent |
/// | `timeline` | the deterministic failing execution drawn as rows, else absent |
/// | `generated`, `killed`, `equivalent`, `score`, `survivors`, `sweep` | `mutants sweep` only (`SweepSummary`) |
public struct RunReport: Codable, Equatable, Sendable {
    /// Always "mmutorture".
    public var tool: String
    /// The tool's version.
    public var version: String
    /// The verdict.
    public var result: ReportResult
    /// Whether the run was interrupted (Ctrl-C) before its budget ran out.
    public var interrupted: Bool
    /// The campaign's name.
    public var campaign: String
    /// The seed of the run (the first run's, for a campaign).
    public var seed: UInt64
    /// native or deterministic.
    public var mode: ModeName
    /// The protocol under test.
    public var `protocol`: ProtocolName
    /// The mutant, or none.
    public var mutant: MutantName
    /// The fully resolved config.
    public var config: CampaignConfig
    /// Wall-clock seconds (JSON `duration_s`).
    public var durationSeconds: Double
    /// Named operation counts.
    public var counters: [String: UInt64]
    /// Histograms: name -> bucket label -> count.
    public var histograms: [String: [String: UInt64]]
    /// The perturbation points active in the run (JSON `perturb_points`).
    public var perturbPoints: [String]
    /// The exact command line that reproduces the run.
    public var reproduce: String
    /// The violations found.
    public var violations: [ReportViolation]
    /// Per-run results of a multi-scenario campaign; empty for one scenario.
    public var scenarios: [ScenarioResult]
    /// The deterministic scheduler's schedule, for replay.
    public var schedule: String?
    /// What went wrong in the harness, when `result` is error.
    public var error: String?
    /// The shard this report covers (`--shard K/N`), nil for a whole campaign.
    public var shard: ShardSpec?
    /// In a merged report, what each merged shard reported; else empty.
    public var shards: [ShardSummary]
    /// The deterministic failing execution's timeline, as data.
    public var timeline: ReportTimeline?
    /// `mutants verify`: one verdict per mutant (empty elsewhere).
    public var mutants: [MutantVerdict] = []
    /// `mutants sweep`: the score and every mutant (nil elsewhere).
    public var sweep: SweepSummary?

    /// A report of a run of `config`: seed, mode, protocol and mutant are
    /// taken from it; the rest defaults to an empty passing run.
    public init(result: ReportResult = .pass, interrupted: Bool = false, campaign: String? = nil,
                config: CampaignConfig, durationSeconds: Double = 0, counters: [String: UInt64] = [:],
                histograms: [String: [String: UInt64]] = [:], perturbPoints: [String] = [],
                reproduce: String = "", violations: [ReportViolation] = [], scenarios: [ScenarioResult] = [],
                schedule: String? = nil, error: String? = nil, shard: ShardSpec? = nil,
                shards: [ShardSummary] = [], timeline: ReportTimeline? = nil) {
        self.tool = "mmutorture"
        self.version = MMUTortureVersion.string
        self.result = result
        self.interrupted = interrupted
        self.campaign = campaign ?? config.name
        self.seed = config.seed
        self.mode = config.mode
        self.protocol = config.protocol
        self.mutant = config.mutant
        self.config = config
        self.durationSeconds = durationSeconds
        self.counters = counters
        self.histograms = histograms
        self.perturbPoints = perturbPoints
        self.reproduce = reproduce
        self.violations = violations
        self.scenarios = scenarios
        self.schedule = schedule
        self.error = error
        self.shard = shard
        self.shards = shards
        self.timeline = timeline
    }

    /// Decodes a report written by `jsonData()` (or by an older version).
    public init(jsonData: Data) throws {
        self = try JSONDecoder().decode(RunReport.self, from: jsonData)
    }

    /// The report as pretty-printed JSON with sorted keys, ending in a newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// The runs the report covers, as JUnit testcases: its `scenarios`, or
    /// for a single-scenario run, the report itself as one result.
    public var scenarioResults: [ScenarioResult] {
        // A shard's report always lists its runs, possibly none.
        if !scenarios.isEmpty || shard != nil { return scenarios }
        return [ScenarioResult(name: config.name, repeatIndex: 0, seed: seed, result: result,
                               durationSeconds: durationSeconds, counters: counters, reproduce: reproduce,
                               violations: violations, error: error, interrupted: interrupted)]
    }

    enum CodingKeys: String, CodingKey {
        case tool, version, result, interrupted, campaign, seed, mode
        case `protocol`
        case mutant, config
        case durationSeconds = "duration_s"
        case counters, histograms
        case perturbPoints = "perturb_points"
        case reproduce, violations, scenarios, schedule, error, shard, shards, timeline, mutants
        case sweep, generated, killed, equivalent, score, survivors
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let config = try c.decodeIfPresent(CampaignConfig.self, forKey: .config) ?? CampaignConfig()
        self.config = config
        tool = try c.decodeIfPresent(String.self, forKey: .tool) ?? "mmutorture"
        version = try c.decodeIfPresent(String.self, forKey: .version) ?? ""
        result = try c.decode(ReportResult.self, forKey: .result)
        interrupted = try c.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false
        campaign = try c.decodeIfPresent(String.self, forKey: .campaign) ?? config.name
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? config.seed
        mode = try c.decodeIfPresent(ModeName.self, forKey: .mode) ?? config.mode
        self.protocol = try c.decodeIfPresent(ProtocolName.self, forKey: .protocol) ?? config.protocol
        mutant = try c.decodeIfPresent(MutantName.self, forKey: .mutant) ?? config.mutant
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds) ?? 0
        counters = try c.decodeIfPresent([String: UInt64].self, forKey: .counters) ?? [:]
        histograms = try c.decodeIfPresent([String: [String: UInt64]].self, forKey: .histograms) ?? [:]
        perturbPoints = try c.decodeIfPresent([String].self, forKey: .perturbPoints) ?? []
        reproduce = try c.decodeIfPresent(String.self, forKey: .reproduce) ?? ""
        violations = try c.decodeIfPresent([ReportViolation].self, forKey: .violations) ?? []
        scenarios = try c.decodeIfPresent([ScenarioResult].self, forKey: .scenarios) ?? []
        schedule = try c.decodeIfPresent(String.self, forKey: .schedule)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        shard = try c.decodeIfPresent(ShardSpec.self, forKey: .shard)
        shards = try c.decodeIfPresent([ShardSummary].self, forKey: .shards) ?? []
        timeline = try c.decodeIfPresent(ReportTimeline.self, forKey: .timeline)
        mutants = try c.decodeIfPresent([MutantVerdict].self, forKey: .mutants) ?? []
        sweep = try c.decodeIfPresent(SweepSummary.self, forKey: .sweep)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tool, forKey: .tool)
        try c.encode(version, forKey: .version)
        try c.encode(result, forKey: .result)
        try c.encode(interrupted, forKey: .interrupted)
        try c.encode(campaign, forKey: .campaign)
        try c.encode(seed, forKey: .seed)
        try c.encode(mode, forKey: .mode)
        try c.encode(self.protocol, forKey: .protocol)
        try c.encode(mutant, forKey: .mutant)
        try c.encode(config, forKey: .config)
        // JSON has no NaN or infinity: a broken clock must not lose the report.
        try c.encode(durationSeconds.isFinite ? durationSeconds : 0, forKey: .durationSeconds)
        try c.encode(counters, forKey: .counters)
        try c.encode(histograms, forKey: .histograms)
        try c.encode(perturbPoints, forKey: .perturbPoints)
        try c.encode(reproduce, forKey: .reproduce)
        try c.encode(violations, forKey: .violations)
        try c.encode(scenarios, forKey: .scenarios)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(error, forKey: .error)
        // New keys only when they say something: older readers see the same report.
        try c.encodeIfPresent(shard, forKey: .shard)
        if !shards.isEmpty { try c.encode(shards, forKey: .shards) }
        try c.encodeIfPresent(timeline, forKey: .timeline)
        if !mutants.isEmpty { try c.encode(mutants, forKey: .mutants) }
        if let sweep {
            try c.encode(sweep, forKey: .sweep)
            try c.encode(sweep.generated, forKey: .generated)
            try c.encode(sweep.killed, forKey: .killed)
            try c.encode(sweep.equivalent, forKey: .equivalent)
            try c.encode(sweep.score.isFinite ? sweep.score : 0, forKey: .score)
            try c.encode(sweep.survivors, forKey: .survivors)
        }
    }
}
