#if canImport(Glibc)
import Glibc
#endif

/// The mmu-lock (`kvm->mmu_lock`). Natively a pthread mutex (a spinlock
/// would be a poor model with more threads than cores: a preempted holder
/// stalls every spinner); simulated, an owner word the scheduler respects.
/// A trivial value holding pointers, so passing it around costs no ARC.
public struct MMULock {
    public let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Simulated platform: owner thread + 1, 0 = free. Also read by the
    /// watchdog to name the holder.
    public let owner: UnsafeMutablePointer<UInt64>

    public static func allocate() -> MMULock {
        let m = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        m.initialize(to: pthread_mutex_t())
        pthread_mutex_init(m, nil)
        let o = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        o.initialize(to: 0)
        return MMULock(mutex: m, owner: o)
    }

    public func deallocate() {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        owner.deallocate()
    }
}
