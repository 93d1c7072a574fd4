/// The end of an mmu-lock critical section: every path releases the
/// mmu-lock here, so the checks that belong to the moment of release run for
/// every section alike.
extension VM {
    /// `spin_unlock(&kvm->mmu_lock)`, after flush-before-unlock; in the
    /// deterministic mode followed by a full audit of every invariant. The
    /// simulated unlock drains the store buffer and no other thread moves
    /// before this one's next operation, so the audit (read without
    /// scheduling points) sees exactly the state the section left, and the
    /// schedule does not change. `audit` false: the section changed none of
    /// the MMU's or the host's mappings, it only moved a page's reference
    /// count without freeing it (`gfn_to_pfn` of a present page, under the
    /// host page-table lock the mmu-lock models; a fault's
    /// `mmu_notifier_retry` that releases its page); what other threads
    /// changed meanwhile is audited at the next section's end (docs/model.md,
    /// "Audits").
    @inline(__always)
    func unlockMMU<P: Platform>(_ p: P, checker: ViolationSink, audit: Bool = true,
                                file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        if checks { checkFlushedBeforeUnlock(p, checker: checker) }
        // The caller's site: each critical section's unlock is a site of its own.
        p.unlock(mmuLock, at: OperationSite(file: file, line: line, column: column))
        if checks && audit && p.auditsEveryCriticalSection { auditEverything(p, checker: checker) }
    }

    /// A full audit with the mmu-lock held: every gfn, and the leaf pages on
    /// the active list (every live page is there or waiting for its grace
    /// period with no leaves left).
    @inline(never)
    func auditEverything<P: Platform>(_ p: P, checker: ViolationSink) {
        let a = AuditPlatform(p)
        if isTDP {
            // Right after a write section no reader is inside one; a page
            // being freed or a root being put (pages lock held) is half way.
            tdpAuditLocked(a, accounting: a.load(tdp.pagesLock.owner) == 0, checker: checker)
            return
        }
        auditLocked(a, gfns: 0..<frames, pages: 0..<0, checker: checker)
        var cursor = global(Global.activeHead).pointee
        while cursor != 0 {
            let page = Int(cursor - 1)
            auditPagesInRmaps(a, pages: page..<(page + 1), plainLoads: true, checker: checker)
            cursor = header(page, SPHeader.activeNext).pointee
        }
    }
}
