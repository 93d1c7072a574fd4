/// Dirty logging (live migration): harvest rounds with a non-persistent
/// write-protect (docs/protocols.md, last paragraph).
extension VM {
    /// One harvest: take and clear the dirty bits, take W away from those
    /// gfns' sptes (the flag is not set, so the fast path may make them
    /// writable again and mark them dirty again), flush, copy the pages to the
    /// destination. Returns the number of pages copied.
    @discardableResult
    public func harvestDirtyLog<P: Platform>(_ p: P, checker: ViolationSink) -> Int {
        if isTDP { return tdpHarvestDirtyLog(p, checker: checker) }
        p.lock(mmuLock)
        p.count(.harvests)
        var logged: [Int] = []
        for gfn in 0..<frames where p.load(dirtyBitmap + gfn) != 0 {
            guard p.exchange(dirtyBitmap + gfn, 0) != 0 else { continue }
            logged.append(gfn)
            for k in 0..<rmapCountOf(gfn: gfn) {
                let sp = sptep(global: rmapEntry(gfn: gfn, k))
                // Dirty-log write-protect clears W only: MMU_WRITABLE stays, so
                // the merged protocol's fast path can fix the next write.
                if let old = clearSPTEBits(p, sp: sp, gfn: gfn, mask: SPTE.writableMask, checker: checker) {
                    p.trace(.dirtyLogWP, gfn: gfn, old, old & ~SPTE.writableMask)
                }
            }
        }
        // Flush whenever anything was logged, not only when this harvest
        // cleared a W itself (kvm_vm_ioctl_get_dirty_log's `is_dirty`): a
        // logged gfn's spte may be read-only while a TLB still caches W.
        // Copy after the flush: any later write faults and is logged again
        // (mutant harvest-copy-before-flush copies first).
        if ops.harvestCopiesAfterFlush {
            if !logged.isEmpty { flushRemoteTLBs(p) }
            for gfn in logged { p.store(destination + gfn, guestMemory(p, gfn: gfn)) }
        } else {
            for gfn in logged { p.store(destination + gfn, guestMemory(p, gfn: gfn)) }
            if !logged.isEmpty { flushRemoteTLBs(p) }
        }
        p.count(.pagesLogged, UInt64(logged.count))
        p.trace(.harvest, gfn: -1, UInt64(logged.count))
        if checks && !p.auditsEveryCriticalSection { checkNothingUnlogged(p, checker: checker) }
        unlockMMU(p, checker: checker)
        if checks && p.auditsEveryCriticalSection { checkNothingUnlogged(AuditPlatform(p), checker: checker) }
        return logged.count
    }

    /// What the guest would read at `gfn`: its host page, or swap when the
    /// host reclaimed it. Caller holds the mmu-lock (the host PT lock).
    func guestMemory<P: Platform>(_ p: P, gfn: Int) -> UInt64 {
        let mapped = p.load(hostPT + gfn)
        return mapped == 0 ? p.load(swap + gfn) : p.load(pfnData + Int(mapped - 1))
    }
}
