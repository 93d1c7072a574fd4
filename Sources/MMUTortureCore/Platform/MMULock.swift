#if canImport(Glibc)
import Glibc
#endif
import URCUShim

/// The mmu-lock (`kvm->mmu_lock`): a reader-writer lock. The rmap-era
/// protocols take it for write only (it was a spinlock then); the TDP MMU
/// also takes it for read (page faults, enabling dirty logging, zapping
/// invalidated roots). Natively a writer-preferring pthread rwlock (a
/// spinning lock would be a poor model with more threads than cores: a
/// preempted holder stalls every spinner); simulated, an owner word and a
/// reader count the scheduler respects. A trivial value holding pointers,
/// so passing it around costs no ARC.
public struct MMULock {
    public let rwlock: UnsafeMutablePointer<pthread_rwlock_t>
    /// The writer: owner thread + 1, 0 = none. Also read by the watchdog to
    /// name the holder and by lock-mode's assertion.
    public let owner: UnsafeMutablePointer<UInt64>
    /// How many threads hold it for read (the word after `owner`).
    public var readers: UnsafeMutablePointer<UInt64> { owner + 1 }

    public static func allocate() -> MMULock {
        let m = UnsafeMutablePointer<pthread_rwlock_t>.allocate(capacity: 1)
        m.initialize(to: pthread_rwlock_t())
        mmut_rwlock_init(m)
        let o = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        o.initialize(repeating: 0, count: 2)
        return MMULock(rwlock: m, owner: o)
    }

    /// Back to the state `allocate` left: free, no readers, a fresh rwlock.
    /// Only while no thread uses the lock.
    public func reset() {
        pthread_rwlock_destroy(rwlock)
        rwlock.pointee = pthread_rwlock_t()
        mmut_rwlock_init(rwlock)
        owner.update(repeating: 0, count: 2)
    }

    public func deallocate() {
        pthread_rwlock_destroy(rwlock)
        rwlock.deallocate()
        owner.deallocate()
    }
}
