import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// `mmutorture mutants verify`: the regression gate. Every mutant must be
/// caught with its expected invariant in every attempt, and the correct
/// protocols must stay clean for the same budget.
struct MutantsVerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Run each mutant K times; fail unless every one is caught and the correct protocols stay clean.",
        discussion: """
        Each mutant runs in the scenario that exposes it (see `mutants list`),
        with seeds 1...K (or derived from --seed), for at most --budget each;
        a run stops at the first violation, so its duration is the time to
        detect. Each correct protocol then runs the default campaign with every
        mmu-lock operation for the same budget and seeds. Exit status 0 only if
        every mutant was caught with an expected invariant in every attempt and
        no correct protocol raised anything; 1 otherwise.
        """)

    @Option(help: "Time budget per attempt (30s, 2m, ...).") var budget: DurationSpec = DurationSpec("10s")!
    @Option(help: "Attempts (seeds) per mutant and per correct protocol.") var seeds: Int = 3
    @Option(help: "First seed; attempt i uses seed + i.") var seed: UInt64 = 1
    @Option(help: "Only this mutant (repeatable).") var only: [MutantName] = []
    @Option(help: "Budget per correct-protocol run (default: --budget). Mutant runs stop at detection; these always run to the end.")
    var cleanBudget: DurationSpec?
    @Flag(help: "Skip the correct-protocol runs.") var skipClean = false
    @OptionGroup(title: "Reports") var reports: ReportOptions
    @OptionGroup(title: "Shards") var sharding: ShardOptions

    func run() throws {
        mmut_install_interrupt_handlers()
        try withInputErrorsReported {
            guard seeds >= 1 else { throw UsageFailure(description: "--seeds: must be at least 1") }
            guard !budget.isZero else { throw UsageFailure(description: "--budget: must be more than 0") }
            try reports.outputs.checkWritable()
        }
        let mutants = ProtocolVariants.mutants.filter { only.isEmpty || only.contains($0.name) }
        // The runs, numbered for --shard: mutants x seeds, then the correct protocols x seeds.
        let totalRuns = (mutants.count + (skipClean ? 0 : ProtocolName.allCases.count)) * seeds
        let shard = try sharding.resolve(totalRuns: totalRuns)
        let quiet = reports.quiet
        var results: [ScenarioResult] = []
        var allGood = true
        print("mutants verify: \(mutants.count) mutants x \(seeds) seeds, budget \(budget) each")
        if !quiet { print("mutant".rightPad(22) + "caught  invariants seen".rightPad(40) + "detect median    max") }
        for (mi, m) in mutants.enumerated() {
            var times: [Double] = []
            var seen: Set<String> = []
            var caught = 0, attempted = 0
            for i in 0..<seeds {
                if mmut_interrupt_signal() != 0 { break }
                let runIndex = mi * seeds + i
                if let shard, !shard.contains(run: runIndex) { continue }
                attempted += 1
                let s = seed &+ UInt64(i)
                let config = exposedConfig(m, seed: s)
                let r = NativeRunner.run(RunParameters(config))
                if let e = r.harnessError { printError("mmutorture: harness failure: \(e)"); throw ExitCode(3) }
                let invariants = Set(r.violations.map(\.invariant))
                seen.formUnion(invariants.map(\.rawValue))
                let ok = !invariants.isDisjoint(with: m.expectedInvariants)
                if ok { caught += 1; times.append(r.durationSeconds) }
                results.append(ScenarioResult(
                    name: "mutant:\(m.name.rawValue)", repeatIndex: i, seed: s,
                    result: ok ? .pass : .fail, durationSeconds: r.durationSeconds, counters: r.counterDictionary,
                    reproduce: "mmutorture run --mutant \(m.name.rawValue) --seed \(s) --duration \(budget)",
                    violations: ok ? [] : [ReportViolation(invariant: m.expectedInvariants.map(\.rawValue).joined(separator: "|"),
                                                         message: invariants.isEmpty
                                                            ? "mutant \(m.name.rawValue) was not caught within \(budget)"
                                                            : "mutant \(m.name.rawValue) was caught only by \(invariants.map(\.rawValue).sorted().joined(separator: ", "))")],
                    error: nil, interrupted: r.interrupted, index: runIndex, shard: shard?.index))
            }
            if caught < attempted { allGood = false }
            if attempted == 0 || (quiet && caught == attempted) { continue }
            times.sort()
            let median = times.isEmpty ? "-" : String(format: "%.2fs", times[times.count / 2])
            let maxT = times.last.map { String(format: "%.2fs", $0) } ?? "-"
            print(m.name.rawValue.rightPad(22) + "\(caught)/\(attempted)".rightPad(8)
                  + (seen.isEmpty ? "none" : seen.sorted().joined(separator: ",")).rightPad(32)
                  + median.leftPad(7) + maxT.leftPad(9) + (caught < attempted ? "   NOT CAUGHT" : ""))
        }
        if !skipClean {
            for (pi, proto) in ProtocolName.allCases.enumerated() {
                var clean = 0, attempted = 0
                for i in 0..<seeds {
                    if mmut_interrupt_signal() != 0 { break }
                    let runIndex = (mutants.count + pi) * seeds + i
                    if let shard, !shard.contains(run: runIndex) { continue }
                    attempted += 1
                    var c = CampaignConfig.default
                    c.protocol = proto
                    c.seed = seed &+ UInt64(i)
                    c.duration = cleanBudget ?? budget
                    let r = NativeRunner.run(RunParameters(c))
                    if let e = r.harnessError { printError("mmutorture: harness failure: \(e)"); throw ExitCode(3) }
                    if r.violations.isEmpty { clean += 1 } else { allGood = false }
                    results.append(ScenarioResult(
                        r, name: "correct:\(proto.rawValue)", repeatIndex: i, seed: c.seed,
                        reproduce: "mmutorture run --protocol \(proto.rawValue) --seed \(c.seed) --duration \(c.duration)",
                        index: runIndex, shard: shard?.index))
                }
                if attempted == 0 || (quiet && clean == attempted) { continue }
                print(("correct " + proto.rawValue).rightPad(22) + "clean \(clean)/\(attempted)" + (clean < attempted ? "   FALSE ALARM OR BUG" : ""))
            }
        }
        let interrupted = mmut_interrupt_signal() != 0
        var r = RunReport(result: allGood && !interrupted ? .pass : .fail, interrupted: interrupted,
                          campaign: "mutants-verify", config: CampaignConfig.default,
                          durationSeconds: results.reduce(0) { $0 + $1.durationSeconds },
                          counters: results.reduce(into: [:]) { $0.merge($1.counters, uniquingKeysWith: &+) },
                          scenarios: results, shard: shard)
        r.violations = results.flatMap(\.violations)
        try reports.write(r)
        print("mutants verify: " + (allGood ? "every mutant caught, correct protocols clean" : "FAILED"))
        if interrupted { throw ExitCode(130) }
        throw ExitCode(allGood ? 0 : 1)
    }

    func exposedConfig(_ m: MutantInfo, seed: UInt64) -> CampaignConfig {
        var c = CampaignConfig.default.exposing(m)
        c.seed = seed
        c.duration = budget
        return c
    }
}
