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
    @Flag(help: "Accepted for symmetry with `run`; the table is the output.") var quiet = false
    @Option(help: "Write a JSON report here (atomically).") var report: String?
    @Option(help: "Write a JUnit XML report here (atomically).") var junit: String?

    func run() throws {
        mmut_install_interrupt_handlers()
        try withInputErrorsReported {
            guard seeds >= 1 else { throw UsageFailure(description: "--seeds: must be at least 1") }
            guard !budget.isZero else { throw UsageFailure(description: "--budget: must be more than 0") }
            if let report { try AtomicFileWriter.checkWritable(path: report) }
            if let junit { try AtomicFileWriter.checkWritable(path: junit) }
        }
        let mutants = ProtocolVariants.mutants.filter { only.isEmpty || only.contains($0.name) }
        var results: [ScenarioResult] = []
        var allGood = true
        print("mutants verify: \(mutants.count) mutants x \(seeds) seeds, budget \(budget) each")
        print("mutant".rightPad(22) + "caught  invariants seen".rightPad(40) + "detect median    max")
        for m in mutants {
            var times: [Double] = []
            var seen: Set<String> = []
            var caught = 0
            for i in 0..<seeds {
                if mmut_interrupt_signal() != 0 { break }
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
                    error: nil, interrupted: r.interrupted))
            }
            if caught < seeds { allGood = false }
            times.sort()
            let median = times.isEmpty ? "-" : String(format: "%.2fs", times[times.count / 2])
            let maxT = times.last.map { String(format: "%.2fs", $0) } ?? "-"
            print(m.name.rawValue.rightPad(22) + "\(caught)/\(seeds)".rightPad(8)
                  + (seen.isEmpty ? "none" : seen.sorted().joined(separator: ",")).rightPad(32)
                  + median.leftPad(7) + maxT.leftPad(9) + (caught < seeds ? "   NOT CAUGHT" : ""))
        }
        if !skipClean {
            for proto in ProtocolName.allCases {
                var clean = 0
                for i in 0..<seeds {
                    if mmut_interrupt_signal() != 0 { break }
                    var c = CampaignConfig.default
                    c.protocol = proto
                    c.seed = seed &+ UInt64(i)
                    c.duration = cleanBudget ?? budget
                    let r = NativeRunner.run(RunParameters(c))
                    if let e = r.harnessError { printError("mmutorture: harness failure: \(e)"); throw ExitCode(3) }
                    if r.violations.isEmpty { clean += 1 } else { allGood = false }
                    results.append(ScenarioResult(
                        name: "correct:\(proto.rawValue)", repeatIndex: i, seed: c.seed,
                        result: r.violations.isEmpty ? .pass : .fail, durationSeconds: r.durationSeconds,
                        counters: r.counterDictionary,
                        reproduce: "mmutorture run --protocol \(proto.rawValue) --seed \(c.seed) --duration \(c.duration)",
                        violations: r.violations.map(ReportViolation.init), error: nil, interrupted: r.interrupted))
                }
                print(("correct " + proto.rawValue).rightPad(22) + "clean \(clean)/\(seeds)" + (clean < seeds ? "   FALSE ALARM OR BUG" : ""))
            }
        }
        let interrupted = mmut_interrupt_signal() != 0
        do {
            if let report {
                var r = RunReport(result: allGood && !interrupted ? .pass : .fail, interrupted: interrupted,
                                  campaign: "mutants-verify", config: CampaignConfig.default,
                                  durationSeconds: results.reduce(0) { $0 + $1.durationSeconds },
                                  scenarios: results)
                r.violations = results.flatMap(\.violations)
                try AtomicFileWriter.write(try r.jsonData(), to: report)
            }
            if let junit {
                try AtomicFileWriter.write(JUnitWriter.render(campaignName: "mutants-verify", results: results), to: junit)
            }
        } catch {
            printError("mmutorture: could not write a report: \(error)")
            throw ExitCode(3)
        }
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
