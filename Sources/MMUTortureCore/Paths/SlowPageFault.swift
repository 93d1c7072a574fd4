/// The slow page-fault path under the mmu-lock (PROTOCOL.md 2.5, seed 001).

/// How a slow page fault ended.
public enum SlowPathOutcome: Int, Sendable {
    /// A leaf spte was installed or upgraded.
    case installed
    /// A write to a write-protected gfn was emulated under the mmu-lock.
    case emulated
    /// An mmu-notifier invalidation overlapped: fault again.
    case refault
    /// The shadow-page arena is exhausted (a harness limit, not a bug).
    case outOfPages
}

extension VM {
    /// The value a guest write stores: who wrote it, and their sequence number.
    @inline(__always)
    func writeValue(_ v: UnsafeMutablePointer<VCPULocal>) -> UInt64 {
        v.pointee.writeSeq &+= 1
        return (UInt64(v.pointee.id &+ 1) << 48) | (v.pointee.writeSeq & 0xFFFF_FFFF_FFFF)
    }

    /// `direct_page_fault` / `FNAME(page_fault)` after the fast path declined.
    public func slowPageFault<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int, write: Bool,
                                           checker: ViolationSink) -> SlowPathOutcome {
        p.count(.slowFaults)
        // mmu_seq = kvm->mmu_notifier_seq; smp_rmb() (loads are ordered on x86).
        let seq = p.load(global(Global.notifierSeq))
        // gfn_to_pfn: look up (or fault in) the host page and take a reference.
        let pfn: Int
        let mapped = p.load(hostPT + gfn)
        if mapped != 0 {
            pfn = Int(mapped - 1)
        } else {
            // The host unmapped it: fault in a fresh page (done under the
            // mmu-lock below by the host model; refault to pick it up).
            hostFaultIn(p, gfn: gfn)
            return .refault
        }
        _ = p.fetchAdd(pfnRefcount + pfn, 1)
        p.lock(mmuLock)
        defer {
            p.unlock(mmuLock)
            _ = p.fetchAdd(pfnRefcount + pfn, UInt64.max) // put_page
        }
        if ops.notifierRetryCheck {
            // mmu_notifier_retry: an invalidation started or completed since
            // we looked the pfn up; it may already be on its way back to the host.
            if p.load(global(Global.notifierCount)) != 0 || p.load(global(Global.notifierSeq)) != seq {
                p.count(.slowRefaults)
                p.trace(.slowRefault, gfn: gfn)
                return .refault
            }
        }
        if v.pointee.root == 0 || isObsolete(p, page: v.pointee.root - 1) {
            guard let root = getPage(p, gfn: 0, role: ShadowPageRole(level: 4, direct: true), checker: checker) else {
                return .outOfPages
            }
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
                let childLevel = level - 1
                let base = UInt64(addr) & ~((UInt64(1) << UInt64(childLevel * 9)) - 1)
                guard let child = getPage(p, gfn: base, role: ShadowPageRole(level: childLevel, direct: true), checker: checker) else {
                    return .outOfPages
                }
                header(child, SPHeader.parent).pointee = UInt64(page * 512 + idx + 1)
                p.store(sp, SPTE.nonLeaf(child: child).raw)
                page = child
            }
            level -= 1
        }
        let index = addr & 511
        let sp = sptep(page: page, index: index)
        let protected = p.load(rmapFlags + gfn) & VM.pteListWriteProtect != 0
        let hostWritable = p.load(pfnState + pfn) & VM.pfnHostWritable != 0
        let old = p.load(sp)
        if write && protected {
            // Emulate the write under the mmu-lock; never map the gfn writable.
            p.store(pfnData + pfn, writeValue(v))
            p.count(.emulatedWrites)
            p.trace(.slowEmulate, gfn: gfn, UInt64(pfn))
            if old & SPTE.presentMask == 0 {
                installLeaf(p, sp: sp, page: page, index: index, gfn: gfn,
                            new: SPTE.leaf(pfn: UInt64(pfn), writable: false, hostWritable: hostWritable).raw)
            }
            return .emulated
        }
        let writable = write && hostWritable && !protected
        let mmuWritable = !ops.isVCPUID && hostWritable && !protected
        var new = SPTE.leaf(pfn: UInt64(pfn), writable: writable, hostWritable: hostWritable, mmuWritable: mmuWritable).raw
        if old & SPTE.presentMask != 0 && SPTE(raw: old).pfn == UInt64(pfn) {
            // Upgrade in place: keep A/D, and W if another path set it.
            new |= old & (SPTE.accessedMask | SPTE.dirtyMask | SPTE.writableMask)
            updateSPTE(p, sp: sp, gfn: gfn, new: new)
        } else {
            if old & SPTE.presentMask != 0 { dropSPTE(p, sp: sp, gfn: gfn) }
            installLeaf(p, sp: sp, page: page, index: index, gfn: gfn, new: new)
        }
        if writable { markPageDirty(p, gfn: gfn) }
        p.count(.slowInstalls)
        p.trace(.slowInstall, gfn: gfn, old, new)
        return .installed
    }

    /// Installs a leaf into a not-present slot and adds it to the rmap.
    func installLeaf<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, page: Int, index: Int, gfn: Int, new: UInt64) {
        let role = ShadowPageRole(raw: header(page, SPHeader.role).pointee)
        if !role.direct {
            let slot = Int(header(page, SPHeader.gfnsSlot).pointee)
            p.store(gfnsArena + ((slot - 1) * 512 + index), UInt64(gfn))
        }
        p.store(sp, new)
        rmapAdd(gfn: gfn, spte: sp - sptes)
    }

    /// `mmu_spte_update`: an update of a present spte under the mmu-lock.
    /// A spte that can change locklessly (the fast path may set W, hardware
    /// may set A/D) is updated atomically so that nothing is lost (seed 003:
    /// `spte_has_volatile_bits`); the mutant `nonatomic-spte-update` stores.
    /// Returns the old value.
    @discardableResult
    func updateSPTE<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, gfn: Int, new: UInt64) -> UInt64 {
        if ops.atomicSPTEUpdate {
            var old = p.load(sp)
            while true {
                // Keep whatever the lockless writers added meanwhile.
                let merged = new | (old & (SPTE.accessedMask | SPTE.dirtyMask))
                let r = p.compareExchange(sp, expected: old, desired: merged)
                if r.exchanged { break }
                old = r.original
            }
            return old
        } else {
            let old = p.load(sp)
            p.store(sp, new)
            return old
        }
    }

    /// `drop_spte` / `mmu_spte_clear_track_bits`: zap a leaf, carry D into
    /// the host page's dirty state, remove it from the rmap.
    func dropSPTE<P: Platform>(_ p: P, sp: UnsafeMutablePointer<UInt64>, gfn: Int) {
        let old: UInt64
        if ops.atomicSPTEUpdate {
            old = p.exchange(sp, 0)
        } else {
            old = p.load(sp)
            p.store(sp, 0)
        }
        if old & SPTE.presentMask != 0 && old & SPTE.leafMask != 0 {
            let pfn = Int(SPTE(raw: old).pfn)
            if old & SPTE.dirtyMask != 0 || old & SPTE.writableMask != 0 {
                p.store(pfnDirty + pfn, 1)   // kvm_set_pfn_dirty
            }
        }
        rmapRemove(gfn: gfn, spte: sp - sptes)
    }

    /// The host faults a fresh page in for an unmapped gfn (issue 4's
    /// invalidations unmap them): under the mmu-lock here for simplicity.
    func hostFaultIn<P: Platform>(_ p: P, gfn: Int) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        if p.load(hostPT + gfn) != 0 { return }
        // A free pfn: the host allocator is the mmu-lock holder here.
        for candidate in 0..<pfnCount where pfnState[candidate] & VM.pfnFreed != 0 && pfnRefcount[candidate] == 0 {
            p.store(pfnState + candidate, VM.pfnAllocated | VM.pfnHostWritable)
            p.store(pfnData + candidate, 0)
            p.store(pfnDirty + candidate, 0)
            _ = p.fetchAdd(pfnRefcount + candidate, 1)
            p.store(hostPT + gfn, UInt64(candidate + 1))
            return
        }
    }
}
