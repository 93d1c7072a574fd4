/// What the TDP MMU's mmu threads do (docs/protocols.md, "The TDP MMU"):
/// notifier unmap (write lock), write-protect for write tracking (write
/// lock), dirty logging (enabling under the read lock, reaping under the
/// write lock, disabling collapses page tables under the read lock), and
/// zap-all-fast (roots invalidated under the write lock, zapped under the
/// read lock). Every walk is inside an RCU read-side section and yields.
extension VM {
    // MARK: notifier

    /// `kvm_mmu_notifier_invalidate_range_start` .. the host frees the
    /// pages .. `_end`. `copyOnWrite`: a private writable copy replaces the
    /// page; `sharedAfter`: a read-only (KSM-like) page comes back.
    public func tdpInvalidateRange<P: Platform>(_ p: P, firstGFN: Int, count: Int, sharedAfter: Bool = false,
                                                copyOnWrite: Bool = false, checker: ViolationSink) {
        let range = firstGFN..<min(frames, firstGFN + count)
        guard !range.isEmpty else { return }
        p.lock(mmuLock)
        p.count(.invalidations)
        // The checker's record (notifier-range), here and at the end: plain
        // counts under the write lock (no store-buffer entry, no schedule moved).
        if checks { for gfn in range { tdp.invalidating[gfn] &+= 1 } }
        // kvm_mmu_invalidate_begin, kvm_mmu_invalidate_range_add.
        let before = p.fetchAdd(global(Global.notifierCount), 1)
        if before == 0 {
            p.store(tdp.rangeStart, UInt64(range.lowerBound))
            p.store(tdp.rangeEnd, UInt64(range.upperBound))
        } else {
            p.store(tdp.rangeStart, min(p.load(tdp.rangeStart), UInt64(range.lowerBound)))
            p.store(tdp.rangeEnd, max(p.load(tdp.rangeEnd), UInt64(range.upperBound)))
        }
        p.trace(.invalidateStart, gfn: firstGFN, UInt64(range.count))
        // kvm_tdp_mmu_unmap_gfn_range: every root, invalid ones included
        // (they stay reachable while they are zapped).
        var flush = false
        p.rcuReadLock()
        tdpForEachRoot(p, includeInvalid: ops.tdpUnmapReachesInvalidRoots, checker: checker) { root in
            tdpZapLeafs(p, root: root, range: range, flush: &flush, checker: checker)
        }
        p.rcuReadUnlock()
        if flush && ops.tdpUnmapFlushes { tdpFlush(p, gfn: firstGFN) }
        unlockMMU(p, checker: checker)

        p.perturb(.notifierWindow)
        p.lock(tdp.pagesLock)
        for gfn in range {
            if copyOnWrite, p.load(hostPT + gfn) != 0 {
                let pfn = Int(p.load(hostPT + gfn) - 1)
                p.store(swap + gfn, p.load(pfnData + pfn))
                p.store(pfnDirty + pfn, 1)
            }
            hostUnmap(p, gfn: gfn, checker: checker)
            if sharedAfter { hostFaultIn(p, gfn: gfn, readOnly: true) }
            if copyOnWrite { hostFaultIn(p, gfn: gfn) }
        }
        p.unlock(tdp.pagesLock)

        // Mutant invalidate-end-unbalanced: no _end for a range that had
        // nothing to zap.
        if !flush && !ops.invalidateEndAlwaysRuns { return }
        // kvm_mmu_invalidate_end: seq++, write barrier (stores are ordered on x86), in_progress--.
        p.lock(mmuLock)
        _ = p.fetchAdd(global(Global.notifierSeq), 1)
        if checks { for gfn in range { tdp.invalidating[gfn] &-= 1 } }
        _ = p.fetchAdd(global(Global.notifierCount), UInt64.max)
        p.trace(.invalidateEnd, gfn: firstGFN)
        unlockMMU(p, checker: checker)
    }

    /// `tdp_mmu_zap_leafs` under the write lock: every present leaf of
    /// `range` in `root`, yielding now and then (the restart walks from the
    /// root again at the gfn it stopped at; mutant tdp-advance-after-yield
    /// steps past it). Sets `flush` when a present leaf went.
    func tdpZapLeafs<P: Platform>(_ p: P, root: Int, range: Range<Int>, flush: inout Bool, checker: ViolationSink) {
        var gfn = range.lowerBound
        var progress = 0
        while gfn < range.upperBound {
            if progress >= VM.tdpYieldEvery {
                tdpYield(p, exclusive: true, flush: &flush, checker: checker)
                progress = 0
                if !ops.tdpRestartDoesNotAdvance { gfn += 1 }
                continue
            }
            if let sp = tdpWalk(p, root: root, gfn: gfn, level: 1, checker: checker) {
                let old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
                if old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0 {
                    let was = tdpWriteSPTE(p, sp, 0)
                    p.trace(.tdpZapLeaf, gfn: gfn, was, 0)
                    tdpHandleChanged(p, gfn: gfn, old: was, new: 0, level: 1, exclusive: true, checker: checker)
                    flush = true
                }
            }
            progress += 1
            gfn += 1
        }
    }

    // MARK: write tracking

    /// `kvm_write_track_add_gfn` + `kvm_tdp_mmu_write_protect_gfn`: W and
    /// MMU_WRITABLE cleared on every valid root's spte of `gfn`, flushed
    /// before the unlock. On return wp-safety holds until `unprotect(gfn)`.
    public func tdpWriteProtectGFN<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink) {
        let exclusive = ops.tdpWriteProtectTakesWriteLock
        if exclusive { p.lock(mmuLock) } else { p.lockShared(mmuLock) }
        tdpAssertWriteLocked(p, checker: checker)
        p.count(.writeProtects)
        p.ghostStore(protection + gfn, Protection.protecting)
        p.store(rmapFlags + gfn, p.load(rmapFlags + gfn) | VM.pteListWriteProtect)
        p.trace(.wpFlagSet, gfn: gfn)
        var flush = false
        p.rcuReadLock()
        tdpForEachRoot(p, includeInvalid: false, checker: checker) { root in
            guard let sp = tdpWalk(p, root: root, gfn: gfn, level: 1, checker: checker) else { return }
            p.perturb(.wpScan)
            let old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
            guard old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0 else { return }
            // Mutant tdp-wrprot-skips-mmu-writable looks at W only.
            let mask = ops.tdpWriteProtectMMUWritable ? SPTE.writableMask | SPTE.mmuWritableMask : SPTE.writableMask
            guard old & mask != 0 else { return }
            let new = old & ~(SPTE.writableMask | SPTE.mmuWritableMask)
            let was = tdpWriteSPTE(p, sp, new)
            p.trace(.wpClear, gfn: gfn, was, new)
            tdpHandleChanged(p, gfn: gfn, old: was, new: new, level: 1, exclusive: true, checker: checker)
            // Flush whenever the spte changed (write_protect_gfn's
            // spte_set), not only when W went: a W taken away under the read
            // lock (dirty logging's enable) is flushed only after that
            // reader's unlock, so a TLB may still hold W for an spte whose
            // W is already clear.
            flush = true
        }
        p.rcuReadUnlock()
        if flush { tdpFlush(p, gfn: gfn) }
        p.ghostStore(protection + gfn, Protection.protected)
        p.trace(.wpDone, gfn: gfn)
        if checks { tdpAuditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableAfterProtect) }
        if exclusive { unlockMMU(p, checker: checker) } else { p.unlockShared(mmuLock) }
    }

    // MARK: dirty logging

    /// One dirty-logging operation of an mmu thread: mostly reaping the log;
    /// now and then enabling it again (a fresh log, the slot
    /// write-protected and copied whole) or disabling it (page tables
    /// collapsed, `kvm_tdp_mmu_zap_collapsible_sptes`).
    func tdpDirtyLogOperation<P: Platform>(_ p: P, checker: ViolationSink) {
        switch p.state.pointee.rng.below(4) {
        case 0: tdpEnableDirtyLogging(p, checker: checker)
        case 1: tdpZapCollapsible(p, checker: checker)
        default: tdpHarvestDirtyLog(p, checker: checker)
        }
    }

    /// `kvm_mmu_slot_apply_flags` for KVM_MEM_LOG_DIRTY_PAGES: the new slot
    /// (a fresh bitmap) is installed while no fault runs (write lock, as the
    /// memslot swap waits for SRCU readers), the slot is write-protected
    /// under the read lock (`kvm_tdp_mmu_wrprot_slot`, atomic W clears in
    /// parallel with faults), the TLBs are flushed after the unlock, and
    /// only then is the whole slot copied (the migration's first pass).
    func tdpEnableDirtyLogging<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lock(mmuLock)
        if checks { dirtyLogEnableStarts(p) }
        for gfn in 0..<frames where p.load(dirtyBitmap + gfn) != 0 { p.store(dirtyBitmap + gfn, 0) }
        unlockMMU(p, checker: checker)
        // W mode: write-protect the slot; D mode: clear the D bits
        // (`kvm_tdp_mmu_clear_dirty_slot`), so that a write sets D again.
        let dMode = p.load(tdp.dirtyLogMode) != 0
        let bit = dMode ? SPTE.dirtyMask : SPTE.writableMask
        p.lockShared(mmuLock)
        p.rcuReadLock()
        var none = false
        // D mode: invalid roots that are still to be zapped hold D bits too.
        tdpForEachRoot(p, includeInvalid: dMode, checker: checker) { root in
            var gfn = 0
            var progress = 0
            while gfn < frames {
                if progress >= VM.tdpYieldEvery * 8 {
                    tdpYield(p, exclusive: false, flush: &none, checker: checker)
                    progress = 0
                    if !ops.tdpRestartDoesNotAdvance { gfn += 1 }
                    continue
                }
                if let sp = tdpWalk(p, root: root, gfn: gfn, level: 1, checker: checker) {
                    var old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
                    while !SPTE.isFrozen(old) && old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0
                            && old & bit != 0 {
                        let new = old & ~bit
                        tdpBeginLeafUpdate(p, gfn: gfn)
                        if tdpSetSPTEAtomic(p, sp, old: old, new: new, gfn: gfn, checker: checker) {
                            p.trace(.dirtyLogWP, gfn: gfn, old, new)
                            tdpHandleChanged(p, gfn: gfn, old: old, new: new, level: 1, exclusive: false, logsDirty: false,
                                             checker: checker)
                            tdpEndLeafUpdate(p, gfn: gfn)
                            break
                        }
                        tdpEndLeafUpdate(p, gfn: gfn)
                        old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
                    }
                }
                progress += 1
                gfn += 1
            }
        }
        p.rcuReadUnlock()
        p.unlockShared(mmuLock)
        // kvm_flush_remote_tlbs_memslot (mutant tdp-dirty-enable-no-flush skips it).
        if ops.tdpDirtyEnableFlushes { tdpFlush(p, gfn: -1) }
        p.lock(tdp.pagesLock)
        for gfn in 0..<frames { p.store(destination + gfn, guestMemory(p, gfn: gfn)) }
        if checks { dirtyLogEnableCopied(p) }
        p.unlock(tdp.pagesLock)
        p.count(.harvests)
        p.trace(.harvest, gfn: -1, UInt64(frames))
    }

    /// `kvm_get_dirty_log_protect` with `kvm_tdp_mmu_clear_dirty_pt_masked`
    /// under the write lock: the bitmap taken, W cleared on the logged gfns'
    /// sptes, a flush, then the copy. Returns the number of pages copied.
    @discardableResult
    public func tdpHarvestDirtyLog<P: Platform>(_ p: P, checker: ViolationSink) -> Int {
        p.lock(mmuLock)
        tdpAssertWriteLocked(p, checker: checker)
        p.count(.harvests)
        var logged: [Int] = []
        // W mode: the bitmap's gfns lose W; D mode: every D is harvested
        // and cleared as well (the bitmap still has what faults marked).
        let dMode = p.load(tdp.dirtyLogMode) != 0
        let bit = dMode ? SPTE.dirtyMask : SPTE.writableMask
        p.rcuReadLock()
        for gfn in 0..<frames {
            var dirty = p.load(dirtyBitmap + gfn) != 0 && p.exchange(dirtyBitmap + gfn, 0) != 0
            guard dirty || dMode else { continue }
            tdpForEachRoot(p, includeInvalid: dMode, checker: checker) { root in
                guard let sp = tdpWalk(p, root: root, gfn: gfn, level: 1, checker: checker) else { return }
                let old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
                guard old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0 && old & bit != 0 else { return }
                let was = tdpClearSPTEBits(p, sp, bit)
                if was & bit != 0 { dirty = true }
                p.trace(.dirtyLogWP, gfn: gfn, was, was & ~bit)
                tdpHandleChanged(p, gfn: gfn, old: was, new: was & ~bit, level: 1, exclusive: true, logsDirty: false,
                                 checker: checker)
            }
            if dirty { logged.append(gfn) }
        }
        p.rcuReadUnlock()
        if !logged.isEmpty { tdpFlush(p, gfn: -1) }
        p.lock(tdp.pagesLock)
        for gfn in logged { p.store(destination + gfn, guestMemory(p, gfn: gfn)) }
        if checks && !dMode && !p.auditsEveryCriticalSection { checkNothingUnlogged(p, checker: checker) }
        p.unlock(tdp.pagesLock)
        if checks && !dMode && p.auditsEveryCriticalSection { checkNothingUnlogged(AuditPlatform(p), checker: checker) }
        p.count(.pagesLogged, UInt64(logged.count))
        p.trace(.harvest, gfn: -1, UInt64(logged.count))
        unlockMMU(p, checker: checker)
        return logged.count
    }

    /// `kvm_tdp_mmu_zap_collapsible_sptes` (read lock): every level-2 spte
    /// that points to a table of 4 KiB leaves is zapped with
    /// `tdp_mmu_zap_spte_atomic` (frozen, the table removed, flushed),
    /// racing with faults that refill it.
    func tdpZapCollapsible<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lockShared(mmuLock)
        p.rcuReadLock()
        tdpForEachRoot(p, includeInvalid: false, checker: checker) { root in
            tdpZapLevel(p, root: root, level: 2, checker: checker)
        }
        p.rcuReadUnlock()
        p.unlockShared(mmuLock)
        tdpFreeDeferred(p, checker: checker)
    }

    /// Every present spte of `level` in `root`, zapped atomically under the
    /// read lock, with yields (`__tdp_mmu_zap_root`'s loop).
    func tdpZapLevel<P: Platform>(_ p: P, root: Int, level: Int, checker: ViolationSink) {
        let stride = 1 << ((level - 1) * 9)
        var gfn = 0
        var progress = 0
        var none = false
        while gfn < frames {
            if progress >= VM.tdpYieldEvery {
                tdpYield(p, exclusive: false, flush: &none, checker: checker)
                progress = 0
                if !ops.tdpRestartDoesNotAdvance { gfn += stride }
                continue
            }
            if let sp = tdpWalk(p, root: root, gfn: gfn, level: level, checker: checker) {
                if !tdpZapSPTEAtomic(p, sp, gfn: gfn, level: level, checker: checker) {
                    p.relax()
                    continue   // changed or frozen by another thread: walk again
                }
            }
            progress += 1
            gfn += stride
        }
    }

    // MARK: zap all (fast)

    /// `kvm_mmu_zap_all_fast`: under the write lock every root is marked
    /// invalid and scheduled to zap, and every vCPU is asked to drop its
    /// root; the invalidated roots are then zapped under the read lock,
    /// at once or by a later call (as the kernel's zap worker did), so that
    /// other operations meet invalid roots that are not zapped yet.
    func tdpZapAllFast<P: Platform>(_ p: P, zapNow: Bool, checker: ViolationSink) {
        var scheduled = false
        for slot in 0..<TDPState.maxRoots {
            let r = p.load(tdp.roots + slot)
            if r != 0 && p.load(tdp.rootFlags + Int(r - 1)) & TDPState.RootFlag.scheduledToZap != 0 { scheduled = true }
        }
        if scheduled { tdpZapInvalidatedRoots(p, checker: checker); return }
        p.lock(mmuLock)
        tdpAssertWriteLocked(p, checker: checker)
        p.count(.zaps)
        // kvm_tdp_mmu_invalidate_all_roots.
        for slot in 0..<TDPState.maxRoots {
            let r = p.load(tdp.roots + slot)
            if r == 0 { continue }
            let page = Int(r - 1)
            let flags = p.load(tdp.rootFlags + page)
            if flags & TDPState.RootFlag.invalid == 0 {
                p.store(tdp.rootFlags + page, flags | TDPState.RootFlag.invalid | TDPState.RootFlag.scheduledToZap)
                p.trace(.tdpRootInvalidated, gfn: -1, UInt64(page))
            }
        }
        tdpRootsBecameObsolete(p)   // obsolete's record, before the requests
        // KVM_REQ_MMU_FREE_OBSOLETE_ROOTS, waiting for the vCPUs in guest mode.
        tdpFlush(p, gfn: -1, extraRequest: VM.requestMMUReload)
        unlockMMU(p, checker: checker)
        if zapNow { tdpZapInvalidatedRoots(p, checker: checker) }
    }

    /// `kvm_tdp_mmu_zap_invalidated_roots` (read lock): each scheduled root
    /// is zapped (the 1 GiB level first, then the top level), and only then
    /// does the MMU drop its reference: the root had to stay reachable by
    /// notifiers while it was zapped.
    func tdpZapInvalidatedRoots<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lockShared(mmuLock)
        p.rcuReadLock()
        for slot in 0..<TDPState.maxRoots {
            let r = p.load(tdp.roots + slot)
            if r == 0 { continue }
            let page = Int(r - 1)
            let flags = p.load(tdp.rootFlags + page)
            guard flags & TDPState.RootFlag.scheduledToZap != 0,
                  p.compareExchange(tdp.rootFlags + page, expected: flags,
                                    desired: flags & ~TDPState.RootFlag.scheduledToZap).exchanged,
                  tdpTryGetRoot(p, page) else { continue }
            tdpZapLevel(p, root: page, level: 3, checker: checker)
            // Mutant tdp-zap-all-skips-top: the second pass's end bound
            // excludes the top-level sptes.
            if ops.tdpZapRootTopLevel { tdpZapLevel(p, root: page, level: 4, checker: checker) }
            // root-lifetime's record: the audits hold a zapped root to "no
            // present spte" for as long as it stays in the list.
            p.ghostOr(tdp.rootFlags + page, TDPState.RootFlag.zapped)
            if ops.tdpMMUHoldsRootReference { tdpPutRoot(p, page, checker: checker) }
            tdpPutRoot(p, page, checker: checker)
        }
        p.rcuReadUnlock()
        p.unlockShared(mmuLock)
        tdpFreeDeferred(p, checker: checker)
    }
}
