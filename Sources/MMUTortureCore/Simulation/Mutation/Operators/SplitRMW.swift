/// `split-rmw`: a locked read-modify-write becomes a plain load, the same
/// computation, and a plain store (two scheduling points; the store goes
/// into the store buffer). Another thread's update can fall between them
/// and be lost.
public struct SplitRMW: MutationOperator {
    public init() {}
    public var name: String { "split-rmw" }
    public var summary: String { "a locked read-modify-write becomes a plain load, compute, plain store" }
    public func applies(to operation: SiteOperation) -> Bool { operation.isReadModifyWrite }
    public var tracksInfection: Bool { true }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        guard let p = operation.address, let update = operation.update else { return }
        // Infected when the locked instruction would have drained the
        // buffer, or when another thread's store reached the word between
        // the split load and store (an update the buffered store will lose).
        if executor.bufferedProtocolStores(thread) > 0 { executor.noteInfection() }
        let old = executor.plainLoad(thread, p)
        if let new = update(old) {
            executor.plainStore(thread, p, new, mask: ~0)
            if executor.bufferedProtocolStores(thread) == 1 && p.pointee != old { executor.noteInfection() }
        }
        operation.result = old
        operation.exchanged = old == operation.expected
    }
}
