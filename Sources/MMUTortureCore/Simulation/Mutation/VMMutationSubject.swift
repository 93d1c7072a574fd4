/// The VM's protocol paths as a mutation subject: the deterministic mode's
/// executions (`DeterministicRunner`, the same vCPU and mmu-lock loops)
/// under `params` and `settings`.
public struct VMMutationSubject: MutationSubject {
    public let params: RunParameters
    public let settings: DeterministicSettings

    public init(params: RunParameters, settings: DeterministicSettings) {
        var p = params
        // Bounded by executions only: the verdicts are reproducible.
        p.durationNanoseconds = 0
        self.params = p
        self.settings = settings
    }

    public func discover(seed: UInt64, executions: Int) -> SiteDiscovery {
        var p = params
        p.seed = seed
        var s = settings
        s.executions = executions
        s.recordSites = true
        s.mutation = nil
        s.shrink = false
        let runner = DeterministicRunner(params: p, settings: s)
        let r = runner.run()
        var problem: String?
        if let e = r.harnessError {
            problem = e
        } else if let f = r.failure, let v = f.shrunk.violations.first {
            problem = "\(v.invariant.rawValue): \(v.message) (schedule \(f.schedule))"
        }
        return SiteDiscovery(sites: runner.reachedSites, executions: r.executions, problem: problem)
    }

    public func hunt(_ mutation: SimMutation, seed: UInt64, executions: Int) -> MutantAttempt {
        var p = params
        p.seed = seed
        var s = settings
        s.executions = executions
        s.mutation = mutation
        s.recordSites = false
        let r = DeterministicRunner(params: p, settings: s).run()
        var a = MutantAttempt(seed: seed, executions: r.executions, seconds: r.durationSeconds)
        if let f = r.failure, let v = f.shrunk.violations.first {
            a.killedBy = v.invariant.rawValue
            a.message = v.message
            a.schedule = f.schedule.description
        } else if let e = r.harnessError {
            a.killedBy = e.contains("deadlock") ? "deadlock" : e.contains("step limit") ? "step-limit" : "harness"
            a.message = e
        }
        return a
    }
}
