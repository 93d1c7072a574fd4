/// `drop-synchronize`: `synchronize_rcu` returns at once, without waiting
/// for a grace period (what frees a page under a reader's feet).
public struct DropSynchronize: MutationOperator {
    public init() {}
    public var name: String { "drop-synchronize" }
    public var summary: String { "synchronize_rcu returns without waiting for a grace period" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .synchronizeRCU }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        executor.skippedOperation(thread)
    }
}
