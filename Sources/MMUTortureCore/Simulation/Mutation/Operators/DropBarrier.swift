/// `drop-barrier`: a full barrier (`smp_mb()`) does nothing; the thread's
/// buffered stores stay where they are.
public struct DropBarrier: MutationOperator {
    public init() {}
    public var name: String { "drop-barrier" }
    public var summary: String { "a full barrier does nothing" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .fullBarrier }
    public var tracksInfection: Bool { true }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        if executor.bufferedProtocolStores(thread) > 0 { executor.noteInfection() }   // stores the barrier would have drained
        executor.skippedOperation(thread)
    }
}
