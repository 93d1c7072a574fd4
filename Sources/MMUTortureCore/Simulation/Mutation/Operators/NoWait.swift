/// `no-wait`: a remote TLB flush sends its requests but returns without
/// waiting for the vCPUs' acknowledgements.
public struct NoWait: MutationOperator {
    public init() {}
    public var name: String { "no-wait" }
    public var summary: String { "a remote flush returns without waiting for acknowledgements" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .flushWait }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        executor.skippedOperation(thread)
        operation.performs = false
    }
}
