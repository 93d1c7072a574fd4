/// One execution of the VM under the simulated platform, as the runner saw it.
public struct DeterministicExecution: Sendable {
    /// Index in the search (0-based); -1 for a replay or a shrinking candidate.
    public var index: Int
    public var shape: ExecutionShape
    public var execution: SimExecution
    public var violations: [ViolationReport]
    /// Per violation: the step at which it was reported (the violating step).
    public var violationSteps: [UInt64]
    /// Per violation: the gfn it concerns, if any.
    public var violationGFNs: [Int?]
    public var counters: [(name: String, value: UInt64)]
    /// A deadlock or a step-limit hit: a harness finding, not a violation.
    public var harnessError: String?

    public var invariants: [Invariant] { violations.map(\.invariant) }

    /// The same with the first violation of `invariant` moved to the front.
    func leading(_ invariant: Invariant) -> DeterministicExecution {
        guard let i = violations.firstIndex(where: { $0.invariant == invariant }), i > 0 else { return self }
        var e = self
        e.violations.insert(e.violations.remove(at: i), at: 0)
        e.violationSteps.insert(e.violationSteps.remove(at: i), at: 0)
        e.violationGFNs.insert(e.violationGFNs.remove(at: i), at: 0)
        return e
    }
    public var firstViolationStep: UInt64? { violationSteps.first }
    public func counter(_ c: Counter) -> UInt64 { counters.first { $0.name == c.name }?.value ?? 0 }
}
