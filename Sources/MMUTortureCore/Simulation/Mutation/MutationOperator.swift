/// One way of breaking a shared-memory operation of the protocol paths
/// (docs/mutation.md): `drop-barrier`, `split-rmw`, ... Applied by the
/// deterministic platform at one site at a time; natively never.
///
/// An operator says which kinds of operation it changes and performs the
/// changed operation on the simulated platform, through the executor's
/// primitives (scheduling points, plain loads and stores into the store
/// buffer, locked reads).
public protocol MutationOperator: Sendable {
    /// The name used in reports and in the declared-equivalent list.
    var name: String { get }
    /// What the mutant does, in one line.
    var summary: String { get }
    /// Whether it changes an operation of this kind.
    func applies(to operation: SiteOperation) -> Bool
    /// Performs `operation` (of thread `thread`) the mutant's way, setting
    /// its results, and tells the executor (`noteInfection`) when the
    /// mutated operation did something the original would not have.
    func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int)
    /// Whether `perform` reports infections. Where it does, a survivor that
    /// was never infected tells that the search never reached a state in
    /// which the change mattered (docs/mutation.md).
    var tracksInfection: Bool { get }
}

extension MutationOperator {
    public var tracksInfection: Bool { false }
}
