/// The lockless fast page-fault path (docs/protocols.md): a write
/// fault on a present spte, fixed out of the mmu-lock inside an RCU
/// read-side critical section (`walk_shadow_page_lockless_begin/end`).

/// How a fast page fault ended.
public enum FastPathOutcome: Int, Sendable {
    /// The final cmpxchg made the spte writable.
    case fixed
    /// The spte was already writable (a lazily flushed TLB).
    case spurious
    /// Not the fast path's case: not present, not host-writable, no identification.
    case slowPath
    /// vcpu-id: PTE_LIST_WRITE_PROTECT was set; our identification removed.
    case flagSeen
    /// Every attempt's final cmpxchg failed.
    case retriesExhausted
}

extension VM {
    /// How many times the fast path re-reads the spte after a failed cmpxchg.
    static let fastPathAttempts = 4

    /// `fast_page_fault`: dispatches on the protocol variant.
    @inline(__always)
    public func fastPageFault<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int,
                                           checker: ViolationSink) -> FastPathOutcome {
        p.rcuReadLock()
        defer { p.rcuReadUnlock() }
        // A pending reload means our root may be obsolete and about to be
        // freed after the grace period that started before this section:
        // leave it to the slow path, which reloads under the mmu-lock.
        let root = v.pointee.root
        if root == 0 || p.load(vcpuWord(v.pointee.id, VCPUWord.requests)) & VM.requestMMUReload != 0 {
            return .slowPath
        }
        guard let (page, index) = walkToLeaf(p, root: root, addr: addr, vcpu: v.pointee.id, checker: checker) else {
            return .slowPath
        }
        let incarnation = leafIncarnation(p, page: page)
        let sp = sptep(page: page, index: index)
        var attempt = 0
        var outcome: FastPathOutcome
        while true {
            if let o = ops.isVCPUID
                ? fastPathVCPUIDAttempt(p, v, sp: sp, page: page, index: index, gfn: gfn, checker: checker)
                : fastPathMMUWritableAttempt(p, v, sp: sp, page: page, index: index, gfn: gfn, checker: checker) {
                outcome = o
                break
            }
            attempt &+= 1
            p.count(.fastRetry)
            if attempt == VM.fastPathAttempts {
                outcome = .retriesExhausted
                break
            }
        }
        p.state.pointee.recordRetries(attempt)
        checkLeafPageLive(p, page: page, incarnation: incarnation, sp: sp, vcpu: v.pointee.id, gfn: gfn,
                          checker: checker)
        return outcome
    }

    /// rcu-lifetime: the leaf page's count of frees, read right after the
    /// walk read the link to it (a page freed and handed out again has its
    /// magic live again; `checkLeafPageLive` compares).
    @inline(__always)
    func leafIncarnation<P: Platform>(_ p: P, page: Int) -> UInt64 { checks ? p.peek(tdp.incarnations + page) : 0 }

    /// rcu-lifetime after the fast path's last read or cmpxchg of the leaf
    /// page, still inside its read-side section: the page is the one the
    /// walk reached (docs/invariants.md).
    @inline(__always)
    func checkLeafPageLive<P: Platform>(_ p: P, page: Int, incarnation: UInt64, sp: UnsafeMutablePointer<UInt64>,
                                        vcpu: Int, gfn: Int, checker: ViolationSink) {
        guard checks else { return }
        _ = checkTableLive(p, page: page, incarnation: incarnation, vcpu: vcpu, gfn: gfn, spte: p.peek(sp),
                           checker: checker)
    }

    /// The checks both protocols start with (`fast_page_fault`'s early
    /// returns). `modifiable`: the protocol's own condition for a lockless
    /// update (HOST_WRITABLE for vcpu-id; HOST_WRITABLE | MMU_WRITABLE for
    /// the merged protocol). nil: go on.
    @inline(__always)
    func fastPathPrecheck<P: Platform>(_ p: P, spte: UInt64, gfn: Int, modifiable: Bool) -> FastPathOutcome? {
        if spte & SPTE.presentMask == 0 || spte & SPTE.leafMask == 0 || (spte & SPTE.writableMask == 0 && !modifiable) {
            p.trace(.fastToSlow, gfn: gfn, spte)
            return .slowPath
        }
        if spte & SPTE.writableMask != 0 {
            p.trace(.fastSpurious, gfn: gfn, spte)
            return .spurious
        }
        return nil
    }

    /// The final cmpxchg of both protocols: `expected` -> `fixed`, and on
    /// success the gfn computed from the shadow page (seed 002) marked
    /// dirty. nil: the spte changed since the snapshot (another vCPU's id,
    /// A/D set by an access, write-protect cleared our id, a zap...): retry.
    /// Around it the checker's record of a fix whose mark may not be done
    /// (dirty-log; docs/invariants.md): plain stores, set before the locked
    /// cmpxchg, cleared after the mark.
    @inline(__always)
    func fastPathFinalCmpxchg<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, sp: UnsafeMutablePointer<UInt64>,
                                           expected: UInt64, fixed: UInt64,
                                           page: Int, index: Int, gfn: Int) -> FastPathOutcome? {
        p.perturb(.beforeFinalCmpxchg)
        let fixing = vcpuWord(v.pointee.id, VCPUWord.fixing)
        if checks { p.ghostStore(fixing, UInt64(truncatingIfNeeded: gfn &+ 1)) }
        let r = p.compareExchange(sp, expected: expected, desired: fixed)
        if r.exchanged {
            p.trace(.fastFixed, gfn: gfn, expected, fixed)
            markPageDirty(p, gfn: Int(truncatingIfNeeded: pageGFN(p, page: page, index: index)))
            if checks { p.ghostStore(fixing, 0) }
            return .fixed
        }
        if checks { p.ghostStore(fixing, 0) }
        p.trace(.fastRetry, gfn: gfn, expected, r.original)
        return nil
    }

    /// One attempt of the RFC's protocol (seed 004). nil = retry.
    @inline(__always)
    func fastPathVCPUIDAttempt<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, sp: UnsafeMutablePointer<UInt64>,
                                            page: Int, index: Int, gfn: Int, checker: ViolationSink) -> FastPathOutcome? {
        let spte = p.load(sp)
        if let o = fastPathPrecheck(p, spte: spte, gfn: gfn, modifiable: spte & SPTE.hostWritableMask != 0) { return o }
        // softmmu: bits 56-62 only, NX (bit 63) kept; mutant id-clobbers-nx
        // uses the whole byte.
        let ids = ops.identificationWidthFollowsLayout ? layout : .vmx
        let clean = ids.withoutIdentification(spte)
        let marked = ids.marked(spte, id: v.pointee.identification)
        // A plain one-byte store: it leaves the low bits, where "hardware"
        // sets A/D, alone ("only set the last bit[e] of spte", seed 004).
        p.storeTopByte(sp, ids.topByte(marked))
        p.trace(.fastSetID, gfn: gfn, spte, marked)
        p.perturb(.afterSetID)
        // Without it the byte store can sit in the store buffer while the
        // flag is read: x86 store->load reordering (mutant no-fastpath-mb).
        if ops.fastPathBarrier { p.fullBarrier() }
        p.perturb(.afterBarrier)
        if p.load(rmapFlags + gfn) & VM.pteListWriteProtect != 0 {
            // Write-protect got there first: take our identification back.
            _ = p.compareExchange(sp, expected: marked, desired: clean)
            p.trace(.fastFlagSeen, gfn: gfn, p.load(sp))
            return .flagSeen
        }
        return fastPathFinalCmpxchg(p, v, sp: sp, expected: marked, fixed: clean | SPTE.writableMask,
                                    page: page, index: index, gfn: gfn)
    }

    /// One attempt of the merged protocol (Linux 3.6): a single cmpxchg,
    /// only when HOST_WRITABLE and MMU_WRITABLE are both set. nil = retry.
    @inline(__always)
    func fastPathMMUWritableAttempt<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, sp: UnsafeMutablePointer<UInt64>,
                                                 page: Int, index: Int, gfn: Int, checker: ViolationSink) -> FastPathOutcome? {
        let spte = p.load(sp)
        // The TDP MMU's `is_mmu_writable_spte` alone: MMU_WRITABLE implies
        // HOST_WRITABLE there (spte-integrity checks that it does).
        let modifiable = isTDP ? spte & SPTE.mmuWritableMask != 0 : SPTE(raw: spte).isLocklesslyModifiable
        if let o = fastPathPrecheck(p, spte: spte, gfn: gfn, modifiable: modifiable) { return o }
        return fastPathFinalCmpxchg(p, v, sp: sp, expected: spte, fixed: spte | SPTE.writableMask,
                                    page: page, index: index, gfn: gfn)
    }

    /// `mark_page_dirty`: the memslot's dirty bitmap.
    @inline(__always)
    public func markPageDirty<P: Platform>(_ p: P, gfn: Int) {
        guard gfn >= 0 && gfn < frames else { return }
        if p.load(dirtyBitmap + gfn) == 0 { p.store(dirtyBitmap + gfn, 1) }
    }
}
