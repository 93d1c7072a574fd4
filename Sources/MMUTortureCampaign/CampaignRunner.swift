import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// What a campaign found, scenario run by scenario run.
public struct CampaignOutcome {
    /// `index`: the run's position in the whole (unsharded) campaign.
    public var runs: [(scenario: ResolvedScenario, result: RunResult, reproduce: String, index: Int)] = []
    /// Deterministic runs' results, by index into `runs`.
    public var deterministic: [Int: DeterministicResult] = [:]
    public var interrupted = false
    public var harnessError: String?
    /// `--check-determinism` found two runs of one execution that differ.
    public var determinismMismatch = false

    public var found: Bool { runs.contains { !$0.result.violations.isEmpty } }

    /// 0 clean, 1 violation, 3 harness failure or determinism mismatch, 130 interrupted.
    public var exitStatus: Int32 {
        if harnessError != nil || determinismMismatch { return 3 }
        if found { return 1 }
        if interrupted { return 130 }
        return 0
    }

    /// The runs as the reports take them.
    public var records: [CampaignRunRecord] {
        runs.enumerated().map { k, r in
            let result = ScenarioResult(r.result, name: r.scenario.name, repeatIndex: r.scenario.repeatIndex,
                                        seed: r.scenario.seed, reproduce: r.reproduce, index: r.index)
            let det = deterministic[k].map { d in
                DeterministicRecord(buckets: DeterministicReportData(d).buckets, schedule: d.failure?.schedule.description,
                                    timeline: d.failure.map { ReportTimeline($0.timeline) })
            }
            return CampaignRunRecord(result: result, config: r.scenario.config, histograms: r.result.histogramDictionary,
                                     perturbPoints: r.result.activePerturbPoints.map(\.name), deterministic: det)
        }
    }

    /// The report (JSON, JUnit, HTML): see `CampaignReport.build`.
    public func report(campaign: Campaign, totalRuns: Int, shard: ShardSpec?) -> RunReport {
        CampaignReport.build(campaign: campaign.name, runs: records,
                             fallbackConfig: campaign.runs.first?.config ?? CampaignConfig.default,
                             totalRuns: totalRuns, interrupted: interrupted, harnessError: harnessError, shard: shard)
    }
}

/// Runs every scenario run of a campaign in order, printing as it goes.
public struct CampaignRunner {
    public let campaign: Campaign
    /// The campaign file, for reproduce lines.
    public let configPath: String?
    /// The command line's overrides but the seed, for reproduce lines.
    public let reproduceArguments: [String]
    /// `--only`, if given.
    public let only: String?
    public let quiet: Bool
    public let deterministic: DeterministicRunOptions
    /// `--report`, for the replay hint of a deterministic failure.
    public let reportPath: String?
    /// Each run's position in the whole campaign (`--shard` runs a part).
    public var runIndices: [Int]
    /// The runs of the whole campaign, before `--shard`.
    public var totalRuns: Int

    /// A runner of `campaign`'s runs; `runIndices` defaults to 0 ..< its run count.
    public init(campaign: Campaign, configPath: String? = nil, reproduceArguments: [String] = [], only: String? = nil,
                quiet: Bool = false, deterministic: DeterministicRunOptions = DeterministicRunOptions(),
                reportPath: String? = nil, runIndices: [Int]? = nil, totalRuns: Int? = nil) {
        self.campaign = campaign
        self.configPath = configPath
        self.reproduceArguments = reproduceArguments
        self.only = only
        self.quiet = quiet
        self.deterministic = deterministic
        self.reportPath = reportPath
        self.runIndices = runIndices ?? Array(campaign.runs.indices)
        self.totalRuns = totalRuns ?? campaign.runs.count
    }

    func reproduceLine(for s: ResolvedScenario, deterministicResult d: DeterministicResult? = nil) -> String {
        var args = ["mmutorture", "run"]
        if let configPath { args.append(shellQuote(configPath)) }
        args += ["--seed", String(s.masterSeed)]
        args += reproduceArguments
        if totalRuns > 1 || only != nil || s.repeatIndex > 0 { args += ["--only", shellQuote(s.label)] }
        if s.config.mode == .deterministic {
            args += deterministic.arguments
            if let f = d?.failure {
                // The failing execution itself: random walk execution i of a
                // seed does not depend on the ones before; PCT and DFS do.
                if case .randomWalk = d!.strategy {
                    args += ["--first-execution", String(f.executionIndex), "--executions", "1"]
                } else {
                    args += ["--executions", String(f.executionIndex + 1)]
                }
            } else if let e = deterministic.executions {
                args += ["--executions", String(e)]
            }
        }
        return args.joined(separator: " ")
    }

    /// Runs every run in order, printing as it goes.
    public func run() -> CampaignOutcome {
        var outcome = CampaignOutcome()
        let tty = isatty(1) != 0 && !quiet
        for (k, s) in campaign.runs.enumerated() {
            if mmut_interrupt_signal() != 0 { outcome.interrupted = true; break }
            let index = runIndices[k]
            let c = s.config
            let seedNote = c.seedWasRandom ? " (random)" : ""
            print("== \(s.label): seed \(s.seed)\(seedNote), protocol \(c.protocol.rawValue), mutant \(c.mutant.rawValue), "
                  + "mode \(c.mode.rawValue), \(c.vcpus) vCPUs, paging \(c.guest.paging.rawValue), rcu \(c.rcu.rawValue), "
                  + "budget \(c.duration)\(c.operations > 0 ? " / \(c.operations) accesses" : "")")
            let params = RunParameters(c)
            if c.mode == .deterministic {
                if runDeterministic(s, index: index, params, tty: tty, into: &outcome) { break }
                continue
            }
            let result = NativeRunner.run(params, progress: tty ? { p in
                let line = "  \(fmt(p.elapsedSeconds))s / \(fmt(p.budgetSeconds))s  "
                    + "\(fmtRate(Double(p.accesses) / max(p.elapsedSeconds, 1e-9))) accesses/s  "
                    + "fixed \(p.faultsFixed)  violations \(p.violations)"
                print("\r" + line, terminator: "")
                fflush(stdout)
            } : nil)
            if tty { print("\r", terminator: "") }
            let reproduce = reproduceLine(for: s)
            outcome.runs.append((s, result, reproduce, index))
            if !quiet {
                print("  active perturbation points: "
                      + (result.activePerturbPoints.isEmpty ? "none" : result.activePerturbPoints.map(\.name).joined(separator: ", ")))
                if params.mmu.swarm {
                    let mix = params.activeMMUWeights().table.filter { $0.1 > 0 }.map(\.0.key)
                    print("  mmu operations (swarm): " + mix.joined(separator: ", "))
                }
                print(Summary.render(result))
            }
            for (i, v) in result.violations.prefix(quiet ? 1 : 3).enumerated() {
                print(Summary.renderViolation(v, index: i))
            }
            if result.violations.count > 3 && !quiet {
                print("  (\(result.violations.count - 3) more violations in the JSON report)")
            }
            if let e = result.harnessError {
                printError("mmutorture: harness failure: \(e)")
                outcome.harnessError = e
                break
            }
            let accesses = result.counter(.accesses)
            print("result: \(result.outcome.rawValue)  \(s.label)  seed \(s.seed)  \(fmt(result.durationSeconds)) s  "
                  + "\(fmtRate(Double(accesses) / max(result.durationSeconds, 1e-9))) accesses/s  "
                  + "fast fixed \(result.counter(.fastFixed))  violations \(result.violations.count)"
                  + (result.interrupted ? "  (interrupted)" : ""))
            if !result.violations.isEmpty { print("reproduce: \(reproduce)") }
            if result.interrupted { outcome.interrupted = true; break }
        }
        if outcome.interrupted { printError("mmutorture: interrupted") }
        return outcome
    }

    /// One scenario run in deterministic mode. Returns true when the
    /// campaign must stop (a harness failure, an interrupt).
    func runDeterministic(_ s: ResolvedScenario, index: Int, _ params: RunParameters, tty: Bool, into outcome: inout CampaignOutcome) -> Bool {
        let settings = deterministic.settings(for: s.config)
        let runner = DeterministicRunner(params: params, settings: settings)
        print("  deterministic: \(settings.strategy), up to \(settings.executions) executions"
              + (params.durationNanoseconds > 0 ? " or \(fmt(Double(params.durationNanoseconds) / 1e9)) s" : "")
              + (settings.firstExecution > 0 ? " from execution \(settings.firstExecution)" : "")
              + "; each \(runner.shape) on \(runner.frames) frames (hot \(runner.hotFrames)), \(settings.memoryModel == .tso ? "x86-TSO" : "SC")")
        let d = runner.run(progress: tty ? { n, steps, seconds in
            print("\r  \(fmt(seconds))s  \(n) executions  \(fmtRate(Double(steps) / max(seconds, 1e-9))) steps/s  "
                  + "\(fmtRate(Double(n) / max(seconds, 1e-9))) executions/s", terminator: "")
            fflush(stdout)
        } : nil)
        if tty { print("\r", terminator: "") }
        let result = d.runResult(seed: s.seed, activePerturbPoints: runner.delayPoints)
        let reproduce = reproduceLine(for: s, deterministicResult: d)
        outcome.deterministic[outcome.runs.count] = d
        outcome.runs.append((s, result, reproduce, index))
        if !quiet {
            print("  delays at perturbation points: "
                  + (runner.delayPoints.isEmpty ? "none" : runner.delayPoints.map(\.name).joined(separator: ", ")))
            print(Summary.render(result))
        }
        if let f = d.failure {
            let o = f.original
            print("  found at execution \(f.executionIndex): \(o.shape), \(f.originalContextSwitches) context switches, "
                  + "violation at step \(o.firstViolationStep ?? 0) of \(o.execution.steps)")
            if settings.shrink {
                print("  shrunk in \(f.shrinkExecutions) executions (\(fmt(f.shrinkSeconds)) s) to \(f.shrunk.shape), "
                      + "\(f.contextSwitches) context switches, violation at step \(f.shrunk.firstViolationStep ?? 0)")
            }
            for (i, v) in f.shrunk.violations.prefix(quiet ? 1 : 3).enumerated() {
                var what: [String] = []
                if let gfn = v.gfn { what.append("gfn \(gfn)") }
                if let vcpu = v.vcpu { what.append("vcpu \(vcpu)") }
                what.append("seen by \(v.thread)")
                if !v.sptes.isEmpty { what.append("spte " + v.sptes.joined(separator: ", ")) }
                print("VIOLATION #\(i + 1) [\(v.invariant.rawValue)] \(v.message)")
                print("  " + what.joined(separator: ", "))
            }
            if f.shrunk.violations.count > 3 && !quiet {
                print("  (\(f.shrunk.violations.count - 3) more violations in the JSON report)")
            }
            print("the race, drawn (the shrunk execution, \(f.timeline.columns.joined(separator: " | "))):")
            print(f.timeline.render())
            if !f.replayMatched { printError("mmutorture: warning: the recorded replay of the shrunk execution did not match its trace hash") }
        }
        if let e = d.harnessError {
            printError("mmutorture: harness failure: \(e)")
            outcome.harnessError = e
        }
        print("result: \(d.outcome.rawValue)  \(s.label)  seed \(s.seed)  \(d.executions) executions  \(fmt(d.searchSeconds)) s  "
              + "\(fmtRate(d.stepsPerSecond)) steps/s  \(fmtRate(d.executionsPerSecond)) executions/s  "
              + "violations \(d.violations.count)"
              + (d.exhausted ? "  (every schedule within the bound)" : "")
              + (d.interrupted ? "  (interrupted)" : ""))
        if let f = d.failure {
            print("schedule: \(f.schedule)")
            print("trace hash: 0x\(String(f.traceHash, radix: 16))")
            print("reproduce: \(reproduce)")
            print("replay exactly: " + (reportPath.map { "mmutorture replay \(shellQuote($0))" }
                                         ?? "run with --report PATH.json, then mmutorture replay PATH.json"))
        }
        if deterministic.checkDeterminism && d.harnessError == nil {
            let check = d.failure.map { runner.checkDeterminism(schedule: $0.schedule, shape: $0.shrunk.shape, times: 2) }
                ?? runner.checkDeterminism(index: settings.firstExecution, times: 2)
            let expected = d.failure.map { [$0.traceHash] } ?? []
            let hashes = expected + check.hashes
            let ok = hashes.allSatisfy { $0 == hashes[0] }
            print("determinism: \(ok ? "ok" : "MISMATCH"): \(d.failure == nil ? "execution \(settings.firstExecution)" : "the shrunk failing execution") "
                  + "ran \(hashes.count) times, trace hashes " + hashes.map { "0x" + String($0, radix: 16) }.joined(separator: ", "))
            if !ok {
                outcome.determinismMismatch = true
                printError("mmutorture: harness failure: the same execution gave different trace hashes")
            }
        }
        if d.interrupted { outcome.interrupted = true; return true }
        return d.harnessError != nil
    }
}

/// What `run`'s deterministic-mode options ask of the runner: overrides of
/// each run's `deterministic` config section (nil keeps the config's).
public struct DeterministicRunOptions: Sendable {
    /// `--strategy`.
    public var strategy: DeterministicSpec.StrategyName?
    /// `--pct-depth`.
    public var depth: Int?
    /// `--preemption-bound`.
    public var preemptionBound: Int?
    /// `--executions`.
    public var executions: Int?
    /// `--first-execution` (random walk: start at this execution).
    public var firstExecution: Int?
    /// `--no-shrink` (false), or nil for the config's.
    public var shrink: Bool?
    /// The options as command-line arguments, for reproduce lines (without
    /// --executions, --first-execution and --check-determinism).
    public var arguments: [String]
    /// `--check-determinism`.
    public var checkDeterminism: Bool

    public init(strategy: DeterministicSpec.StrategyName? = nil, depth: Int? = nil, preemptionBound: Int? = nil,
                executions: Int? = nil, firstExecution: Int? = nil, shrink: Bool? = nil,
                arguments: [String] = [], checkDeterminism: Bool = false) {
        self.strategy = strategy
        self.depth = depth
        self.preemptionBound = preemptionBound
        self.executions = executions
        self.firstExecution = firstExecution
        self.shrink = shrink
        self.arguments = arguments
        self.checkDeterminism = checkDeterminism
    }

    /// The search a run does: its config's `deterministic` section with
    /// these overrides applied.
    public func spec(for config: CampaignConfig) -> DeterministicSpec {
        var spec = config.deterministic
        if let strategy { spec.strategy = strategy }
        if let depth { spec.depth = depth }
        if let preemptionBound { spec.preemptionBound = preemptionBound }
        if let executions { spec.executions = executions }
        if let shrink { spec.shrink = shrink }
        return spec
    }

    /// The runner's settings for a run (its mutant's expected invariants
    /// included, for the shrinker).
    public func settings(for config: CampaignConfig) -> DeterministicSettings {
        var settings = spec(for: config).settings
        if let firstExecution { settings.firstExecution = firstExecution }
        settings.expectedInvariants = ProtocolVariants.info(config.mutant)?.expectedInvariants ?? []
        return settings
    }
}

/// What a deterministic run's report carries for `mmutorture replay`,
/// besides the schedule string: the histogram `deterministic` of the JSON
/// report, a bucket per number.
public struct DeterministicReportData {
    public static let histogram = CampaignReport.deterministicHistogram
    public var executions: UInt64 = 0
    public var steps: UInt64 = 0
    public var failingExecution: UInt64?
    public var vcpus: Int?
    public var accessesPerVCPU: UInt64?
    public var mmuOperations: Int?
    public var vcpuStreams: [Int]?
    public var traceHash: UInt64?

    public init(_ d: DeterministicResult) {
        executions = UInt64(d.executions)
        steps = d.steps
        if let f = d.failure {
            failingExecution = UInt64(f.executionIndex)
            vcpus = f.shrunk.shape.vcpus
            accessesPerVCPU = f.shrunk.shape.accessesPerVCPU
            mmuOperations = f.shrunk.shape.mmuOperations
            vcpuStreams = f.shrunk.shape.vcpuStreams
            traceHash = f.traceHash
        }
    }

    public init?(_ buckets: [String: UInt64]?) {
        guard let b = buckets else { return nil }
        executions = b["executions"] ?? 0
        steps = b["steps"] ?? 0
        failingExecution = b["failing_execution"]
        vcpus = b["vcpus"].map { Int($0) }
        accessesPerVCPU = b["accesses_per_vcpu"]
        mmuOperations = b["mmu_operations"].map { Int($0) }
        traceHash = b["trace_hash"]
        if let v = vcpus, b["stream_0"] != nil {
            vcpuStreams = (0..<v).map { Int(b["stream_\($0)"] ?? UInt64($0)) }
        }
    }

    public var buckets: [String: UInt64] {
        var b: [String: UInt64] = ["executions": executions, "steps": steps]
        if let failingExecution { b["failing_execution"] = failingExecution }
        if let vcpus { b["vcpus"] = UInt64(vcpus) }
        if let accessesPerVCPU { b["accesses_per_vcpu"] = accessesPerVCPU }
        if let mmuOperations { b["mmu_operations"] = UInt64(mmuOperations) }
        if let traceHash { b["trace_hash"] = traceHash }
        if let s = vcpuStreams { for (i, v) in s.enumerated() { b["stream_\(i)"] = UInt64(v) } }
        return b
    }

    /// The shape of the execution the schedule replays.
    public var shape: ExecutionShape? {
        guard let vcpus, let accessesPerVCPU, let mmuOperations else { return nil }
        return ExecutionShape(vcpus: vcpus, accessesPerVCPU: accessesPerVCPU, mmuOperations: mmuOperations,
                              vcpuStreams: vcpuStreams)
    }
}

public func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
public func fmtRate(_ d: Double) -> String {
    if d >= 1e6 { return String(format: "%.1fM", d / 1e6) }
    if d >= 1e3 { return String(format: "%.1fk", d / 1e3) }
    return String(format: "%.0f", d)
}

public func shellQuote(_ s: String) -> String {
    if s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./#=:".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
