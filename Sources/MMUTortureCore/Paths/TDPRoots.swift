/// The TDP MMU's page tables and roots (docs/protocols.md, "The TDP MMU"):
/// the allocator behind the vCPUs' page caches, refcounted roots
/// (`kvm_tdp_mmu_get_vcpu_root_hpa`, `kvm_tdp_mmu_put_root`), the walk from
/// a root, `handle_removed_pt`, and the frees after a grace period.
///
/// `tdp.pagesLock` stands for `tdp_mmu_pages_lock`, the page allocator and
/// the host page-table lock: it is taken inside the mmu-lock and RCU, and
/// nothing waits for the mmu-lock, a flush or a grace period while holding it.
extension VM {
    /// An iterator yields after this many steps of forward progress
    /// (`tdp_mmu_iter_cond_resched`; the kernel yields on need_resched or
    /// contention, the model often so that the restart is exercised).
    static let tdpYieldEvery = 2

    /// The index of `gfn`'s entry in a page table of `level`.
    @inline(__always)
    static func tdpIndex(_ gfn: Int, level: Int) -> Int { (gfn >> ((level &- 1) &* 9)) & 511 }

    /// How many entries of a level-`level` table based at `base` cover gfns
    /// below `frames` (the others are never populated).
    @inline(__always)
    func tdpEntries(level: Int, base: Int) -> Int {
        let shift = (level - 1) * 9
        return min(512, max(0, (frames - base + (1 << shift) - 1) >> shift))
    }

    // MARK: the allocator (caller holds tdp.pagesLock)

    /// A page off the free list, accounted as allocated (a vCPU's cache).
    func tdpAllocatePage<P: Platform>(_ p: P) -> Int? {
        guard let page = takeFreePage() else { return nil }
        p.ghostStore(tdp.ptState + page, TDPState.PTState.allocated)
        return page
    }

    /// `tdp_mmu_init_sp`: the page is private to its allocator until the
    /// cmpxchg that links it, so plain writes; the magic goes through the
    /// platform, ordered before that cmpxchg.
    func tdpInitPage<P: Platform>(_ p: P, page: Int, base: Int, level: Int) {
        for i in 0..<512 { sptep(page: page, index: i).pointee = 0 }
        header(page, SPHeader.role).pointee = ShadowPageRole(level: level, direct: true).raw
        header(page, SPHeader.gfn).pointee = UInt64(base)
        header(page, SPHeader.validGen).pointee = validGen(p)
        header(page, SPHeader.parent).pointee = 0
        header(page, SPHeader.gfnsSlot).pointee = 0
        header(page, SPHeader.activeNext).pointee = 0
        p.store(header(page, SPHeader.magic), SPHeader.liveMagic)
    }

    /// Frees a page table: poisoned (magic first) and back on the free list.
    /// pt-accounting: only a removed page (after its grace period) or an
    /// unused cached one may be freed, and only once.
    func tdpFreePage<P: Platform>(_ p: P, page: Int, checker: ViolationSink) {
        let state = p.ghostLoad(tdp.ptState + page)
        if checks && state != TDPState.PTState.removed && state != TDPState.PTState.allocated {
            checker.report(p, state == TDPState.PTState.free ? .pageTableFreedTwice : .pageTableFreedWhileLinked,
                           vcpu: nil, gfn: nil, spteA: UInt64(page), spteB: state)
            if state == TDPState.PTState.free { return }
        }
        if checks && p.load(tdp.rootFlags + page) & TDPState.RootFlag.diedValid != 0 {
            checker.report(p, .validRootUnreferenced, vcpu: nil, gfn: nil, spteA: UInt64(page))
        }
        if checks && state == TDPState.PTState.removed { checkFreedPageTableEmpty(p, page: page, checker: checker) }
        // The poison is the checker's (rcu-lifetime), magic first; so is
        // clearing the generation and the count (a root used after its
        // free is obsolete and unreferenced) and the checker's own root
        // flags (a reused page carries none). The protocol's flags stay as
        // they were, like any freed memory: `tdpGetRoot` sets a new root's.
        p.ghostStore(header(page, SPHeader.magic), SPHeader.poisonMagic)
        tdp.incarnations[page] &+= 1   // a walker that read the link before now holds a stale table
        p.ghostFill(sptep(page: page, index: 0), count: 512, SPHeader.poisonSPTE)
        (tdp.frozenOwner + page &* 512).update(repeating: 0, count: 512)
        p.ghostStore(header(page, SPHeader.validGen), 0)
        p.ghostStore(tdp.refs + page, 0)
        p.ghostStore(tdp.rootFlags + page,
                     p.ghostLoad(tdp.rootFlags + page) & ~(TDPState.RootFlag.zapped | TDPState.RootFlag.diedValid))
        p.ghostStore(tdp.ptState + page, TDPState.PTState.free)
        returnFreePage(page)
        p.count(.shadowPagesFreed)
        p.trace(.pageFreed, gfn: -1, UInt64(page))
    }

    /// `mmu_topup_memory_caches`, before the mmu-lock: three pages (one per
    /// level below the root). False when the arena ran out.
    func tdpTopUpCache<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>) -> Bool {
        let cache = tdp.caches + v.pointee.id * TDPState.cacheSize
        var have = 0
        for k in 0..<TDPState.cacheSize where cache[k] != 0 { have += 1 }
        if have >= 3 { return true }
        p.lock(tdp.pagesLock)
        for k in 0..<TDPState.cacheSize where cache[k] == 0 {
            guard let page = tdpAllocatePage(p) else { break }
            cache[k] = UInt64(page + 1)
            have += 1
        }
        p.unlock(tdp.pagesLock)
        return have >= 3
    }

    @inline(__always)
    func tdpCachePop(_ v: UnsafeMutablePointer<VCPULocal>) -> Int? {
        let cache = tdp.caches + v.pointee.id * TDPState.cacheSize
        for k in 0..<TDPState.cacheSize where cache[k] != 0 {
            let page = Int(cache[k] - 1)
            cache[k] = 0
            return page
        }
        return nil
    }

    @inline(__always)
    func tdpCachePush(_ v: UnsafeMutablePointer<VCPULocal>, _ page: Int) {
        let cache = tdp.caches + v.pointee.id * TDPState.cacheSize
        for k in 0..<TDPState.cacheSize where cache[k] == 0 { cache[k] = UInt64(page + 1); return }
    }

    // MARK: roots

    /// `kvm_tdp_mmu_get_root`: a reference unless the count is already 0.
    func tdpTryGetRoot<P: Platform>(_ p: P, _ page: Int) -> Bool {
        var old = p.load(tdp.refs + page)
        while old != 0 {
            let r = p.compareExchange(tdp.refs + page, expected: old, desired: old + 1)
            if r.exchanged { return true }
            old = r.original
        }
        return false
    }

    /// `kvm_tdp_mmu_get_vcpu_root_hpa` under the read lock: a valid root
    /// from the list with a reference, or a new one with two (the vCPU's and
    /// the MMU's; mutant tdp-roots-die-with-vcpu gives the MMU none).
    func tdpGetRoot<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>) -> Bool {
        p.lock(tdp.pagesLock)
        defer { p.unlock(tdp.pagesLock) }
        var empty = -1
        for slot in 0..<TDPState.maxRoots {
            let r = p.load(tdp.roots + slot)
            if r == 0 { if empty < 0 { empty = slot }; continue }
            let page = Int(r - 1)
            if p.load(tdp.rootFlags + page) & TDPState.RootFlag.invalid == 0 && tdpTryGetRoot(p, page) {
                v.pointee.root = page + 1
                return true
            }
        }
        guard empty >= 0, let page = tdpAllocatePage(p) else { return false }
        tdpInitPage(p, page: page, base: 0, level: 4)
        p.store(tdp.refs + page, ops.tdpMMUHoldsRootReference ? 2 : 1)
        p.store(tdp.rootFlags + page, 0)
        p.ghostStore(tdp.ptState + page, TDPState.PTState.linked)
        p.store(tdp.roots + empty, UInt64(page + 1))
        v.pointee.root = page + 1
        return true
    }

    /// `kvm_tdp_mmu_put_root`: the last reference unlinks the root from the
    /// list and frees it after a grace period. root-lifetime: only an
    /// invalid root may lose its last reference.
    func tdpPutRoot<P: Platform>(_ p: P, _ page: Int, checker: ViolationSink?) {
        let old = p.fetchAdd(tdp.refs + page, UInt64.max)
        p.trace(.tdpRootPut, gfn: -1, UInt64(page), old &- 1)
        guard old == 1 else { return }
        if checks && p.load(tdp.rootFlags + page) & TDPState.RootFlag.invalid == 0 {
            if let checker {
                checker.report(p, .validRootUnreferenced, vcpu: nil, gfn: nil, spteA: UInt64(page))
            } else {
                p.ghostOr(tdp.rootFlags + page, TDPState.RootFlag.diedValid)
            }
        }
        p.lock(tdp.pagesLock)
        for slot in 0..<TDPState.maxRoots where p.load(tdp.roots + slot) == UInt64(page + 1) {
            p.store(tdp.roots + slot, 0)
        }
        tdpQueueFreeLocked(p, page: page, checker: checker)
        p.unlock(tdp.pagesLock)
    }

    /// Accounts `page` as removed and queues it for a free after a grace
    /// period (`call_rcu`). Caller holds tdp.pagesLock.
    func tdpQueueFreeLocked<P: Platform>(_ p: P, page: Int, checker: ViolationSink?) {
        let state = p.ghostLoad(tdp.ptState + page)
        if checks && state != TDPState.PTState.linked {
            checker?.report(p, .pageTableFreedTwice, vcpu: nil, gfn: nil, spteA: UInt64(page), spteB: state)
            return
        }
        p.ghostStore(tdp.ptState + page, TDPState.PTState.removed)
        let n = Int(p.load(tdp.pendingCount))
        p.store(tdp.pendingFree + n, UInt64(page + 1))
        p.store(tdp.pendingCount, UInt64(n + 1))
    }

    /// The RCU callbacks: frees every page table queued before the grace
    /// period this waits for. Outside the mmu-lock and any read-side section.
    func tdpFreeDeferred<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lock(tdp.pagesLock)
        let n = Int(p.load(tdp.pendingCount))
        var batch: [Int] = []
        batch.reserveCapacity(n)
        for k in 0..<n { batch.append(Int(p.load(tdp.pendingFree + k)) - 1) }
        p.store(tdp.pendingCount, 0)
        p.unlock(tdp.pagesLock)
        guard !batch.isEmpty else { return }
        p.synchronizeRCU()
        p.lock(tdp.pagesLock)
        for page in batch { tdpFreePage(p, page: page, checker: checker) }
        p.unlock(tdp.pagesLock)
    }

    /// Runs `body` on each root in the list (valid ones only unless
    /// `includeInvalid`) with a reference held, as
    /// `for_each_tdp_mmu_root_yield_safe` does. Caller is in a read-side section.
    @inline(__always)
    func tdpForEachRoot<P: Platform>(_ p: P, includeInvalid: Bool, checker: ViolationSink, _ body: (Int) -> Void) {
        for slot in 0..<TDPState.maxRoots {
            let r = p.load(tdp.roots + slot)
            if r == 0 { continue }
            let page = Int(r - 1)
            if !includeInvalid && p.load(tdp.rootFlags + page) & TDPState.RootFlag.invalid != 0 { continue }
            guard tdpTryGetRoot(p, page) else { continue }
            body(page)
            tdpPutRoot(p, page, checker: checker)
        }
    }

    // MARK: walks

    /// The entry of the level-`level` table on `gfn`'s path from `root`, or
    /// nil when a level above is not present (or frozen). Caller is in a
    /// read-side section. With a `checker` (a path's walk, not the
    /// checker's own), rcu-lifetime: every table the walk reads from is
    /// still live after the read, and so is the one it hands back
    /// (docs/invariants.md); a freed one is reported and ends the walk.
    @inline(__always)
    func tdpWalk<P: Platform>(_ p: P, root: Int, gfn: Int, level: Int,
                              checker: ViolationSink? = nil) -> UnsafeMutablePointer<UInt64>? {
        var page = root
        var l = 4
        // rcu-lifetime: each table is the incarnation its link had when read.
        let checking = checks ? checker : nil
        var incarnation = checking != nil ? p.peek(tdp.incarnations + root) : 0
        while l > level {
            let spte = p.load(sptep(page: page, index: VM.tdpIndex(gfn, level: l)))
            if let checking, !checkTableLive(p, page: page, incarnation: incarnation, vcpu: nil, gfn: gfn, spte: spte,
                                             checker: checking) { return nil }
            if spte & SPTE.presentMask == 0 { return nil }
            page = SPTE(raw: spte).childIndex
            if checking != nil { incarnation = p.peek(tdp.incarnations + page) }
            l &-= 1
        }
        // The table the caller reads the entry from next (checkSPTELive).
        if let checking {
            guard checkTableLive(p, page: page, incarnation: incarnation, vcpu: nil, gfn: gfn, spte: 0,
                                 checker: checking) else { return nil }
            tdpNoteWalkTable(p, page: page, incarnation: incarnation)
        }
        return sptep(page: page, index: VM.tdpIndex(gfn, level: level))
    }

    // MARK: spte changes

    /// `spte_needs_atomic_update`: a present leaf whose W the fast path may
    /// set (MMU-writable, W clear) or whose A/D hardware may set.
    @inline(__always)
    static func tdpNeedsAtomicUpdate(_ s: UInt64) -> Bool {
        guard s & SPTE.presentMask != 0 && s & SPTE.leafMask != 0 else { return false }
        let w = s & SPTE.writableMask != 0
        return (!w && s & SPTE.mmuWritableMask != 0) || (w && s & SPTE.dirtyMask == 0) || s & SPTE.accessedMask == 0
    }

    /// `tdp_mmu_set_spte_atomic` (read lock): a cmpxchg from the value the
    /// walker read. frozen-ownership: nobody installs over FROZEN.
    @inline(__always)
    func tdpSetSPTEAtomic<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, old: UInt64, new: UInt64, gfn: Int,
                                       checker: ViolationSink) -> Bool {
        let r = p.compareExchange(sp, expected: old, desired: new)
        _ = checkSPTELive(p, sp, vcpu: nil, gfn: gfn, spte: r.original, checker: checker)
        if r.exchanged { checkNotOverFrozen(p, old: old, new: new, gfn: gfn, checker: checker) }
        return r.exchanged
    }

    /// `kvm_tdp_mmu_write_spte` (write lock): an xchg when the spte has
    /// volatile bits, else a plain store (mutant tdp-write-once-volatile:
    /// always the store, from the value read before). Returns the old value.
    @inline(__always)
    func tdpWriteSPTE<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, _ new: UInt64) -> UInt64 {
        let old = p.load(sp)
        // Between the read and the write hardware may set A/D and the fast
        // path W: the window the atomic update closes.
        p.perturb(.wpScan)
        if ops.tdpAtomicVolatileUpdate && VM.tdpNeedsAtomicUpdate(old) { return p.exchange(sp, new) }
        p.store(sp, new)
        return old
    }

    /// `tdp_mmu_clear_spte_bits` (write lock): an atomic AND when the spte
    /// has volatile bits, else a plain store (mutant tdp-write-once-volatile:
    /// always the store, from the value read before). Returns the old value.
    @inline(__always)
    func tdpClearSPTEBits<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, _ mask: UInt64) -> UInt64 {
        let old = p.load(sp)
        p.perturb(.wpScan)
        if ops.tdpAtomicVolatileUpdate && VM.tdpNeedsAtomicUpdate(old) { return p.fetchAnd(sp, ~mask) }
        p.store(sp, old & ~mask)
        return old
    }

    /// dirty-bit's record of a leaf update under the read lock, around its
    /// atomic exchange and `handle_changed_spte`: between the two, D may
    /// have left the spte without having reached the host page yet (the
    /// carry is a plain store, and another reader may drop the gfn's other
    /// sptes meanwhile). Both records are ordered after the thread's earlier
    /// stores (`Platform.ghostAdd`): the decrement becomes visible only after
    /// the carry, without draining it.
    @inline(__always)
    func tdpBeginLeafUpdate<P: Platform>(_ p: P, gfn: Int) {
        if checks && gfn >= 0 && gfn < frames { p.ghostAdd(tdp.dirtyCarries + gfn, 1) }
    }
    @inline(__always)
    func tdpEndLeafUpdate<P: Platform>(_ p: P, gfn: Int) {
        if checks && gfn >= 0 && gfn < frames { p.ghostAdd(tdp.dirtyCarries + gfn, UInt64.max) }
    }

    /// dirty-bit's record of a page-table removal under the read lock, from
    /// before the exchange that unlinks the table until every spte under it
    /// was handled: meanwhile its sptes (D ones too) are reachable from no
    /// root. The thread's own count is private; the shared one is a ghost
    /// counter whose decrement becomes visible only after the removal's
    /// carries (`Platform.ghostAdd`).
    @inline(__always)
    func tdpBeginRemoval<P: Platform>(_ p: P) {
        guard checks else { return }
        p.state.pointee.tdpRemovals &+= 1
        p.ghostAdd(tdp.removals, 1)
    }
    @inline(__always)
    func tdpEndRemoval<P: Platform>(_ p: P) {
        guard checks else { return }
        p.ghostAdd(tdp.removals, UInt64.max)
        p.state.pointee.tdpRemovals &-= 1
    }

    /// `handle_changed_spte`: a removed page table is handled recursively; a
    /// leaf that loses D carries it into the host page and, as
    /// `handle_changed_spte_dirty_log` does, into the dirty log (not when the
    /// dirty log's own harvest clears it: `logsDirty` false).
    func tdpHandleChanged<P: Platform>(_ p: P, gfn: Int, old: UInt64, new: UInt64, level: Int, exclusive: Bool,
                                       logsDirty: Bool = true, checker: ViolationSink) {
        // kvm_update_page_stats: a leaf appeared or went (FROZEN is not present).
        if level == 1, (old ^ new) & SPTE.presentMask != 0 {
            _ = p.fetchAdd(tdp.pages4K, new & SPTE.presentMask != 0 ? 1 : UInt64.max)
        }
        guard old & SPTE.presentMask != 0 else { return }
        if level > 1 {
            if new & SPTE.presentMask == 0 || SPTE(raw: new).childIndex != SPTE(raw: old).childIndex {
                tdpHandleRemovedPT(p, page: SPTE(raw: old).childIndex, checker: checker)
            }
            return
        }
        let pfn = Int(SPTE(raw: old).pfn)
        guard pfn < pfnCount else { return }
        let keepsPage = new & SPTE.presentMask != 0 && SPTE(raw: new).pfn == UInt64(pfn)
        // kvm_set_pfn_dirty whenever D leaves the spte (dropped, or cleared
        // from the value the xchg replaced).
        let dropsDirty = old & SPTE.dirtyMask != 0 && (!keepsPage || new & SPTE.dirtyMask == 0)
        if dropsDirty {
            p.store(pfnDirty + pfn, 1)
            if logsDirty { markPageDirty(p, gfn: gfn) }
        }
        // host-page: until now this spte mapped the page.
        if !keepsPage && checks && p.load(pfnState + pfn) & VM.pfnFreed != 0 {
            checker.report(p, .freedHostPageMapped, vcpu: nil, gfn: gfn, spteA: old)
        }
        tdpNoteWriteRemoved(p, gfn: gfn, old: old, new: new, exclusive: exclusive)
        if !keepsPage { tdpCheckDirtyBitKept(p, gfn: gfn, pfn: pfn, exclusive: exclusive, checker: checker) }
    }

    /// `handle_removed_pt` (shared mode): every child is exchanged to FROZEN
    /// (waiting for a concurrent freezer to finish), handled, and the page is
    /// freed after a grace period. pt-accounting: a page is removed once.
    func tdpHandleRemovedPT<P: Platform>(_ p: P, page: Int, checker: ViolationSink) {
        p.count(.shadowPagesZapped)
        p.trace(.tdpPTRemoved, gfn: -1, UInt64(page))
        let level = ShadowPageRole(raw: p.load(header(page, SPHeader.role))).level
        let base = Int(p.load(header(page, SPHeader.gfn)))
        for i in 0..<tdpEntries(level: level, base: base) {
            let sp = sptep(page: page, index: i)
            let gfn = base + (i << ((level - 1) * 9))
            if level == 1 { tdpBeginLeafUpdate(p, gfn: gfn) }
            var old = p.exchange(sp, SPTE.frozen)
            while SPTE.isFrozen(old) {
                p.relax()
                old = p.exchange(sp, SPTE.frozen)
            }
            tdpHandleChanged(p, gfn: gfn, old: old, new: SPTE.frozen, level: level, exclusive: false, checker: checker)
            if level == 1 { tdpEndLeafUpdate(p, gfn: gfn) }
        }
        p.lock(tdp.pagesLock)
        tdpQueueFreeLocked(p, page: page, checker: checker)
        p.unlock(tdp.pagesLock)
    }

    /// `tdp_mmu_zap_spte_atomic` (read lock): freeze, handle the change,
    /// flush, then the freezer writes the non-present value. False: the spte
    /// changed or is frozen by another thread (the caller retries).
    func tdpZapSPTEAtomic<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, gfn: Int, level: Int,
                                       checker: ViolationSink) -> Bool {
        let old = tdpLoadSPTE(p, sp, gfn: gfn, checker: checker)
        if SPTE.isFrozen(old) { return false }
        if old & SPTE.presentMask == 0 { return true }
        // Freezing stops other threads from installing a present entry
        // before the TLBs are flushed (mutant tdp-zap-no-freeze writes 0).
        let target = ops.tdpZapFreezes ? SPTE.frozen : 0
        if level == 1 { tdpBeginLeafUpdate(p, gfn: gfn) } else { tdpBeginRemoval(p) }
        defer { if level == 1 { tdpEndLeafUpdate(p, gfn: gfn) } else { tdpEndRemoval(p) } }
        let freeze = p.compareExchange(sp, expected: old, desired: target)
        _ = checkSPTELive(p, sp, vcpu: nil, gfn: gfn, spte: freeze.original, checker: checker)
        guard freeze.exchanged else { return false }
        if ops.tdpZapFreezes { p.ghostStore(tdp.frozenOwner + (sp - sptes), UInt64(p.threadIndex + 1)) }
        p.trace(.tdpFrozen, gfn: gfn, old)
        tdpHandleChanged(p, gfn: gfn, old: old, new: target, level: level, exclusive: false, checker: checker)
        tdpFlush(p, gfn: gfn)
        tdpUnfreeze(p, sp, gfn: gfn, checker: checker)
        return true
    }

    /// The freezer writes the frozen spte back (`__kvm_tdp_mmu_write_spte`
    /// with SHADOW_NONPRESENT_VALUE). frozen-ownership: it is still FROZEN,
    /// and frozen by this thread.
    func tdpUnfreeze<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, gfn: Int, checker: ViolationSink) {
        let found = p.load(sp)
        checkFrozenByMe(p, sp, found: found, gfn: gfn, checker: checker)
        p.ghostStore(tdp.frozenOwner + (sp - sptes), 0)
        p.store(sp, 0)
        p.trace(.tdpUnfrozen, gfn: gfn, found)
    }

    /// `kvm_flush_remote_tlbs` from any lock mode (or none): the event
    /// counter and the last completed flush are updated atomically, since
    /// readers flush in parallel.
    func tdpFlush<P: Platform>(_ p: P, gfn: Int, extraRequest: UInt64 = 0) {
        p.trace(.flushRequest, gfn: gfn)
        p.count(.tlbFlushes)
        // The flush clock is the checker's (flush-before-unlock, tlb-coherence).
        let start = sharedFlushStarts(p)
        let request = VM.requestTLBFlush | extraRequest
        for vcpu in 0..<vcpuCount { _ = p.fetchOr(vcpuWord(vcpu, VCPUWord.requests), request) }
        waitForAcknowledgements(p, request: request)
        sharedFlushCompleted(p, start: start)
        p.trace(.flushDone, gfn: gfn)
    }

    /// An iterator yields (`tdp_mmu_iter_cond_resched`): the pending flush
    /// first (mutant tdp-yield-drops-flush loses it), then RCU and the
    /// mmu-lock are left and taken again; the caller restarts from the root.
    func tdpYield<P: Platform>(_ p: P, exclusive: Bool, flush: inout Bool, checker: ViolationSink) {
        p.trace(.tdpYield, gfn: -1, flush ? 1 : 0)
        if flush {
            if ops.tdpYieldFlushes { tdpFlush(p, gfn: -1) }
            flush = false
        }
        p.rcuReadUnlock()
        if exclusive {
            unlockMMU(p, checker: checker)
            p.relax()
            p.lock(mmuLock)
        } else {
            p.unlockShared(mmuLock)
            p.relax()
            p.lockShared(mmuLock)
        }
        p.rcuReadLock()
    }
}
