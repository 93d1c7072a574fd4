import Foundation
import MMUTortureConfig
import MMUTortureCore

/// `mutants verify`, the regression gate, as a library: the plan of runs
/// (numbered, so that shards can split it), one run in either mode, and the
/// verdicts. Every mutant must be caught by one of its expected invariants
/// in every exposure run; the correct protocols must stay clean under the
/// default campaign and under every exposure scenario a mutant of theirs
/// uses; and each mutant also runs once under the generic default campaign
/// with no exposure (reported, not gated: it measures how much the exposure
/// helps, and a mutant may need a layout or paging mode the default lacks).
public struct MutantVerification {
    public struct Settings: Sendable {
        public var mode: ModeName = .native
        /// Exposure attempts (seeds) per mutant.
        public var seeds = 3
        public var firstSeed: UInt64 = 1
        /// Native: the time budget of each mutant attempt (it stops at detection).
        public var budget = DurationSpec("10s")!
        /// Deterministic: the executions budget of each mutant attempt.
        public var executions = 20_000
        /// Correct-protocol runs: seeds per scenario, time or executions each.
        public var cleanSeeds = 1
        public var cleanBudget = DurationSpec("5s")!
        public var cleanExecutions = 2_000
        /// The generic-campaign run of each mutant: time or executions.
        public var genericBudget = DurationSpec("10s")!
        public var genericExecutions = 20_000
        public var only: [MutantName] = []
        public var skipClean = false
        public var skipGeneric = false
        public init() {}
    }

    /// What one run is.
    public enum Kind: Sendable {
        /// A mutant in the scenario that exposes it.
        case exposure(MutantName)
        /// A mutant under the generic default campaign.
        case generic(MutantName)
        /// A correct protocol under a scenario (`default`, or a mutant's exposure).
        case clean(ProtocolName, scenario: String)
    }

    /// One run of the plan.
    public struct Run: Sendable {
        public var kind: Kind
        public var config: CampaignConfig
        /// The attempt number within its mutant or scenario.
        public var attempt: Int
        /// The run's number in the whole plan (shards split by it).
        public var index: Int

        /// The report's scenario name.
        public var name: String {
            switch kind {
            case .exposure(let m): return "mutant:\(m.rawValue)"
            case .generic(let m): return "generic:\(m.rawValue)"
            case .clean(let p, let s): return "correct:\(p.rawValue):\(s)"
            }
        }
    }

    /// What one run found.
    public struct Outcome: Sendable {
        public var run: Run
        public var invariants: Set<Invariant>
        public var seconds: Double
        /// Deterministic: executions run (up to and including the failing one).
        public var executions: Int?
        public var passed: Bool
        public var result: ScenarioResult
        public var harnessError: String?
        public var interrupted: Bool
    }

    public let settings: Settings
    public let mutants: [MutantInfo]
    public let plan: [Run]

    public init(settings: Settings) {
        self.settings = settings
        mutants = ProtocolVariants.mutants.filter { settings.only.isEmpty || settings.only.contains($0.name) }
        var runs: [Run] = []
        func add(_ kind: Kind, _ config: CampaignConfig, attempt: Int) {
            runs.append(Run(kind: kind, config: config, attempt: attempt, index: runs.count))
        }
        for m in mutants {
            for i in 0..<settings.seeds {
                var c = m.expose(CampaignConfig.default)
                c.seed = settings.firstSeed &+ UInt64(i)
                c.duration = settings.budget
                add(.exposure(m.name), c, attempt: i)
            }
        }
        if !settings.skipGeneric {
            for m in mutants {
                var c = CampaignConfig.default
                c.exposeVariant(protocol: m.protocols.contains(c.protocol) ? c.protocol : m.protocolName, mutant: m.name)
                c.seed = settings.firstSeed
                c.duration = settings.genericBudget
                add(.generic(m.name), c, attempt: 0)
            }
        }
        if !settings.skipClean {
            for (p, scenario, c) in MutantVerification.cleanScenarios(mutants: mutants) {
                for i in 0..<settings.cleanSeeds {
                    var c = c
                    c.seed = settings.firstSeed &+ UInt64(i)
                    c.duration = settings.cleanBudget
                    add(.clean(p, scenario: scenario), c, attempt: i)
                }
            }
        }
        plan = runs
    }

    /// The correct protocols' scenarios: the default campaign, and every
    /// distinct exposure scenario of the given mutants under each protocol
    /// the mutant applies to (with the mutant removed).
    public static func cleanScenarios(mutants: [MutantInfo]) -> [(ProtocolName, String, CampaignConfig)] {
        var result: [(ProtocolName, String, CampaignConfig)] = []
        var seen: Set<CampaignConfig> = []
        for p in ProtocolName.allCases {
            var base = CampaignConfig.default
            base.protocol = p
            seen.insert(base)
            result.append((p, "default", base))
            for m in mutants where m.protocols.contains(p) {
                var c = m.expose(CampaignConfig.default)
                c.exposeVariant(protocol: p, mutant: .none)
                if seen.insert(c).inserted { result.append((p, "exposure-of-\(m.name.rawValue)", c)) }
            }
        }
        return result
    }

    /// Runs one run of the plan in the configured mode.
    public func execute(_ run: Run) -> Outcome {
        var config = run.config
        config.mode = settings.mode
        var params = RunParameters(config)
        let expected: [Invariant]
        switch run.kind {
        case .exposure(let m): expected = ProtocolVariants.info(m)?.expectedInvariants ?? []
        case .generic, .clean: expected = []
        }
        let result: RunResult
        var executions: Int?
        if settings.mode == .deterministic {
            // Bounded by executions only, so that the verdict is reproducible.
            params.durationNanoseconds = 0
            var s = DeterministicSettings()
            switch run.kind {
            case .exposure: s.executions = settings.executions
            case .generic: s.executions = settings.genericExecutions
            case .clean: s.executions = settings.cleanExecutions
            }
            s.expectedInvariants = expected
            s.shrink = false
            let d = DeterministicRunner(params: params, settings: s).run()
            result = d.runResult(seed: config.seed)
            executions = d.executions
        } else if case .exposure(let m) = run.kind, let segment = ProtocolVariants.info(m)?.exposure.segmentOperations {
            // Short runs, each with its own seed, until one catches it or
            // the time budget is spent (the check runs at each run's end).
            let deadline = monotonicNanoseconds() &+ settings.budget.nanoseconds
            var spent = 0.0
            var k: UInt64 = 0
            var last: RunResult
            repeat {
                params.seed = config.seed &+ (k << 32)
                params.operations = segment
                params.durationNanoseconds = deadline &- min(deadline, monotonicNanoseconds())
                last = NativeRunner.run(params)
                spent += last.durationSeconds
                k &+= 1
            } while last.violations.isEmpty && last.harnessError == nil && !last.interrupted
                && monotonicNanoseconds() < deadline
            last.durationSeconds = spent
            if !last.violations.isEmpty { config.seed = params.seed }
            result = last
        } else {
            result = NativeRunner.run(params)
        }
        let invariants = Set(result.violations.map(\.invariant))
        let passed: Bool
        var violations: [ReportViolation] = []
        switch run.kind {
        case .exposure(let m):
            passed = !invariants.isDisjoint(with: expected)
            if !passed {
                violations = [ReportViolation(
                    invariant: expected.map(\.rawValue).joined(separator: "|"),
                    message: invariants.isEmpty
                        ? "mutant \(m.rawValue) was not caught within \(budgetText(run.kind))"
                        : "mutant \(m.rawValue) was caught only by \(invariants.map(\.rawValue).sorted().joined(separator: ", "))")]
            }
        case .generic:
            passed = true   // reported, not gated
        case .clean:
            passed = result.violations.isEmpty && result.harnessError == nil
            violations = result.violations.map { ReportViolation($0) }
        }
        let scenario = ScenarioResult(
            name: run.name, repeatIndex: run.attempt, seed: config.seed, result: passed ? .pass : .fail,
            durationSeconds: result.durationSeconds, counters: result.counterDictionary,
            reproduce: reproduceLine(run, config), violations: violations, error: result.harnessError,
            interrupted: result.interrupted, index: run.index)
        return Outcome(run: run, invariants: invariants, seconds: result.durationSeconds, executions: executions,
                       passed: passed, result: scenario, harnessError: result.harnessError, interrupted: result.interrupted)
    }

    func budgetText(_ kind: Kind) -> String {
        if settings.mode == .deterministic {
            switch kind {
            case .exposure: return "\(settings.executions) executions"
            case .generic: return "\(settings.genericExecutions) executions"
            case .clean: return "\(settings.cleanExecutions) executions"
            }
        }
        switch kind {
        case .exposure: return "\(settings.budget)"
        case .generic: return "\(settings.genericBudget)"
        case .clean: return "\(settings.cleanBudget)"
        }
    }

    /// The command line that repeats a run.
    func reproduceLine(_ run: Run, _ c: CampaignConfig) -> String {
        let budget = settings.mode == .deterministic
            ? "--mode deterministic --executions \(budgetText(run.kind).split(separator: " ")[0])"
            : "--duration \(budgetText(run.kind))"
        switch run.kind {
        case .exposure(let m):
            if settings.mode == .native, let n = ProtocolVariants.info(m)?.exposure.segmentOperations {
                return "mmutorture run --mutant \(m.rawValue) --seed \(c.seed) --operations \(n)"
            }
            return "mmutorture run --mutant \(m.rawValue) --seed \(c.seed) \(budget)"
        case .generic(let m):
            return "mmutorture run configs/default.yaml --mutant \(m.rawValue) --protocol \(c.protocol.rawValue) --seed \(c.seed) \(budget)"
        case .clean(let p, let s):
            if s == "default" { return "mmutorture run --protocol \(p.rawValue) --seed \(c.seed) \(budget)" }
            let m = String(s.dropFirst("exposure-of-".count))
            return "mmutorture run --exposure \(m) --protocol \(p.rawValue) --seed \(c.seed) \(budget)"
        }
    }

    /// Per mutant: the exposure attempts and the generic run among `outcomes`.
    public func verdicts(_ outcomes: [Outcome]) -> [MutantVerdict] {
        mutants.compactMap { m in
            let exposure = outcomes.filter { if case .exposure(let n) = $0.run.kind { return n == m.name }; return false }
            let generic = outcomes.first { if case .generic(let n) = $0.run.kind { return n == m.name }; return false }
            if exposure.isEmpty && generic == nil { return nil }
            let caught = exposure.filter(\.passed)
            let times = caught.map(\.seconds).sorted()
            let execs = caught.compactMap(\.executions).sorted()
            return MutantVerdict(
                name: m.name.rawValue, expected: m.expectedInvariants.map(\.rawValue),
                invariantsSeen: Set(exposure.flatMap(\.invariants)).map(\.rawValue).sorted(),
                caught: caught.count, attempts: exposure.count,
                medianSeconds: times.isEmpty ? nil : times[times.count / 2], maxSeconds: times.last,
                medianExecutions: execs.isEmpty ? nil : execs[execs.count / 2], maxExecutions: execs.last,
                generic: generic.map { g in
                    GenericVerdict(caught: !g.invariants.isEmpty, seconds: g.seconds, executions: g.executions,
                                   invariants: g.invariants.map(\.rawValue).sorted())
                })
        }
    }
}
