import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

extension ProtocolName: ExpressibleByArgument {}
extension MutantName: ExpressibleByArgument {}
extension ModeName: ExpressibleByArgument {}

/// `mmutorture run [CONFIG.yaml]`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a campaign (no file = the built-in default campaign).",
        discussion: """
        Options override the file. A run always prints its seed; a failing
        run prints the exact command line that reproduces it.

        --mode deterministic runs the threads one at a time on the simulated
        platform (x86-TSO store buffers, simulated RCU) under a seeded
        scheduler: executions of a few accesses per vCPU on a small VM,
        until one violates an invariant, --executions or --duration runs
        out. A failing execution is shrunk, drawn as a timeline, and its
        schedule string goes into the JSON report, which
        `mmutorture replay` replays exactly.
        Exit status: 0 clean, 1 violation, 2 bad usage/config, 3 harness failure
        (a deadlock or livelock in deterministic mode, a trace-hash mismatch
        under --check-determinism), 130 interrupted with nothing found.
        """)

    @Argument(help: "Campaign config file (YAML). Default: the built-in default campaign (configs/default.yaml).")
    var config: String?
    @OptionGroup var overrides: OverrideOptions
    @OptionGroup(title: "Deterministic mode") var deterministic: DeterministicOptions
    @OptionGroup(title: "Reports") var reports: ReportOptions
    @OptionGroup(title: "Shards") var sharding: ShardOptions
    @Option(help: "Run only the scenario run with this label (NAME#REPEAT), as printed by a failing run.")
    var only: String?
    @Option(help: "Without a config file: the built-in campaign in the scenario that exposes this mutant, run with --mutant (default none: the correct protocol, as `mutants verify` runs it).")
    var exposure: MutantName?

    func run() throws {
        mmut_install_interrupt_handlers()
        let campaign = try withInputErrorsReported { () throws -> Campaign in
            var c = try config.map { try ConfigLoader.load(path: $0) } ?? Campaign.builtInDefault
            if exposure != nil && config != nil {
                throw UsageFailure(description: "--exposure: only without a config file (it picks the built-in scenario)")
            }
            // No file and a mutant (or --exposure): the built-in campaign in
            // the scenario that exposes it.
            if config == nil, let m = exposure ?? overrides.mutant, let info = ProtocolVariants.info(m) {
                var exposed = c.runs[0].config.exposing(info)
                if exposure != nil { exposed.mutant = overrides.mutant ?? .none }
                c = try Campaign(single: exposed, file: nil)
            }
            c = try c.applying(overrides.configOverrides)
            if let only {
                c.runs = c.runs.filter { $0.label == only }
                if c.runs.isEmpty { throw UsageFailure(description: "--only: no scenario run is labelled '\(only)'") }
            }
            try deterministic.check(campaign: c)
            try reports.outputs.checkWritable()
            return c
        }
        for w in campaign.warnings { printError("mmutorture: warning: \(w)") }
        let totalRuns = campaign.runs.count
        let shard = try sharding.resolve(totalRuns: totalRuns)
        let indices = shard?.runs(of: totalRuns) ?? Array(0..<totalRuns)
        var part = campaign
        part.runs = indices.map { campaign.runs[$0] }
        let outcome = CampaignRunner(campaign: part, configPath: config, reproduceArguments: overrides.argumentsWithoutSeed,
                                     only: only, quiet: reports.quiet, deterministic: deterministic.runOptions,
                                     reportPath: reports.report, runIndices: indices, totalRuns: totalRuns).run()
        try reports.write(outcome.report(campaign: campaign, totalRuns: totalRuns, shard: shard))
        throw ExitCode(outcome.exitStatus)
    }
}

/// The options that override a config file, shared by `run` and friends.
struct OverrideOptions: ParsableArguments {
    @Option(help: "Master seed.") var seed: UInt64?
    @Option(help: "Wall-clock budget: 30s, 2m, 500ms, 1h.") var duration: DurationSpec?
    @Option(help: "Guest accesses in total (0 = no operation budget).") var operations: UInt64?
    @Option(help: "Number of vCPU threads.") var vcpus: Int?
    @Option(help: "vcpu-id | mmu-writable | tdp-mmu") var `protocol`: ProtocolName?
    @Option(help: "A known-broken variant (see `mmutorture mutants list`).") var mutant: MutantName?
    @Option(help: "native | deterministic") var mode: ModeName?

    var configOverrides: ConfigOverrides {
        // A mutant that applies to one protocol only implies it unless told otherwise.
        let implied = mutant.flatMap { ProtocolVariants.info($0).flatMap { $0.protocols.count == 1 ? $0.protocols[0] : nil } }
        return ConfigOverrides(seed: seed, duration: duration, operations: operations, vcpus: vcpus,
                               protocol: `protocol` ?? implied, mutant: mutant, mode: mode)
    }

    /// The override arguments except the seed, for reproduce lines.
    var argumentsWithoutSeed: [String] {
        var a: [String] = []
        if let duration { a += ["--duration", duration.description] }
        if let operations { a += ["--operations", String(operations)] }
        if let vcpus { a += ["--vcpus", String(vcpus)] }
        if let p = `protocol` { a += ["--protocol", p.rawValue] }
        if let mutant { a += ["--mutant", mutant.rawValue] }
        if let mode { a += ["--mode", mode.rawValue] }
        return a
    }
}

extension DeterministicSpec.StrategyName: ExpressibleByArgument {}

/// `run`'s options for `mode: deterministic`: overrides of each run's
/// `deterministic` config section.
struct DeterministicOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Scheduling strategy: random (seeded random walk with delays at the perturbation points), pct, dfs (bounded exhaustive search). Default: the config's deterministic.strategy (random).",
                               valueName: "random|pct|dfs"))
    var strategy: DeterministicSpec.StrategyName?
    @Option(help: "Executions to run at most (default: the config's deterministic.executions, 100000; --duration also bounds the search).")
    var executions: Int?
    @Option(help: "Strategy random: start at this execution (as a reproduce line does).")
    var firstExecution: Int?
    @Option(help: "PCT: the bug depth d, with d-1 priority change points per execution (default: deterministic.depth, 3).")
    var pctDepth: Int?
    @Option(help: "DFS: the preemption bound (default: deterministic.preemption_bound, 2).")
    var preemptionBound: Int?
    @Flag(help: "Run the failing (or the first) execution again and compare trace hashes; exit 3 on a mismatch.")
    var checkDeterminism = false
    @Flag(help: "Do not shrink a failing execution (default: deterministic.shrink).")
    var noShrink = false

    /// Whether any option of this group was given.
    var anyGiven: Bool {
        strategy != nil || executions != nil || firstExecution != nil || pctDepth != nil || preemptionBound != nil
            || checkDeterminism || noShrink
    }

    /// Usage errors: options for a mode that no run uses, values the runner refuses.
    func check(campaign: Campaign) throws {
        let det = campaign.runs.filter { $0.config.mode == .deterministic }
        if det.isEmpty {
            if anyGiven {
                throw UsageFailure(description: "--strategy, --executions, --first-execution, --pct-depth, --preemption-bound, "
                                   + "--check-determinism and --no-shrink apply to mode deterministic (use --mode deterministic)")
            }
            return
        }
        if let e = executions, e < 1 { throw UsageFailure(description: "--executions: must be at least 1, got \(e)") }
        if let f = firstExecution, f < 0 { throw UsageFailure(description: "--first-execution: cannot be negative, got \(f)") }
        if let d = pctDepth, d < 1 { throw UsageFailure(description: "--pct-depth: must be at least 1, got \(d)") }
        if let b = preemptionBound, b < 0 { throw UsageFailure(description: "--preemption-bound: cannot be negative, got \(b)") }
        for run in det {
            let spec = runOptions.spec(for: run.config)
            let at = "\(run.file ?? "config"): \(run.label)"
            if pctDepth != nil && spec.strategy != .pct {
                throw UsageFailure(description: "--pct-depth applies to strategy pct (\(at) uses \(spec.strategy.rawValue))")
            }
            if preemptionBound != nil && spec.strategy != .dfs {
                throw UsageFailure(description: "--preemption-bound applies to strategy dfs (\(at) uses \(spec.strategy.rawValue))")
            }
            if firstExecution != nil && spec.strategy != .random {
                throw UsageFailure(description: "--first-execution applies to strategy random (PCT and DFS depend on the "
                                   + "executions before; \(at) uses \(spec.strategy.rawValue))")
            }
            if let why = DeterministicRunner.unsupported(params: RunParameters(run.config),
                                                         settings: runOptions.settings(for: run.config)) {
                throw UsageFailure(description: "\(at): \(why)")
            }
        }
    }

    /// What the campaign runner takes from these options.
    var runOptions: DeterministicRunOptions {
        DeterministicRunOptions(strategy: strategy, depth: pctDepth, preemptionBound: preemptionBound,
                                executions: executions, firstExecution: firstExecution,
                                shrink: noShrink ? false : nil, arguments: arguments,
                                checkDeterminism: checkDeterminism)
    }

    /// The options as command-line arguments, for reproduce lines (without
    /// --executions, --first-execution and --check-determinism, which the
    /// reproduce line sets itself).
    var arguments: [String] {
        var a: [String] = []
        if let strategy { a += ["--strategy", strategy.rawValue] }
        if let pctDepth { a += ["--pct-depth", String(pctDepth)] }
        if let preemptionBound { a += ["--preemption-bound", String(preemptionBound)] }
        if noShrink { a.append("--no-shrink") }
        return a
    }
}
