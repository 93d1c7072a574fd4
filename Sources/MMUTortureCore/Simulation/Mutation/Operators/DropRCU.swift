/// `drop-rcu`: a read-side critical section's `rcu_read_lock` and the
/// `rcu_read_unlock` that closes it do nothing: grace periods no longer
/// wait for the section.
public struct DropRCU: MutationOperator {
    public init() {}
    public var name: String { "drop-rcu" }
    public var summary: String { "a read-side section's lock and unlock do nothing" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .rcuReadLock }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        // The matching unlock is found by the executor (`SimMutationState`).
        executor.skippedOperation(thread)
    }
}
