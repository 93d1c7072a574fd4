/// `weaken-cmpxchg`: a cmpxchg succeeds without comparing: a plain store of
/// the desired value, reported as an exchange.
public struct WeakenCmpxchg: MutationOperator {
    public init() {}
    public var name: String { "weaken-cmpxchg" }
    public var summary: String { "a cmpxchg succeeds without comparing (a plain store of the desired value)" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .compareExchange }
    public var tracksInfection: Bool { true }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        guard let p = operation.address else { return }
        // Infected when the comparison would have failed, or when the
        // locked instruction would have drained the buffer.
        if executor.peek(thread, p) != operation.expected || executor.bufferedProtocolStores(thread) > 0 {
            executor.noteInfection()
        }
        executor.plainStore(thread, p, operation.desired, mask: ~0)
        operation.result = operation.expected
        operation.exchanged = true
    }
}
