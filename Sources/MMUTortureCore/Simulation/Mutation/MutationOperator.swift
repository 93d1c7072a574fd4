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
    /// its results.
    func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int)
}
