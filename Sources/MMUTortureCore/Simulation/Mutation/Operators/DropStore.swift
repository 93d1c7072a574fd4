/// `drop-store`: a store is skipped; a read-modify-write still reads (and
/// reports what it would have reported) but writes nothing.
public struct DropStore: MutationOperator {
    public init() {}
    public var name: String { "drop-store" }
    public var summary: String { "a store, or the write of a read-modify-write, is skipped" }
    public func applies(to operation: SiteOperation) -> Bool {
        operation == .store || operation == .storeTopByte || operation.isReadModifyWrite
    }
    public var tracksInfection: Bool { true }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        guard let p = operation.address else { return }
        if operation.kind.isReadModifyWrite {
            let old = executor.lockedRead(thread, p, operation.simOp)
            operation.result = old
            operation.exchanged = old == operation.expected
            // Infected when the write would have changed the word.
            if let new = operation.update?(old), new != old { executor.noteInfection() }
        } else {
            if executor.peek(thread, p) & operation.mask != operation.value { executor.noteInfection() }
            executor.skippedOperation(thread)
        }
    }
}
