/// `drop-flush`: a remote TLB flush (`kvm_flush_remote_tlbs`) is skipped:
/// no request, no wait.
public struct DropFlush: MutationOperator {
    public init() {}
    public var name: String { "drop-flush" }
    public var summary: String { "a remote TLB flush is skipped" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .remoteFlush }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        executor.skippedOperation(thread)
        operation.performs = false
    }
}
