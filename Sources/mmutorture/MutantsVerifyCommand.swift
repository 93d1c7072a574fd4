import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// `mmutorture mutants verify`: the regression gate (`MutantVerification`).
struct MutantsVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run each mutant K times; fail unless every one is caught and the correct protocols stay clean.",
        discussion: """
        Each mutant runs in the scenario that exposes it (see `mutants list`),
        with seeds 1...K (or from --seed), natively for at most --budget or
        deterministically for at most --executions each; a run stops at the
        first violation, so its duration is the time (executions) to detect.
        Each mutant also runs once under the generic default campaign with no
        exposure (the `generic` column: reported, not gated). The correct
        protocols run the default campaign and every exposure scenario a
        mutant of theirs uses. Exit status 0 only if every mutant was caught
        with an expected invariant in every attempt and no correct protocol
        raised anything; 1 otherwise.
        """)

    @Option(help: "native | deterministic") var mode: ModeName = .native
    @Option(help: "Native: time budget per mutant attempt (30s, 2m, ...).") var budget: DurationSpec = DurationSpec("10s")!
    @Option(help: "Deterministic: executions per mutant attempt.") var executions: Int = 100_000
    @Option(help: "Attempts (seeds) per mutant.") var seeds: Int = 3
    @Option(help: "First seed; attempt i uses seed + i.") var seed: UInt64 = 1
    @Option(help: "Only this mutant (repeatable); the clean runs then cover its exposure scenarios only.") var only: [MutantName] = []
    @Option(help: "Native: budget per correct-protocol run (they always run to the end).") var cleanBudget: DurationSpec = DurationSpec("5s")!
    @Option(help: "Deterministic: executions per correct-protocol run.") var cleanExecutions: Int = 2_000
    @Option(help: "Seeds per correct-protocol scenario.") var cleanSeeds: Int = 1
    @Option(help: "Native: budget of each mutant's generic-campaign run.") var genericBudget: DurationSpec = DurationSpec("10s")!
    @Option(help: "Deterministic: executions of each mutant's generic-campaign run.") var genericExecutions: Int = 20_000
    @Flag(help: "Skip the correct-protocol runs.") var skipClean = false
    @Flag(help: "Skip the generic-campaign runs.") var skipGeneric = false
    @OptionGroup(title: "Reports") var reports: ReportOptions
    @OptionGroup(title: "Shards") var sharding: ShardOptions

    func run() throws {
        mmut_install_interrupt_handlers()
        var s = MutantVerification.Settings()
        s.mode = mode
        s.seeds = seeds
        s.firstSeed = seed
        s.budget = budget
        s.executions = executions
        s.cleanSeeds = cleanSeeds
        s.cleanBudget = cleanBudget
        s.cleanExecutions = cleanExecutions
        s.genericBudget = genericBudget
        s.genericExecutions = genericExecutions
        s.only = only
        s.skipClean = skipClean
        s.skipGeneric = skipGeneric
        let verification = MutantVerification(settings: s)
        let shard = try withInputErrorsReported { () throws -> ShardSpec? in
            guard seeds >= 1 else { throw UsageFailure(description: "--seeds: must be at least 1") }
            guard cleanSeeds >= 1 else { throw UsageFailure(description: "--clean-seeds: must be at least 1") }
            guard !budget.isZero, !cleanBudget.isZero, !genericBudget.isZero else {
                throw UsageFailure(description: "--budget, --clean-budget, --generic-budget: must be more than 0")
            }
            guard executions >= 1, cleanExecutions >= 1, genericExecutions >= 1 else {
                throw UsageFailure(description: "--executions, --clean-executions, --generic-executions: must be at least 1")
            }
            try reports.outputs.checkWritable()
            return try sharding.resolve(totalRuns: verification.plan.count)
        }
        let quiet = reports.quiet
        let budgetText = mode == .deterministic ? "\(executions) executions" : "\(budget)"
        print("mutants verify (\(mode.rawValue)): \(verification.mutants.count) mutants x \(seeds) seeds, \(budgetText) each"
              + (shard.map { ", shard \($0)" } ?? ""))
        var outcomes: [MutantVerification.Outcome] = []
        for run in verification.plan {
            if mmut_interrupt_signal() != 0 { break }
            if let shard, !shard.contains(run: run.index) { continue }
            var o = verification.execute(run)
            if let e = o.harnessError {
                printError("mmutorture: harness failure in \(run.name) (seed \(run.config.seed)): \(e)")
                throw ExitCode(3)
            }
            o.result.shard = shard?.index
            outcomes.append(o)
            if case .clean = run.kind, !o.passed {
                print("correct \(run.name): \(o.invariants.map(\.rawValue).sorted().joined(separator: ", "))   FALSE ALARM OR BUG"
                      + "  reproduce: \(o.result.reproduce)")
            }
        }
        let verdicts = verification.verdicts(outcomes)
        printTable(verdicts, quiet: quiet)
        let clean = outcomes.filter { if case .clean = $0.run.kind { return true }; return false }
        if !clean.isEmpty {
            print("correct protocols: clean in \(clean.filter(\.passed).count) of \(clean.count) runs "
                  + "(\(Set(clean.map { $0.run.name }).count) scenarios: the default campaign and every exposure)")
        }
        let allGood = outcomes.allSatisfy(\.passed)
        let interrupted = mmut_interrupt_signal() != 0
        let results = outcomes.map(\.result)
        var r = RunReport(result: allGood && !interrupted ? .pass : .fail, interrupted: interrupted,
                          campaign: "mutants-verify", config: CampaignConfig.default,
                          durationSeconds: results.reduce(0) { $0 + $1.durationSeconds },
                          counters: results.reduce(into: [:]) { $0.merge($1.counters, uniquingKeysWith: &+) },
                          scenarios: results, shard: shard)
        r.mode = mode
        r.violations = results.flatMap(\.violations)
        r.mutants = verdicts
        try reports.write(r)
        print("mutants verify: " + (allGood ? "every mutant caught, correct protocols clean" : "FAILED"))
        if interrupted { throw ExitCode(130) }
        throw ExitCode(allGood ? 0 : 1)
    }

    /// mutant | caught | invariants seen | detection median / max | generic.
    func printTable(_ verdicts: [MutantVerdict], quiet: Bool) {
        let deterministic = mode == .deterministic
        func measure(_ seconds: Double?, _ executions: Int?) -> String {
            deterministic ? executions.map(String.init) ?? "-" : seconds.map { String(format: "%.2fs", $0) } ?? "-"
        }
        print("mutant".rightPad(28) + "caught  " + "invariants seen".rightPad(36)
              + (deterministic ? "execs median    max" : "detect median    max") + "  generic")
        for v in verdicts {
            let missed = v.caught < v.attempts
            if quiet && !missed { continue }
            var generic = "-"
            if let g = v.generic {
                let seen: String = g.invariants.joined(separator: ",")
                generic = g.caught ? "caught \(measure(g.seconds, g.executions)) (\(seen))" : "not caught"
            }
            let seen: String = v.invariantsSeen.isEmpty ? "none" : v.invariantsSeen.joined(separator: ",")
            var line: String = v.name.rightPad(28)
            line += "\(v.caught)/\(v.attempts)".rightPad(8)
            line += seen.rightPad(36)
            line += measure(v.medianSeconds, v.medianExecutions).leftPad(13)
            line += measure(v.maxSeconds, v.maxExecutions).leftPad(7)
            line += "  " + generic + (missed ? "   NOT CAUGHT" : "")
            print(line)
        }
    }
}
