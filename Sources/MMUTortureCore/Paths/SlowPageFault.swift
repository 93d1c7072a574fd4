/// The slow page-fault path under the mmu-lock (docs/protocols.md, seed 001).

/// How a slow page fault ended.
public enum SlowPathOutcome: Int, Sendable {
    /// A leaf spte was installed or upgraded.
    case installed
    /// A write to a write-protected gfn was emulated under the mmu-lock.
    case emulated
    /// An mmu-notifier invalidation overlapped (or the host page moved): fault again.
    case refault
    /// The shadow-page arena or the host's free pages ran out (a harness limit).
    case outOfPages
}

extension VM {
    /// The value a guest write stores: who wrote it, and their sequence number.
    @inline(__always)
    func writeValue(_ v: UnsafeMutablePointer<VCPULocal>) -> UInt64 {
        v.pointee.writeSeq &+= 1
        return (UInt64(v.pointee.id &+ 1) << 48) | (v.pointee.writeSeq & 0xFFFF_FFFF_FFFF)
    }

    /// A write to a write-protected (shadowed, write-tracked) gfn, emulated
    /// by the host under the mmu-lock (`kvm_write_guest`, both fault paths;
    /// the TDP MMU's read lock lets zaps run meanwhile): the host page and
    /// the dirty log see it. The host writes through its own mapping, whose
    /// dirty bit the CPU sets as it writes: the page is dirty before the data
    /// lands. That the guest's data reached the page is the checker's record
    /// (a ghost store, as at a guest write), after both.
    func emulateGuestWrite<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, gfn: Int, pfn: Int,
                                        checker: ViolationSink) {
        // host-page: an emulated write is a guest write like any other.
        if checks { checkGuestAccessPage(p, vcpu: v.pointee.id, gfn: gfn, pfn: pfn, write: true, checker: checker) }
        let value = writeValue(v)
        p.store(pfnDirty + pfn, 1)
        p.store(pfnData + pfn, value)
        noteLastWrite(v, gfn: gfn, value: value)
        p.ghostStore(pfnWritten + pfn, 1)
        markPageDirty(p, gfn: gfn)
        p.count(.emulatedWrites)
        p.trace(.slowEmulate, gfn: gfn, UInt64(pfn))
    }

    /// The role and hash gfn of the shadow page at `level` that covers `addr`.
    /// Non-leaf pages and tdp leaves are direct, keyed by the address they
    /// cover; a 64-bit guest's leaf tables are indirect (gfns[]); a 32-bit
    /// guest's 4 MiB page is shadowed by two direct half pages that share the
    /// large page's gfn and differ by quadrant (seed 002).
    @inline(__always)
    func pageKey(level: Int, addr: Int) -> (gfn: UInt64, role: ShadowPageRole) {
        if level == 1 {
            switch config.paging {
            case .tdp:
                return (UInt64(addr & ~511), ShadowPageRole(level: 1, direct: true))
            case .shadow:
                return (UInt64(addr & ~511), ShadowPageRole(level: 1, direct: false))
            case .shadow32:
                return (UInt64(addr & ~1023), ShadowPageRole(level: 1, direct: true, quadrant: (addr >> 9) & 1))
            }
        }
        return (UInt64(addr) & ~((UInt64(1) << UInt64(level * 9)) - 1), ShadowPageRole(level: level, direct: true))
    }

    /// `gfn_to_pfn`: the host page behind `gfn`, with a reference taken, under
    /// the host's page-table lock (modelled by the mmu-lock). Faults the page
    /// in when the host unmapped it; a write to a read-only (KSM-like) page
    /// breaks the sharing first: the host copies it and invalidates the old
    /// mapping (`invalidate_page`), bumping mmu_notifier_seq.
    func gfnToPFN<P: Platform>(_ p: P, gfn: Int, write: Bool, checker: ViolationSink) -> Int? {
        p.lock(mmuLock)
        // Only a reference taken to a present page: no mapping changed.
        var referenceOnly = true
        defer { unlockMMU(p, checker: checker, audit: !referenceOnly) }
        if p.load(hostPT + gfn) == 0 {
            referenceOnly = false
            if !hostFaultIn(p, gfn: gfn) { return nil }
        }
        var pfn = Int(p.load(hostPT + gfn) - 1)
        if write && p.load(pfnState + pfn) & VM.pfnHostWritable == 0 {
            referenceOnly = false
            // Break COW: the old page's content moves to a private writable copy.
            _ = p.fetchAdd(global(Global.notifierSeq), 1)
            if zapGFN(p, gfn: gfn, checker: checker) { flushRemoteTLBs(p, gfn: gfn) }
            p.store(swap + gfn, p.load(pfnData + pfn))
            p.store(pfnDirty + pfn, 1)
            hostUnmap(p, gfn: gfn, checker: checker)
            guard hostFaultIn(p, gfn: gfn) else { return nil }
            pfn = Int(p.load(hostPT + gfn) - 1)
        }
        _ = p.fetchAdd(pfnRefcount + pfn, 1)
        return pfn
    }

    /// `direct_page_fault` / `FNAME(page_fault)` after the fast path declined.
    public func slowPageFault<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int, write: Bool,
                                           checker: ViolationSink) -> SlowPathOutcome {
        p.count(.slowFaults)
        // mmu_seq = kvm->mmu_notifier_seq; smp_rmb() (loads are ordered on x86).
        let seq = p.load(global(Global.notifierSeq))
        guard let pfn = gfnToPFN(p, gfn: gfn, write: write, checker: checker) else { return .outOfPages }
        p.lock(mmuLock)
        // Taking W away from a present spte needs a remote TLB flush before
        // the mmu-lock is dropped (`mmu_spte_update` returns "flush"):
        // another vCPU's TLB may cache the W its fast path just set.
        var needFlush = false
        var release = true
        // A retry that only drops its page reference changes no mapping.
        var referenceOnly = false
        defer {
            var freed = false
            if release { freed = putPage(p, pfn: pfn, checker: checker) }   // kvm_release_pfn
            if needFlush { flushRemoteTLBs(p, gfn: gfn) }
            unlockMMU(p, checker: checker, audit: !referenceOnly || freed)
        }
        if ops.notifierRetryCheck {
            // mmu_notifier_retry: an invalidation started or completed since
            // we looked the pfn up; the page may be on its way back to the host.
            if p.load(global(Global.notifierCount)) != 0 || p.load(global(Global.notifierSeq)) != seq {
                p.count(.slowRefaults)
                p.trace(.slowRefault, gfn: gfn)
                release = ops.refaultReleasesPage   // mutant refault-leaks-page: the reference is kept
                // Mutant emulate-stale-pfn: a write to a write-tracked gfn is
                // emulated into the page looked up before the invalidation.
                if !ops.emulationChecksRetry && write && p.load(rmapFlags + gfn) & VM.pteListWriteProtect != 0 {
                    emulateGuestWrite(p, v, gfn: gfn, pfn: pfn, checker: checker)
                    return .emulated
                }
                referenceOnly = true
                return .refault
            }
        }
        // A pending reload (zap-obsolete) means our root may be freed and
        // reused by now: honour it here, outside guest mode, like
        // kvm_mmu_reload before the fault is handled.
        let reqp = vcpuWord(v.pointee.id, VCPUWord.requests)
        if p.load(reqp) & VM.requestMMUReload != 0 {
            _ = p.fetchAnd(reqp, ~VM.requestMMUReload)
            dropRoot(p, v, gfn: gfn)
        }
        if v.pointee.root == 0 || isObsolete(p, page: v.pointee.root - 1) {
            let key = pageKey(level: 4, addr: addr)
            guard let root = getPage(p, gfn: key.gfn, role: key.role, checker: checker) else { return .outOfPages }
            checkLookupCurrent(p, page: root, gfn: key.gfn, checker: checker)
            v.pointee.root = root + 1
            v.pointee.flushTLB()
        }
        // Find or create the shadow pages down to the leaf.
        var page = v.pointee.root - 1
        var level = 4
        while level > 1 {
            let idx = (addr >> ((level - 1) * 9)) & 511
            let sp = sptep(page: page, index: idx)
            let spte = p.load(sp)
            if spte & SPTE.presentMask != 0 {
                page = SPTE(raw: spte).childIndex
            } else {
                let key = pageKey(level: level - 1, addr: addr)
                guard let child = getPage(p, gfn: key.gfn, role: key.role, checker: checker) else { return .outOfPages }
                checkLookupCurrent(p, page: child, gfn: key.gfn, checker: checker)
                header(child, SPHeader.parent).pointee = UInt64(page * 512 + idx + 1)
                p.store(sp, SPTE.nonLeaf(child: child).raw)
                page = child
            }
            level -= 1
        }
        let index = addr & 511
        let sp = sptep(page: page, index: index)
        let protected = p.load(rmapFlags + gfn) & VM.pteListWriteProtect != 0
        // HOST_WRITABLE only for a writable host page (mutant
        // slow-ignores-host-writable maps a KSM/COW page writable).
        let hostWritable = !ops.slowPathChecksHostWritable || p.load(pfnState + pfn) & VM.pfnHostWritable != 0
        let old = p.load(sp)
        if write && protected {
            // The gfn is never mapped writable: emulate the write.
            emulateGuestWrite(p, v, gfn: gfn, pfn: pfn, checker: checker)
            if old & SPTE.presentMask == 0 {
                installLeaf(p, sp: sp, page: page, index: index, gfn: gfn,
                            new: SPTE.leaf(pfn: UInt64(pfn), writable: false, hostWritable: hostWritable,
                                           nx: installsNX(gfn: gfn)).raw)
            }
            if checks { checkFaultProgress(p, v, addr: addr, gfn: gfn, page: page, checker: checker) }
            return .emulated
        }
        let writable = write && hostWritable && !protected
        let mmuWritable = !ops.isVCPUID && hostWritable && !protected
        let new = SPTE.leaf(pfn: UInt64(pfn), writable: writable, hostWritable: hostWritable, mmuWritable: mmuWritable,
                            nx: installsNX(gfn: gfn)).raw
        if old & SPTE.presentMask != 0 && SPTE(raw: old).pfn == UInt64(pfn) {
            // Upgrade in place: keep A/D, and keep W (a fast path may set it
            // at any moment, also after `old` was read) where W is allowed.
            let (was, now) = updateSPTE(p, sp: sp, gfn: gfn, new: new, keepWritable: hostWritable && !protected,
                                             checker: checker)
            if was & SPTE.writableMask != 0 && now & SPTE.writableMask == 0 { needFlush = true }
        } else {
            if old & SPTE.presentMask != 0, dropSPTE(p, sp: sp, gfn: gfn, checker: checker) & SPTE.writableMask != 0 {
                needFlush = true
            }
            installLeaf(p, sp: sp, page: page, index: index, gfn: gfn, new: new)
        }
        if writable { markPageDirty(p, gfn: gfn) }
        p.count(.slowInstalls)
        p.trace(.slowInstall, gfn: gfn, old, new)
        if checks { checkFaultProgress(p, v, addr: addr, gfn: gfn, page: page, checker: checker) }
        return .installed
    }

    /// Installs a leaf into a not-present slot and adds it to the rmap.
    func installLeaf<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, page: Int, index: Int, gfn: Int, new: UInt64) {
        let role = ShadowPageRole(raw: header(page, SPHeader.role).pointee)
        if !role.direct {
            let slot = Int(header(page, SPHeader.gfnsSlot).pointee)
            // Under the mmu-lock, before the spte that publishes it.
            gfnsArena[(slot - 1) * 512 + index] = UInt64(gfn)
        }
        p.store(sp, new)
        rmapAdd(gfn: gfn, spte: sp - sptes)
    }

    /// `mmu_spte_update`: an update of a present spte under the mmu-lock,
    /// keeping A/D (and W when `keepWritable`). A spte that can change
    /// locklessly (the fast path may set W, hardware may set A/D) is updated
    /// atomically so that nothing is lost (seed 003: `spte_has_volatile_bits`).
    /// Returns the old and the new value: W gone means the caller flushes
    /// remote TLBs before it drops the mmu-lock.
    func updateSPTE<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, gfn: Int, new: UInt64,
                                 keepWritable: Bool, checker: ViolationSink) -> (old: UInt64, new: UInt64) {
        let keep = SPTE.accessedMask | SPTE.dirtyMask | (keepWritable ? SPTE.writableMask : 0)
        var old = p.load(sp)
        p.perturb(.spteUpdate)
        var merged = new | (old & keep)
        while true {
            if updatesPlainly(old) {
                p.store(sp, merged)       // the mutant's read-then-store
                break
            }
            let r = p.compareExchange(sp, expected: old, desired: merged)
            if r.exchanged { break }
            old = r.original
            merged = new | (old & keep)
        }
        noteWriteAccessRemoved(p, gfn: gfn, old: old, new: merged)
        checkDirtyBitKept(p, gfn: gfn, pfn: Int(SPTE(raw: old).pfn), checker: checker)
        return (old, merged)
    }

    /// Whether an mmu-lock update of `spte` may be a plain read-then-store.
    /// Never in the correct protocols: any spte a lockless path may change is
    /// updated atomically. Mutant `nonatomic-spte-update` restores seed 003's
    /// pre-fix `spte_has_volatile_bits`, which called a spte not volatile
    /// when A was set and (W clear or D set): it forgot that the fast path
    /// can make a read-only spte writable, after which hardware sets D.
    @inline(__always)
    func updatesPlainly(_ spte: UInt64) -> Bool {
        if ops.atomicSPTEUpdate { return false }
        return spte & SPTE.accessedMask != 0 && (spte & SPTE.writableMask == 0 || spte & SPTE.dirtyMask != 0)
    }

    /// Takes `mask` (W, and maybe MMU_WRITABLE or the identification) away
    /// from a spte under the mmu-lock, atomically (a cmpxchg loop, so the
    /// fast path's and hardware's concurrent changes are neither lost nor
    /// overwritten). Returns the old value, or nil if nothing was set.
    func clearSPTEBits<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, gfn: Int, mask: UInt64,
                                    checker: ViolationSink) -> UInt64? {
        var spte = p.load(sp)
        p.perturb(.spteUpdate)
        while true {
            if spte & SPTE.presentMask == 0 || spte & mask == 0 { return nil }
            var done = true
            if updatesPlainly(spte) {
                p.store(sp, spte & ~mask)     // the mutant's read-then-store
            } else {
                let r = p.compareExchange(sp, expected: spte, desired: spte & ~mask)
                if !r.exchanged { spte = r.original; done = false }
            }
            if done {
                noteWriteAccessRemoved(p, gfn: gfn, old: spte, new: spte & ~mask)
                checkDirtyBitKept(p, gfn: gfn, pfn: Int(SPTE(raw: spte).pfn), checker: checker)
                return spte
            }
        }
    }

    /// `drop_spte` / `mmu_spte_clear_track_bits`: zap a leaf, carry D into
    /// the host page's dirty state, remove it from the rmap. Returns the old
    /// value (W in it: the caller flushes before it drops the mmu-lock).
    @discardableResult
    func dropSPTE<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, gfn: Int, checker: ViolationSink,
                               removeRmap: Bool = true) -> UInt64 {
        var old: UInt64
        if ops.atomicSPTEUpdate {
            old = p.exchange(sp, 0)
        } else {
            // The mutant reads first and stores plainly when the pre-fix
            // rule says the spte is not volatile.
            old = p.load(sp)
            if updatesPlainly(old) { p.store(sp, 0) } else { old = p.exchange(sp, 0) }
        }
        if removeRmap { rmapRemove(gfn: gfn, spte: sp - sptes) }
        if old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0 {
            let pfn = Int(SPTE(raw: old).pfn)
            if old & SPTE.dirtyMask != 0 {
                p.store(pfnDirty + pfn, 1)   // kvm_set_pfn_dirty
            }
            noteWriteAccessRemoved(p, gfn: gfn, old: old, new: 0)
            checkDirtyBitKept(p, gfn: gfn, pfn: pfn, checker: checker)
        }
        return old
    }

    /// Zaps every spte of `gfn` (its rmap), carrying D. Caller holds the lock.
    /// Returns whether any was present (a flush is then needed).
    @discardableResult
    func zapGFN<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink) -> Bool {
        var any = false
        while rmapCountOf(gfn: gfn) > 0 {
            dropSPTE(p, sp: sptep(global: rmapEntry(gfn: gfn, 0)), gfn: gfn, checker: checker)
            any = true
        }
        return any
    }
}
