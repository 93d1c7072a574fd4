/// The TDP MMU's page fault (`kvm_tdp_mmu_page_fault` / `kvm_tdp_mmu_map`;
/// docs/protocols.md, "The TDP MMU"): the pfn is looked up with the
/// notifier sequence snapshotted first, then under the mmu-lock held for
/// read, in parallel with other faults, missing page tables are linked and
/// the leaf installed with cmpxchg; any surprise (a frozen spte, a lost
/// cmpxchg, an invalid root, an invalidation of the gfn) retries the fault.
/// The fast path (`fast_page_fault`) is the merged protocol's, on
/// MMU-writable sptes (`FastPageFault.swift`).
extension VM {
    public func tdpPageFault<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int, write: Bool,
                                          checker: ViolationSink) -> SlowPathOutcome {
        p.count(.slowFaults)
        guard tdpTopUpCache(p, v) else { return .outOfPages }
        // mmu_seq = kvm->mmu_invalidate_seq; smp_rmb() (loads are ordered on x86).
        let seq = p.load(global(Global.notifierSeq))
        guard let pfn = tdpGFNToPFN(p, gfn: gfn, write: write, checker: checker) else { return .outOfPages }
        p.lockShared(mmuLock)
        let outcome = tdpMapLocked(p, v, gfn: gfn, write: write, pfn: pfn, seq: seq, checker: checker)
        p.unlockShared(mmuLock)
        // mutant refault-leaks-page keeps the reference of a fault that retries.
        if outcome != .refault || ops.refaultReleasesPage {
            p.lock(tdp.pagesLock)
            putPage(p, pfn: pfn, checker: checker)   // kvm_release_pfn
            p.unlock(tdp.pagesLock)
        }
        return outcome
    }

    /// `__gfn_to_pfn_memslot` with a reference, under the host page-table
    /// lock. A write to a read-only (KSM-like) page breaks the sharing: the
    /// host invalidates the gfn (the whole notifier sequence) and maps a
    /// private copy.
    func tdpGFNToPFN<P: Platform>(_ p: P, gfn: Int, write: Bool, checker: ViolationSink) -> Int? {
        p.lock(tdp.pagesLock)
        if p.load(hostPT + gfn) == 0 && !hostFaultIn(p, gfn: gfn) { p.unlock(tdp.pagesLock); return nil }
        var pfn = Int(p.load(hostPT + gfn) - 1)
        if write && p.load(pfnState + pfn) & VM.pfnHostWritable == 0 {
            p.unlock(tdp.pagesLock)
            tdpInvalidateRange(p, firstGFN: gfn, count: 1, copyOnWrite: true, checker: checker)
            p.lock(tdp.pagesLock)
            if p.load(hostPT + gfn) == 0 && !hostFaultIn(p, gfn: gfn) { p.unlock(tdp.pagesLock); return nil }
            pfn = Int(p.load(hostPT + gfn) - 1)
        }
        _ = p.fetchAdd(pfnRefcount + pfn, 1)
        p.unlock(tdp.pagesLock)
        return pfn
    }

    /// The fault under the read lock.
    func tdpMapLocked<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, gfn: Int, write: Bool, pfn: Int,
                                   seq: UInt64, checker: ViolationSink) -> SlowPathOutcome {
        if v.pointee.root == 0 {
            // kvm_mmu_load: a valid root from the list, or a new one.
            guard tdpGetRoot(p, v) else { return .outOfPages }
            v.pointee.flushTLB()
        }
        let root = v.pointee.root - 1
        // is_page_fault_stale: the root was invalidated (the reload request
        // is pending); retry after handling it. Stable under the read lock:
        // invalidation takes the write lock.
        if ops.tdpFaultChecksRoot && p.load(tdp.rootFlags + root) & TDPState.RootFlag.invalid != 0 {
            return tdpRetry(p, gfn: gfn, why: 1)
        }
        // mmu_invalidate_retry_gfn: an invalidation of this gfn is in
        // progress, or one completed since the pfn was looked up.
        if ops.notifierRetryCheck {
            if p.load(global(Global.notifierCount)) != 0 {
                let start = p.load(tdp.rangeStart), end = p.load(tdp.rangeEnd)
                if UInt64(gfn) >= start && UInt64(gfn) < end { return tdpRetry(p, gfn: gfn, why: 2) }
            }
            if p.load(global(Global.notifierSeq)) != seq { return tdpRetry(p, gfn: gfn, why: 2) }
        }
        p.rcuReadLock()
        defer { p.rcuReadUnlock() }
        var page = root
        var level = 4
        // rcu-lifetime: each table is the incarnation its link had when read.
        var incarnation = checks ? p.peek(tdp.incarnations + root) : 0
        while level > 1 {
            let sp = sptep(page: page, index: VM.tdpIndex(gfn, level: level))
            let spte = p.load(sp)
            if checks {
                guard checkTableLive(p, page: page, incarnation: incarnation, vcpu: v.pointee.id, gfn: gfn, spte: spte,
                                     checker: checker) else { return tdpRetry(p, gfn: gfn, why: 3) }
                tdpNoteWalkTable(p, page: page, incarnation: incarnation)
            }
            if SPTE.isFrozen(spte) { return tdpRetry(p, gfn: gfn, why: 3) }
            if spte & SPTE.presentMask != 0 {
                page = SPTE(raw: spte).childIndex
                if checks { incarnation = p.peek(tdp.incarnations + page) }
                level -= 1
                continue
            }
            // tdp_mmu_link_sp: a new table from the vCPU's cache.
            guard let child = tdpCachePop(v) else { return .outOfPages }
            let shift = (level - 1) * 9
            tdpInitPage(p, page: child, base: gfn & ~((1 << shift) - 1), level: level - 1)
            // pt-accounting's record goes before the cmpxchg that publishes
            // the page (which drains it), so no reader of the link finds the
            // page unaccounted.
            p.ghostStore(tdp.ptState + child, TDPState.PTState.linked)
            if !tdpSetSPTEAtomic(p, sp, old: spte, new: SPTE.nonLeaf(child: child).raw, gfn: gfn, checker: checker) {
                // Never visible: back to the vCPU's cache. Nobody else can
                // know the page, so its record is put back at once (the
                // cmpxchg drained the `linked` above): a buffered ghost store
                // here would be a shared store the kernel never makes.
                tdp.ptState[child] = TDPState.PTState.allocated
                tdpCachePush(v, child)
                return tdpRetry(p, gfn: gfn, why: 4)
            }
            page = child
            if checks { incarnation = p.peek(tdp.incarnations + page) }
            level -= 1
        }
        if checks { tdpNoteWalkTable(p, page: page, incarnation: incarnation) }
        let sp = sptep(page: page, index: gfn & 511)
        let old = tdpLoadSPTE(p, sp, gfn: gfn, vcpu: v.pointee.id, checker: checker)
        if SPTE.isFrozen(old) { return tdpRetry(p, gfn: gfn, why: 3) }
        // Write tracking (a shadowed guest page table): emulate, never map writable.
        let tracked = p.load(rmapFlags + gfn) & VM.pteListWriteProtect != 0
        if write && tracked {
            emulateGuestWrite(p, v, gfn: gfn, pfn: pfn, checker: checker)
            if old & SPTE.presentMask == 0 {
                let hostWritable = p.load(pfnState + pfn) & VM.pfnHostWritable != 0
                let ro = SPTE.leaf(pfn: UInt64(pfn), writable: false, hostWritable: hostWritable).raw | SPTE.accessedMask
                _ = tdpInstallLeaf(p, sp, root: root, gfn: gfn, old: old, new: ro, checker: checker)
            }
            return .emulated
        }
        let samePage = old & SPTE.presentMask != 0 && SPTE(raw: old).pfn == UInt64(pfn)
        if samePage && (!write || old & SPTE.writableMask != 0) { return .installed }   // spurious
        // make_spte: MMU_WRITABLE only for a writable host page (mutant
        // tdp-readonly-keeps-mmu-writable keeps it), never on a tracked gfn;
        // W only for a write fault.
        let hostWritable = p.load(pfnState + pfn) & VM.pfnHostWritable != 0
        let mmuWritable = (hostWritable || !ops.tdpReadOnlyDropsMMUWritable) && !tracked
        let writable = write && hostWritable && !tracked
        var new = SPTE.leaf(pfn: UInt64(pfn), writable: writable, hostWritable: hostWritable, mmuWritable: mmuWritable).raw
            | SPTE.accessedMask
        if samePage { new |= old & SPTE.dirtyMask }
        if writable { markPageDirty(p, gfn: gfn) }   // make_spte marks before the install
        guard tdpInstallLeaf(p, sp, root: root, gfn: gfn, old: old, new: new, checker: checker) else {
            return tdpRetry(p, gfn: gfn, why: 4)
        }
        p.count(.slowInstalls)
        return .installed
    }

    /// The leaf's cmpxchg, then `handle_changed_spte` and a flush when a
    /// present spte was replaced. root-lifetime: never into an invalid root.
    func tdpInstallLeaf<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, root: Int, gfn: Int, old: UInt64, new: UInt64,
                                     checker: ViolationSink) -> Bool {
        tdpBeginLeafUpdate(p, gfn: gfn)
        guard tdpSetSPTEAtomic(p, sp, old: old, new: new, gfn: gfn, checker: checker) else {
            tdpEndLeafUpdate(p, gfn: gfn)
            return false
        }
        p.trace(.tdpInstall, gfn: gfn, old, new)
        if checks && p.load(tdp.rootFlags + root) & TDPState.RootFlag.invalid != 0 {
            checker.report(p, .installIntoInvalidRoot, vcpu: nil, gfn: gfn, spteA: new, spteB: UInt64(root))
        }
        tdpHandleChanged(p, gfn: gfn, old: old, new: new, level: 1, exclusive: false, checker: checker)
        tdpEndLeafUpdate(p, gfn: gfn)
        if old & SPTE.presentMask != 0 && (SPTE(raw: old).pfn != SPTE(raw: new).pfn
                                           || (old & SPTE.writableMask != 0 && new & SPTE.writableMask == 0)) {
            tdpFlush(p, gfn: gfn)
        }
        return true
    }

    /// RET_PF_RETRY: the vCPU re-enters and faults again.
    @inline(__always)
    func tdpRetry<P: Platform>(_ p: P, gfn: Int, why: UInt64) -> SlowPathOutcome {
        p.count(.slowRefaults)
        p.trace(.tdpRetry, gfn: gfn, why)
        return .refault
    }
}
