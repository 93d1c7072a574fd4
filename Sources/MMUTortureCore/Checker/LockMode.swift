/// lock-mode (docs/invariants.md): a path that requires the mmu-lock for
/// write (notifier unmap, write-protect for write tracking, reaping the
/// dirty log, invalidating all roots) never runs under the read lock.
extension VM {
    /// `lockdep_assert_held_write(&kvm->mmu_lock)`: decided from the lock's
    /// own owner word, which only the writer sets.
    @inline(__always)
    func tdpAssertWriteLocked<P: Platform>(_ p: P, checker: ViolationSink) {
        if checks && p.peek(mmuLock.owner) != UInt64(p.threadIndex + 1) {
            checker.report(p, .writeLockNotHeld, vcpu: nil, gfn: nil, spteA: p.peek(mmuLock.readers))
        }
    }
}
