/// What a mutation sweep mutates: a program of simulated threads written
/// against `Platform` (the VM's paths, or a litmus-sized toy), searched
/// deterministically clean and with one mutant applied.
public protocol MutationSubject: Sendable {
    /// Runs `executions` clean executions from `seed`, recording the sites
    /// they reach.
    func discover(seed: UInt64, executions: Int) -> SiteDiscovery
    /// Searches `executions` executions from `seed` with `mutation` applied,
    /// stopping at the first violation.
    func hunt(_ mutation: SimMutation, seed: UInt64, executions: Int) -> MutantAttempt
}
