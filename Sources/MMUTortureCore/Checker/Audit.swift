/// The audits under the mmu-lock: every invariant that can be decided from
/// a snapshot of the VM, for a window of gfns and shadow pages (the mmu
/// threads audit incrementally, so that an audit never holds the lock for
/// long), or all of it (the main thread now and then, the end of a run, and
/// in deterministic mode after every mmu-lock critical section).
extension VM {
    /// Every gfn and every shadow page.
    public func audit<P: Platform>(_ p: P, checker: ViolationSink) {
        audit(p, gfns: 0..<frames, pages: 0..<pageCount, checker: checker)
    }

    /// A window of gfns (with their rmaps) and of shadow pages, under the lock.
    public func audit<P: Platform>(_ p: P, gfns: Range<Int>, pages: Range<Int> = 0..<0, checker: ViolationSink) {
        if isTDP { tdpAudit(p, checker: checker); return }
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.audits)
        auditLocked(p, gfns: gfns, pages: pages, checker: checker)
    }

    /// The audit body. Caller holds the mmu-lock.
    func auditLocked<P: Platform>(_ p: P, gfns: Range<Int>, pages: Range<Int>, checker: ViolationSink) {
        for gfn in gfns.clamped(to: 0..<frames) {
            for k in 0..<rmapCountOf(gfn: gfn) {
                let global = rmapEntry(gfn: gfn, k)
                let spte = p.peek(sptep(global: global))
                guard auditRmapEntry(p, global: global, spte: spte, gfn: gfn, checker: checker),
                      auditComputedGFN(p, global: global, gfn: gfn, spte: spte, checker: checker),
                      auditLeafHostPage(p, spte: spte, gfn: gfn, checker: checker),
                      auditLeafIntegrity(p, spte: spte, gfn: gfn, checker: checker) else { return }
                // obsolete: zap-obsolete drops every leaf of an obsolete page
                // in the same critical section that moved the generation.
                if isObsolete(p, page: global / 512) {
                    checker.report(p, .obsoletePageInRmap, vcpu: nil, gfn: gfn, spteA: spte, spteB: UInt64(global / 512))
                    return
                }
            }
            let state = p.peek(protection + gfn)
            guard auditWriteTracking(p, gfn: gfn, protection: state, checker: checker) else { return }
            if state == Protection.protected {
                auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableInAudit)
            }
        }
        auditPagesInRmaps(p, pages: pages, checker: checker)
    }

    /// Everything checked once a run's threads have stopped (both runners):
    /// the final dirty-log harvest and comparison, the reference counts,
    /// nothing left half done, and a full audit. `vcpus`: the vCPUs' own
    /// state (the roots they hold).
    public func endOfRunChecks<P: Platform>(_ p: P, vcpus: UnsafeMutablePointer<VCPULocal>, dirtyLog: Bool,
                                            checker: ViolationSink) {
        if dirtyLog { finalDirtyLogCheck(p, checker: checker) }
        finalPageRefcountCheck(p, checker: checker)
        finalAtRestCheck(p, vcpus: vcpus, checker: checker)
        finalPTQueueCheck(p, checker: checker)
        finalGuestMemoryCheck(p, checker: checker)
        audit(p, checker: checker)
    }
}
