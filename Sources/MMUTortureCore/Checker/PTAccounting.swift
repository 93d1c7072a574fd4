/// pt-accounting (docs/invariants.md; `tdp_account_mmu_page`,
/// `handle_removed_pt`, `tdp_mmu_free_sp_rcu_callback`): every page table is
/// reachable from a root in the list, or removed and waiting for its grace
/// period, or free, and it goes through removal and freeing exactly once.
/// `TDPState.ptState` is the checker's record, written as the paths link,
/// remove and free pages; the transitions are checked where they happen
/// (`tdpQueueFreeLocked`, `tdpFreePage`) and reachability by this audit.
///
/// The TDP MMU's audit also decides host-page, spte-integrity, wp-safety and
/// root-lifetime on every leaf and root it walks (it has no rmaps: every
/// spte is reached from a root).
extension VM {
    /// At the free of a removed page table (its grace period over, the
    /// pages lock held): no entry may still be present. The removal
    /// (`handle_removed_pt`) exchanged every entry for FROZEN and handled
    /// what it held; a zap wrote 0 after its freeze; and once the table is
    /// unlinked and frozen nobody can install into it. A present entry
    /// here is a mapping (its D bit, its page) or a child table that left
    /// with the table, never handled (the shadow MMU's
    /// `is_empty_shadow_page` at `kvm_mmu_free_page` is the same rule).
    /// Read with `peek`: after the grace period nobody else writes the
    /// table, and no scheduling point is added.
    func checkFreedPageTableEmpty<P: Platform>(_ p: P, page: Int, checker: ViolationSink) {
        for i in 0..<512 {
            let e = p.peek(sptep(page: page, index: i))
            if e & SPTE.presentMask != 0 {
                checker.report(p, .pageTableFreedNotEmpty, vcpu: nil, gfn: nil, spteA: UInt64(page), spteB: e)
                return
            }
        }
    }

    /// The whole audit, under the mmu-lock held for write and the pages lock.
    public func tdpAudit<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lock(mmuLock)
        p.lock(tdp.pagesLock)
        p.count(.audits)
        tdpAuditLocked(p, accounting: true, checker: checker)
        p.unlock(tdp.pagesLock)
        p.unlock(mmuLock)
    }

    /// The audit body. Caller holds the mmu-lock for write; `accounting`
    /// only when nobody holds the pages lock (a root being put, a page
    /// being freed is half way).
    func tdpAuditLocked<P: Platform>(_ p: P, accounting: Bool, checker: ViolationSink) {
        var reachable = [Bool](repeating: false, count: pageCount)
        var stack: [(page: Int, level: Int, valid: Bool)] = []
        for slot in 0..<TDPState.maxRoots {
            let r = p.peek(tdp.roots + slot)
            if r == 0 { continue }
            let root = Int(r - 1)
            guard tdpAuditRoot(p, root: root, checker: checker) else { return }
            let valid = p.peek(tdp.rootFlags + root) & TDPState.RootFlag.invalid == 0
            reachable[root] = true
            stack.append((root, 4, valid))
        }
        var leaves: UInt64 = 0
        while let (page, level, valid) = stack.popLast() {
            let base = Int(p.peek(header(page, SPHeader.gfn)))
            for i in 0..<tdpEntries(level: level, base: base) {
                let spte = p.peek(sptep(page: page, index: i))
                guard spte & SPTE.presentMask != 0 else { continue }
                if level > 1 {
                    let child = SPTE(raw: spte).childIndex
                    guard child < pageCount else { continue }
                    if !reachable[child] {
                        reachable[child] = true
                        stack.append((child, level - 1, valid))
                    }
                    continue
                }
                let gfn = base + i
                leaves &+= 1
                guard auditLeafHostPage(p, spte: spte, gfn: gfn, checker: checker),
                      auditLeafIntegrity(p, spte: spte, gfn: gfn, checker: checker) else { return }
                if valid && spte & SPTE.writableMask != 0 && p.peek(protection + gfn) == Protection.protected {
                    checker.report(p, .writableInAudit, vcpu: nil, gfn: gfn, spteA: spte)
                    return
                }
            }
        }
        for gfn in 0..<frames {
            guard auditWriteTracking(p, gfn: gfn, protection: p.peek(protection + gfn), checker: checker) else { return }
        }
        guard tdpAuditNotifierRange(p, checker: checker) else { return }
        guard accounting else { return }
        // The page statistics: every present leaf was counted once when it
        // appeared and once when it went, all in sections that have ended.
        let stat = p.peek(tdp.pages4K)
        if stat != leaves {
            checker.report(p, .leafCountWrong, vcpu: nil, gfn: nil, spteA: stat, spteB: leaves)
            return
        }
        for page in 0..<pageCount {
            if p.peek(tdp.rootFlags + page) & TDPState.RootFlag.diedValid != 0 {
                checker.report(p, .validRootUnreferenced, vcpu: nil, gfn: nil, spteA: UInt64(page))
                return
            }
            let state = p.ghostLoad(tdp.ptState + page)
            if state == TDPState.PTState.linked && !reachable[page] {
                checker.report(p, .pageTableLeaked, vcpu: nil, gfn: Int(p.peek(header(page, SPHeader.gfn))),
                               spteA: UInt64(page))
                return
            }
            if reachable[page] && state != TDPState.PTState.linked {
                checker.report(p, .pageTableFreedWhileLinked, vcpu: nil, gfn: nil, spteA: UInt64(page), spteB: state)
                return
            }
        }
    }

    /// wp-safety under the mmu-lock: no valid root's spte of the protected
    /// `gfn` is W (invalid roots are used by no vCPU: each dropped its root
    /// before it entered the guest again).
    func tdpAuditWriteProtected<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink, detail: ViolationDetail) {
        for slot in 0..<TDPState.maxRoots {
            let r = p.peek(tdp.roots + slot)
            if r == 0 || p.peek(tdp.rootFlags + Int(r - 1)) & TDPState.RootFlag.invalid != 0 { continue }
            if let sp = tdpWalk(p, root: Int(r - 1), gfn: gfn, level: 1) {
                let spte = p.peek(sp)
                if spte & SPTE.presentMask != 0 && spte & SPTE.writableMask != 0 {
                    checker.report(p, detail, vcpu: nil, gfn: gfn, spteA: spte)
                    return
                }
            }
        }
    }

    /// dirty-bit for the TDP MMU: after a spte of `gfn` that mapped `pfn`
    /// went, a page the guest wrote is dirty, or another root still maps it
    /// with D, or another reader is between dropping such a spte and
    /// carrying its D into the page (`dirtyCarries`, the caller's own
    /// record among them), or another reader is removing a page table
    /// (`removals`: the table's sptes are reachable from no root until it
    /// has handled them). Caller is in a read-side section.
    ///
    /// Those excuses are for readers running beside the caller. Under the
    /// write lock (`exclusive`) no reader is inside a section, and each
    /// reader's unlock made its carries visible before this writer took
    /// the lock: nothing excuses a missing D then. (A carry that outlived
    /// its reader's section, an unlock that overtook it, is what a writer
    /// such as the host's unmap would act without.)
    ///
    /// Sound under TSO with several readers dropping sptes of the gfn at
    /// once: the loads go in this order. A spte found gone had its
    /// dropper's record visible first (the record enters the dropper's
    /// store buffer before the drop, which is a locked exchange); a record
    /// found cleared had its carry visible first (the decrement follows the
    /// carry in the same FIFO buffer); so the page's dirty flag, read last,
    /// shows every carry that is not still announced.
    func tdpCheckDirtyBitKept<P: Platform>(_ p: P, gfn: Int, pfn: Int, exclusive: Bool, checker: ViolationSink) {
        guard checks, p.ghostLoad(pfnWritten + pfn) != 0, p.peek(pfnDirty + pfn) == 0 else { return }
        for slot in 0..<TDPState.maxRoots {
            let r = p.peek(tdp.roots + slot)
            if r == 0 { continue }
            if let sp = tdpWalk(p, root: Int(r - 1), gfn: gfn, level: 1) {
                let spte = p.peek(sp)
                if spte & (SPTE.presentMask | SPTE.leafMask | SPTE.dirtyMask) == (SPTE.presentMask | SPTE.leafMask | SPTE.dirtyMask)
                    && SPTE(raw: spte).pfn == UInt64(pfn) { return }
            }
        }
        // A reader's own announced carry of this gfn is the one being checked.
        if !exclusive && (p.ghostLoad(tdp.dirtyCarries + gfn) > 1 || p.ghostLoad(tdp.removals) > p.state.pointee.tdpRemovals) {
            return
        }
        if p.peek(pfnDirty + pfn) != 0 { return }
        checker.report(p, .dirtyBitLost, vcpu: nil, gfn: gfn, spteA: UInt64(pfn))
    }

    /// With every thread stopped (the end of a run): "waiting for its grace
    /// period" means queued. Every page table accounted as removed is in
    /// the queue of frees after a grace period (`handle_removed_pt`'s
    /// `call_rcu`), and every queued page is accounted as removed: a removed
    /// table left out of the queue is never freed, one queued twice (or
    /// after its free) is freed twice.
    func finalPTQueueCheck<P: Platform>(_ p: P, checker: ViolationSink) {
        guard isTDP else { return }
        let queued = min(Int(p.peek(tdp.pendingCount)), pageCount)
        var inQueue = [Bool](repeating: false, count: pageCount)
        for k in 0..<queued {
            let page = Int(p.peek(tdp.pendingFree + k)) &- 1
            guard page >= 0 && page < pageCount, !inQueue[page],
                  p.ghostLoad(tdp.ptState + page) == TDPState.PTState.removed else {
                checker.report(p, .pageTableFreedTwice, vcpu: nil, gfn: nil, spteA: UInt64(bitPattern: Int64(page)),
                               spteB: page >= 0 && page < pageCount ? p.ghostLoad(tdp.ptState + page) : 0)
                return
            }
            inQueue[page] = true
        }
        for page in 0..<pageCount where !inQueue[page] && p.ghostLoad(tdp.ptState + page) == TDPState.PTState.removed {
            checker.report(p, .removedPageTableNotQueued, vcpu: nil, gfn: nil, spteA: UInt64(page))
            return
        }
    }
}
