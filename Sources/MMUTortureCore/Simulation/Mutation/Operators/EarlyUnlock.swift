/// `early-unlock`: the mmu-lock's release (for write or for read) moves
/// before the critical section's last stores: the lock is free while those stores still sit in
/// the store buffer, so the next holder can run before they are visible.
/// (The simulated unlock otherwise drains the buffer first, as
/// `spin_unlock`'s release ordering requires.)
public struct EarlyUnlock: MutationOperator {
    public init() {}
    public var name: String { "early-unlock" }
    public var summary: String { "the unlock becomes visible before the critical section's buffered stores" }
    public func applies(to operation: SiteOperation) -> Bool { operation == .unlock || operation == .unlockShared }
    public var tracksInfection: Bool { true }
    public func perform(_ operation: inout MutatedOperation, on executor: SimExecutor, thread: Int) {
        guard let lock = operation.lock else { return }
        if executor.bufferedProtocolStores(thread) > 0 { executor.noteInfection() }   // stores the unlock now overtakes
        if operation.kind == .unlockShared {
            executor.unlockSharedOvertakingStores(thread, lock)
        } else {
            executor.unlockOvertakingStores(thread, lock)
        }
    }
}
