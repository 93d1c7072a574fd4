/// The end of an mmu-lock critical section: every path releases the
/// mmu-lock here, so the checks that belong to the moment of release run for
/// every section alike.
extension VM {
    /// `spin_unlock(&kvm->mmu_lock)`, after flush-before-unlock and, in the
    /// deterministic mode, a full audit of every invariant (read without
    /// scheduling points, so the audit does not change the schedule).
    @inline(__always)
    func unlockMMU<P: Platform>(_ p: P, checker: ViolationSink) {
        if checks {
            checkFlushedBeforeUnlock(p, checker: checker)
            if p.auditsEveryCriticalSection { auditEverything(p, checker: checker) }
        }
        p.unlock(mmuLock)
    }

    /// A full audit with the mmu-lock held: every gfn, and the leaf pages on
    /// the active list (every live page is there or waiting for its grace
    /// period with no leaves left).
    @inline(never)
    func auditEverything<P: Platform>(_ p: P, checker: ViolationSink) {
        let a = AuditPlatform(p)
        auditLocked(a, gfns: 0..<frames, pages: 0..<0, checker: checker)
        var cursor = global(Global.activeHead).pointee
        while cursor != 0 {
            let page = Int(cursor - 1)
            auditPagesInRmaps(a, pages: page..<(page + 1), checker: checker)
            cursor = header(page, SPHeader.activeNext).pointee
        }
    }
}
