/// The VM's protocol paths as a mutation subject: the deterministic mode's
/// executions (`DeterministicRunner`, the same vCPU and mmu-lock loops)
/// under `settings`, in each of a fixed portfolio of scenarios.
///
/// The portfolio is the same for every mutant (the sweep uses the default
/// campaign with one and with two mmu threads, each under the random walk
/// and under PCT, and the exposure scenarios of the hand-written catalogue,
/// with the correct protocol): a mutant is
/// searched in one scenario after another, `executions` each, until one
/// kills it.
public struct VMMutationSubject: MutationSubject {
    public struct Scenario: Sendable {
        public var name: String
        public var params: RunParameters
        /// How this scenario searches (the random walk, or PCT: a
        /// preemption held at one chosen step, which the random walk
        /// almost never makes long enough for a whole grace period or a
        /// whole write-protect to pass a parked reader).
        public var strategy: DeterministicSettings.Strategy
        public init(name: String, params: RunParameters, strategy: DeterministicSettings.Strategy = .defaultRandomWalk) {
            var p = params
            // Bounded by executions only: the verdicts are reproducible.
            p.durationNanoseconds = 0
            self.name = name
            self.params = p
            self.strategy = strategy
        }
    }

    public let scenarios: [Scenario]
    public let settings: DeterministicSettings

    public init(scenarios: [Scenario], settings: DeterministicSettings) {
        precondition(!scenarios.isEmpty, "a mutation subject needs a scenario")
        self.scenarios = scenarios
        self.settings = settings
    }

    /// Every scenario, `executions` clean executions each.
    public func discover(seed: UInt64, executions: Int) -> SiteDiscovery {
        var all = Set<ReachedSite>()
        var total = 0
        for sc in scenarios {
            var p = sc.params
            p.seed = seed
            var s = settings
            s.strategy = sc.strategy
            s.executions = executions
            s.recordSites = true
            s.mutation = nil
            s.shrink = false
            let runner = DeterministicRunner(params: p, settings: s)
            let r = runner.run()
            total += r.executions
            all.formUnion(runner.reachedSites)
            if let e = r.harnessError {
                return SiteDiscovery(sites: all, executions: total, problem: "scenario \(sc.name): \(e)")
            }
            if let f = r.failure, let v = f.shrunk.violations.first {
                return SiteDiscovery(sites: all, executions: total,
                                     problem: "scenario \(sc.name): \(v.invariant.rawValue): \(v.message) (schedule \(f.schedule))")
            }
        }
        return SiteDiscovery(sites: all, executions: total)
    }

    /// Scenario after scenario, `executions` each, until one kills the mutant.
    public func hunt(_ mutation: SimMutation, seed: UInt64, executions: Int) -> MutantAttempt {
        var a = MutantAttempt(seed: seed, executions: 0)
        for sc in scenarios {
            var p = sc.params
            p.seed = seed
            var s = settings
            s.strategy = sc.strategy
            s.executions = executions
            s.mutation = mutation
            s.recordSites = false
            let runner = DeterministicRunner(params: p, settings: s)
            let r = runner.run()
            a.executions += r.executions
            a.seconds += r.durationSeconds
            if mutation.mutationOperator.tracksInfection {
                a.infectedExecutions = (a.infectedExecutions ?? 0) + runner.infectedExecutions
            }
            if let f = r.failure, let v = f.shrunk.violations.first {
                a.killedBy = v.invariant.rawValue
                a.message = v.message
                a.schedule = f.schedule.description
            } else if let e = r.harnessError {
                a.killedBy = e.contains("deadlock") ? "deadlock" : e.contains("step limit") ? "step-limit" : "harness"
                a.message = e
            }
            if a.killed {
                a.scenario = sc.name
                break
            }
        }
        return a
    }
}
