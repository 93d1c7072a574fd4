import ArgumentParser
import Foundation
import MMUTortureCampaign
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// `mmutorture mutants sweep`: mutants generated at every shared-memory
/// operation of the protocol paths, and the checker's mutation score
/// (`MutationSweep`, docs/mutation.md).
struct MutantsSweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Mutate every shared-memory operation of the paths; report the mutation score and every survivor.",
        discussion: """
        A clean deterministic search of the default campaign finds the sites
        (Platform operations in Sources/MMUTortureCore/Paths/) it reaches;
        every operator that applies at a site makes one mutant (see
        docs/mutation.md); each mutant is searched deterministically for
        --executions executions per seed, --seeds seeds, stopping at the first
        violation. Score = killed / (generated - equivalent), where the
        equivalent mutants are those declared, with a reason, in
        --equivalents. Exit 0 only when every other mutant is killed and no
        declared-equivalent mutant is killed; 1 otherwise.
        """)

    @Option(help: "Only this protocol (default: every protocol).") var `protocol`: ProtocolName?
    @Option(name: .customLong("only-path"),
            help: "Only sites in this path (repeatable): the file name in kebab case, e.g. fast-page-fault, write-protect.")
    var onlyPath: [String] = []
    @Option(name: .customLong("only-site"), help: "Only this site, path:line:column (repeatable).") var onlySite: [String] = []
    @Option(name: .customLong("only-operator"), help: "Only this operator (repeatable).") var onlyOperator: [String] = []
    @Option(help: "Executions per mutant per seed.") var executions: Int = 2_000
    @Option(help: "Seeds per mutant (a mutant stops at its first kill).") var seeds: Int = 1
    @Option(help: "First seed; seed i is seed + i.") var seed: UInt64 = 1
    @Option(help: "Clean executions per seed that find the reached sites (default: --executions).")
    var discoveryExecutions: Int?
    @Option(help: "Mutants searched at once (default: the core count).") var jobs: Int?
    @Option(help: "Only this scenario of the portfolio (repeatable): default, default-two-mmu-threads, default-pct, default-two-mmu-threads-pct, default-two-mmu-threads-swarm, exposure-of-MUTANT.")
    var scenario: [String] = []
    @Option(help: "The declared-equivalent mutants.") var equivalents: String = "configs/equivalent-mutants.txt"
    @Option(help: "Seconds a mutant's search may take before it is stopped and counted as a hang (default: 120 + 20 ms per execution of its budget).")
    var mutantTimeout: Double?
    @Flag(help: "Do not shrink the killing executions (faster; the schedules are the unshrunk ones).") var noShrink = false
    @OptionGroup(title: "Reports") var reports: ReportOptions

    func run() throws {
        mmut_install_interrupt_handlers()
        let declared = try withInputErrorsReported { () throws -> EquivalentMutants in
            guard executions >= 1, seeds >= 1 else { throw UsageFailure(description: "--executions, --seeds: must be at least 1") }
            if let d = discoveryExecutions, d < 1 { throw UsageFailure(description: "--discovery-executions: must be at least 1") }
            for o in onlyOperator where MutationOperators.named(o) == nil {
                throw UsageFailure(description: "--only-operator: unknown operator '\(o)' (operators: "
                                   + MutationOperators.all.map(\.name).joined(separator: ", ") + ")")
            }
            try reports.checkWritable()
            do {
                return try EquivalentMutants(contentsOf: equivalents)
            } catch let e as EquivalentMutants.ParseError {
                throw UsageFailure(description: e.description)
            }
        }
        let protocols = `protocol`.map { [$0] } ?? ProtocolName.allCases
        let quiet = reports.quiet
        var outcomes: [(ProtocolName, MutationSweep.Outcome)] = []
        var scenarios: [ScenarioResult] = []
        let start = monotonicNanoseconds()
        for p in protocols {
            let names = MutantsSweepCommand.scenarioNames(protocol: p)
            for name in scenario where !names.contains(name) {
                try withInputErrorsReported {
                    throw UsageFailure(description: "--scenario: no scenario '\(name)' for \(p.rawValue) (scenarios: "
                                       + names.joined(separator: ", ") + ")")
                }
            }
            let base = MutantsSweepCommand.subject(protocol: p, seed: seed, shrink: !noShrink, only: scenario)
            let subject = ProcessMutationSubject(base: base, protocolName: p, shrink: !noShrink, scenarios: scenario,
                                                 timeoutSeconds: mutantTimeout
                                                     ?? 120 + 0.02 * Double(executions * base.scenarios.count))
            var s = MutationSweep.Settings()
            s.executions = executions
            s.seeds = seeds
            s.firstSeed = seed
            s.discoveryExecutions = discoveryExecutions ?? executions
            s.onlyPaths = onlyPath
            s.onlySites = onlySite
            s.onlyOperators = onlyOperator
            s.protocolName = p.rawValue
            if let jobs { s.workers = max(1, jobs) }
            let sweep = MutationSweep(subject: subject, settings: s, equivalents: declared)
            let (sites, problem) = sweep.discoverSites()
            if let problem {
                printError("mmutorture: \(p.rawValue): \(problem)")
                throw ExitCode(1)
            }
            let pathNames = Set(sites.map(\.pathName))
            for name in onlyPath where !pathNames.contains(name) {
                try withInputErrorsReported {
                    throw UsageFailure(description: "--only-path: no site reached in '\(name)' (paths reached: "
                                       + pathNames.sorted().joined(separator: ", ") + ")")
                }
            }
            let mutants = sweep.mutants(of: sites)
            print("mutants sweep \(p.rawValue): \(sites.count) sites reached, \(mutants.count) mutants, "
                  + "\(executions) executions x \(seeds) seed\(seeds == 1 ? "" : "s") each, \(s.workers) at a time")
            let outcome = sweep.run(sites: sites) { r, done, total in
                if quiet && r.passed { return }
                print("  [\(done)/\(total)] " + line(r))
            }
            outcomes.append((p, outcome))
            scenarios += outcome.results.map { scenario($0, protocol: p) }
            print("mutants sweep \(p.rawValue): " + summaryLine(outcome))
            if !quiet { printBreakdown(outcome) }
            for d in outcome.staleDeclarations {
                print("  warning: \(d.location): declared \(d.operatorName) at \(d.site) matches no mutant generated for \(p.rawValue)")
            }
            if mmut_interrupt_signal() != 0 { break }
        }
        let interrupted = mmut_interrupt_signal() != 0
        let all = outcomes.flatMap { p, o in o.results.map { (p, $0) } }
        let passed = !outcomes.isEmpty && outcomes.allSatisfy { $0.1.passed } && !interrupted
        let summary = summarize(outcomes)
        var config = CampaignConfig.default
        config.mode = .deterministic
        config.seed = seed
        if let p = `protocol` { config.protocol = p }
        var r = RunReport(result: passed ? .pass : .fail, interrupted: interrupted, campaign: "mutants-sweep",
                          config: config, durationSeconds: Double(monotonicNanoseconds() - start) / 1e9,
                          counters: ["mutants_generated": UInt64(summary.generated), "mutants_killed": UInt64(summary.killed),
                                     "mutants_equivalent": UInt64(summary.equivalent), "sites": UInt64(summary.sites),
                                     "executions": UInt64(all.reduce(0) { $0 + $1.1.executions })],
                          reproduce: reproduceLine(), scenarios: scenarios)
        r.mode = .deterministic
        r.sweep = summary
        r.violations = scenarios.flatMap(\.violations)
        r.mutants = all.map { p, m in
            MutantVerdict(name: "\(p.rawValue) \(m.mutant.name)", expected: [], invariantsSeen: m.kill.flatMap(\.killedBy).map { [$0] } ?? [],
                          caught: m.kill == nil ? 0 : 1, attempts: 1,
                          medianExecutions: m.kill == nil ? nil : m.executions, maxExecutions: m.kill == nil ? nil : m.executions)
        }
        try reports.write(r)
        print(String(format: "mutants sweep: score %.1f%% (%d killed of %d generated, %d declared equivalent, %d survived",
                     summary.score * 100, summary.killed, summary.generated, summary.equivalent, summary.survivors.count)
              + ", \(all.filter { $0.1.verdict == .declaredButKilled }.count) declared equivalent but killed)"
              + String(format: " in %.1fs", r.durationSeconds))
        print("mutants sweep: " + (passed ? "every non-equivalent mutant killed" : "FAILED"))
        if interrupted {
            printError("mmutorture: interrupted: the report holds only the \(all.count) mutants whose search had finished")
            throw ExitCode(130)
        }
        throw ExitCode(passed ? 0 : 1)
    }

    /// The sweep's scenarios for protocol `p`, the same for every mutant:
    /// the default campaign, the same with two mmu-lock threads (mmu-lock
    /// holders racing each other's buffered stores), the same two searched
    /// by PCT (depth 3: a thread or a store buffer held back at chosen
    /// steps for as long as the others can run), the two-thread pair again
    /// with swarm testing of the mmu mix (`mmu.swarm`: each execution
    /// keeps a random subset of the operations, so that two rare ones meet
    /// often in some executions), then every exposure
    /// scenario of the hand-written catalogue (with the correct protocol),
    /// deterministic. Every scenario is the random walk's unless its config
    /// says otherwise (`deterministic.strategy`).
    /// (`only`: these scenarios alone.)
    static func portfolio(protocol p: ProtocolName) -> [(ProtocolName, String, CampaignConfig)] {
        var portfolio = MutantVerification.cleanScenarios(mutants: ProtocolVariants.mutants).filter { $0.0 == p }
        var twoLockHolders = CampaignConfig.default
        twoLockHolders.protocol = p
        twoLockHolders.mmu.threads = 2
        var pct = CampaignConfig.default
        pct.protocol = p
        pct.deterministic.strategy = .pct
        pct.deterministic.depth = 3
        var twoLockHoldersPCT = twoLockHolders
        twoLockHoldersPCT.deterministic = pct.deterministic
        var swarm = twoLockHolders
        swarm.mmu.weights.swarm = true
        portfolio.insert(contentsOf: [(p, "default-two-mmu-threads", twoLockHolders), (p, "default-pct", pct),
                                      (p, "default-two-mmu-threads-pct", twoLockHoldersPCT),
                                      (p, "default-two-mmu-threads-swarm", swarm)],
                         at: min(1, portfolio.count))
        return portfolio
    }

    static func scenarioNames(protocol p: ProtocolName) -> [String] { portfolio(protocol: p).map(\.1) }

    static func subject(protocol p: ProtocolName, seed: UInt64, shrink: Bool, only: [String] = []) -> VMMutationSubject {
        let scenarios = portfolio(protocol: p)
            .filter { only.isEmpty || only.contains($0.1) }
            .map { _, name, c -> VMMutationSubject.Scenario in
                var config = c
                config.mode = .deterministic
                config.seed = seed
                return VMMutationSubject.Scenario(name: name, params: RunParameters(config),
                                                  strategy: config.deterministic.settings.strategy)
            }
        var settings = DeterministicSettings()
        settings.shrink = shrink
        // A bounded shrink: the sweep shrinks every kill.
        settings.shrinkExecutions = 2_000
        settings.shrinkSearchExecutions = 200
        settings.shrinkSteps = 20_000_000
        return VMMutationSubject(scenarios: scenarios, settings: settings)
    }

    func line(_ r: MutationSweep.MutantResult) -> String {
        let what = "\(r.mutant.operatorName) at \(r.mutant.site.name) (\(r.mutant.site.operation))"
        switch r.verdict {
        case .killed:
            return "killed    \(what): \(r.kill?.killedBy ?? "?") after \(r.executions) executions"
                + (r.kill?.scenario.map { " (scenario \($0))" } ?? "")
        case .survived:
            let infection = r.infectedExecutions.map {
                $0 == 0 ? " (never infected: the change never mattered in them)" : " (infected in \($0): the change took effect, no invariant saw it)"
            } ?? ""
            return "SURVIVED  \(what): no violation in \(r.executions) executions" + infection
        case .equivalent:
            return "equivalent \(what): \(r.declaration?.reason ?? "")"
        case .declaredButKilled:
            return "DECLARED EQUIVALENT BUT KILLED  \(what) by \(r.kill?.killedBy ?? "?") after \(r.executions) executions "
                + "(\(r.declaration?.location ?? ""))"
        }
    }

    func summaryLine(_ o: MutationSweep.Outcome) -> String {
        String(format: "score %.1f%%: %d killed of %d generated, %d declared equivalent, %d survived, %d wrongly declared; %.1fs",
               o.score * 100, o.killed, o.generated, o.equivalent, o.survivors.count, o.wronglyDeclared.count, o.seconds)
    }

    /// Per operator: generated, killed, equivalent, survived, median executions to kill.
    func printBreakdown(_ o: MutationSweep.Outcome) {
        print("  " + "operator".rightPad(18) + "generated  killed  equivalent  survived  median execs to kill")
        for op in MutationOperators.all {
            let rs = o.results.filter { $0.mutant.operatorName == op.name }
            if rs.isEmpty { continue }
            let kills = rs.filter { $0.kill != nil }.map(\.executions).sorted()
            print("  " + op.name.rightPad(18) + "\(rs.count)".leftPad(9) + "\(kills.count)".leftPad(8)
                  + "\(rs.filter { $0.verdict == .equivalent }.count)".leftPad(12)
                  + "\(rs.filter { $0.verdict == .survived }.count)".leftPad(10)
                  + (kills.isEmpty ? "-" : "\(kills[kills.count / 2])").leftPad(22))
        }
    }

    func scenario(_ m: MutationSweep.MutantResult, protocol p: ProtocolName) -> ScenarioResult {
        var violations: [ReportViolation] = []
        switch m.verdict {
        case .survived:
            violations = [ReportViolation(invariant: "mutant-survived",
                                          message: "\(m.mutant.operatorName) at \(m.mutant.site.name) (\(m.mutant.site.operation)): "
                                              + "no invariant fired in \(m.executions) executions, and it is not declared equivalent")]
        case .declaredButKilled:
            violations = [ReportViolation(invariant: "declared-equivalent-but-killed",
                                          message: "\(m.mutant.operatorName) at \(m.mutant.site.name), declared equivalent at "
                                              + "\(m.declaration?.location ?? "?"), was killed by \(m.kill?.killedBy ?? "?"): "
                                              + (m.kill?.message ?? ""))]
        case .killed, .equivalent:
            break
        }
        var counters: [String: UInt64] = ["executions": UInt64(m.executions)]
        if m.kill != nil { counters["executions_to_kill"] = UInt64(m.executions) }
        let kill = m.kill
        return ScenarioResult(name: "\(p.rawValue) \(m.mutant.operatorName) \(m.mutant.site.name)", repeatIndex: 0,
                              seed: kill?.seed ?? seed, result: m.passed ? .pass : .fail, durationSeconds: m.seconds,
                              counters: counters, reproduce: reproduceLine(for: m, protocol: p), violations: violations)
    }

    func reproduceLine(for m: MutationSweep.MutantResult, protocol p: ProtocolName) -> String {
        "mmutorture mutants sweep --protocol \(p.rawValue) --only-site \(m.mutant.site.name) --only-operator \(m.mutant.operatorName)"
            + " --seed \(m.kill?.seed ?? seed) --executions \(executions)"
    }

    func reproduceLine() -> String {
        var a = ["mmutorture", "mutants", "sweep"]
        if let p = `protocol` { a += ["--protocol", p.rawValue] }
        for o in onlyPath { a += ["--only-path", o] }
        a += ["--executions", "\(executions)", "--seeds", "\(seeds)", "--seed", "\(seed)"]
        return a.joined(separator: " ")
    }

    func summarize(_ outcomes: [(ProtocolName, MutationSweep.Outcome)]) -> SweepSummary {
        var mutants: [SweepSummary.Mutant] = []
        var survivors: [SweepSummary.Survivor] = []
        for (p, o) in outcomes {
            for m in o.results {
                let k = m.kill
                mutants.append(SweepSummary.Mutant(
                    protocol: p.rawValue, site: m.mutant.site.name, operation: m.mutant.site.operation.description,
                    operator: m.mutant.operatorName, verdict: m.verdict.rawValue, killedBy: k?.killedBy, message: k?.message,
                    executions: m.executions, seed: k?.seed, scenario: k?.scenario, schedule: k?.schedule,
                    reason: m.declaration?.reason, infectedExecutions: m.infectedExecutions))
                if m.verdict == .survived {
                    survivors.append(SweepSummary.Survivor(protocol: p.rawValue, site: m.mutant.site.name, operator: m.mutant.operatorName))
                }
            }
        }
        let generated = outcomes.reduce(0) { $0 + $1.1.generated }
        let killed = outcomes.reduce(0) { $0 + $1.1.killed }
        let equivalent = outcomes.reduce(0) { $0 + $1.1.equivalent }
        let score = generated - equivalent <= 0 ? 1 : Double(killed) / Double(generated - equivalent)
        return SweepSummary(generated: generated, killed: killed, equivalent: equivalent, score: score, survivors: survivors,
                            sites: outcomes.reduce(0) { $0 + $1.1.sites.count }, mutants: mutants)
    }
}
