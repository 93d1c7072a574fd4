/// MMU-notifier invalidation (docs/protocols.md, seed 001): the mmu-lock thread
/// acting as the host mm reclaiming guest pages.
extension VM {
    /// `invalidate_range_start` .. the host frees the pages .. `_end`.
    public func invalidateRange<P: Platform>(_ p: P, firstGFN: Int, count: Int, checker: ViolationSink) {
        let range = firstGFN..<min(frames, firstGFN + count)
        p.lock(mmuLock)
        p.count(.invalidations)
        _ = p.fetchAdd(global(Global.notifierCount), 1)
        p.trace(.invalidateStart, gfn: firstGFN, UInt64(range.count))
        var flush = false
        for gfn in range where zapGFN(p, gfn: gfn, checker: checker) { flush = true }
        if flush { flushRemoteTLBs(p, gfn: firstGFN) }
        unlockMMU(p, checker: checker)

        p.perturb(.notifierWindow)
        // The host unmaps the pages and drops its references: the last
        // reference frees a page (written back to swap if dirty, poisoned).
        p.lock(mmuLock)
        for gfn in range { hostUnmap(p, gfn: gfn, checker: checker) }
        unlockMMU(p, checker: checker)

        // Mutant invalidate-end-unbalanced: no _end for a range that had
        // nothing to zap.
        if !flush && !ops.invalidateEndAlwaysRuns { return }
        // invalidate_range_end: seq++, write barrier (stores are ordered on
        // x86), count--.
        p.lock(mmuLock)
        _ = p.fetchAdd(global(Global.notifierSeq), 1)
        _ = p.fetchAdd(global(Global.notifierCount), UInt64.max)
        p.trace(.invalidateEnd, gfn: firstGFN)
        unlockMMU(p, checker: checker)
    }

    /// `invalidate_page`: the one-page form; the sequence is bumped under the
    /// lock before the spte is zapped. `sharedAfter`: the page comes back as
    /// a read-only KSM-like page on the next fault.
    public func invalidatePage<P: Platform>(_ p: P, gfn: Int, sharedAfter: Bool, checker: ViolationSink) {
        p.lock(mmuLock)
        p.count(.invalidations)
        _ = p.fetchAdd(global(Global.notifierSeq), 1)
        p.trace(.invalidateStart, gfn: gfn, 1)
        if zapGFN(p, gfn: gfn, checker: checker) { flushRemoteTLBs(p, gfn: gfn) }
        hostUnmap(p, gfn: gfn, checker: checker)
        if sharedAfter { hostFaultIn(p, gfn: gfn, readOnly: true) }
        p.trace(.invalidateEnd, gfn: gfn)
        unlockMMU(p, checker: checker)
    }
}
