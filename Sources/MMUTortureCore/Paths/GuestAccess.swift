/// Guest accesses ("hardware", docs/protocols.md), guest mode and requests.
///
/// A guest access runs in guest mode and is atomic with respect to TLB-flush
/// acknowledgements: a vCPU honours (and acknowledges) flush and reload
/// requests only between accesses, and the flusher waits only for vCPUs that
/// are in guest mode (`kvm_make_all_cpus_request`'s mode handshake), which
/// is what lets the checker decide wp-safety soundly at the moment of a write.

/// The result of one attempt at a guest access.
@frozen
public struct AccessResult {
    /// True: the access completed. False: it faulted with `spte` (0 = not present).
    public var done: Bool
    public var spte: UInt64
    init(done: Bool, spte: UInt64) { self.done = done; self.spte = spte }
}

extension VM {
    /// Enters guest mode and honours pending requests (`vcpu_enter_guest`):
    /// the mode store and the request load are ordered by a full barrier
    /// (Dekker with the flusher's request-set then mode-load).
    @inline(__always)
    public func enterGuest<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>) {
        p.store(vcpuWord(v.pointee.id, VCPUWord.mode), VM.modeInGuest)
        p.fullBarrier()
        handleRequests(p, v)
    }

    /// Leaves guest mode (a VM exit: a fault, or the end of a batch).
    @inline(__always)
    public func exitGuest<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>) {
        p.store(vcpuWord(v.pointee.id, VCPUWord.mode), VM.modeOutsideGuest)
    }

    /// Honours TLB-flush and MMU-reload requests (between accesses only).
    @inline(__always)
    public func handleRequests<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>) {
        let reqp = vcpuWord(v.pointee.id, VCPUWord.requests)
        let req = p.load(reqp)
        if req != 0 { handleRequestsSlow(p, v, req) }
    }

    @inline(never)
    func handleRequestsSlow<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, _ req: UInt64) {
        let reqp = vcpuWord(v.pointee.id, VCPUWord.requests)
        if req & VM.requestMMUReload != 0 {
            // obsolete: the checker's record of the generation this vCPU
            // reloaded at (kvm_mmu_reload drops the root).
            v.pointee.reloadGen = validGen(p)
            if ops.reloadDropsRoot { dropRoot(p, v, gfn: -1) } else { v.pointee.flushTLB() }
        }
        if req & VM.requestTLBFlush != 0 {
            if ops.flushRequestDropsTLB { v.pointee.flushTLB() }
            p.count(.flushRequestsHandled)
            p.trace(.tlbFlushed, gfn: -1)
        }
        _ = p.fetchAnd(reqp, ~req)
        // tlb-coherence: every flush whose request this vCPU has now seen
        // was numbered before that request was posted.
        if checks { v.pointee.ackEvent = p.ghostLoad(global(Global.mmuEvent)) }
    }

    /// `kvm_mmu_reload`: drop the root (and the TLB with it); the next fault's
    /// slow path finds or builds a root of the current generation.
    func dropRoot<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, gfn: Int) {
        // tdp-mmu: the vCPU's reference (`kvm_tdp_mmu_put_root`).
        if isTDP && v.pointee.root != 0 { tdpPutRoot(p, v.pointee.root - 1, checker: nil) }
        v.pointee.reloadGen = validGen(p)
        v.pointee.root = 0
        v.pointee.flushTLB()
        p.count(.rootReloads)
        p.trace(.rootReload, gfn: gfn)
    }

    /// The leaf slot for `addr` under `root`, walking locklessly; nil when a
    /// level is not present. Every page read is checked for poison after the
    /// read (rcu-lifetime): a freed page's magic is poisoned before its sptes.
    @inline(__always)
    public func walkToLeaf<P: Platform>(_ p: P, root: Int, addr: Int, vcpu: Int, checker: ViolationSink) -> (page: Int, index: Int)? {
        var page = root &- 1
        var level = 4
        while level > 1 {
            let idx = (addr >> ((level &- 1) &* 9)) & 511
            let spte = p.load(sptep(page: page, index: idx))
            if !checkPageLive(p, page: page, vcpu: vcpu, gfn: addr, spte: spte, checker: checker) { return nil }
            if spte & SPTE.presentMask == 0 { return nil }
            page = SPTE(raw: spte).childIndex
            // A page table freed and reused as a leaf table before this
            // walk left it (rcu-lifetime): its leaf sptes name pfns, not
            // pages. Report it rather than follow a pfn into the pool.
            if _slowPath(spte & SPTE.leafMask != 0 || page >= pageCount) {
                checker.report(p, .poisonedShadowPage, vcpu: vcpu, gfn: addr, spteA: spte, spteB: UInt64(page))
                return nil
            }
            level &-= 1
        }
        return (page, addr & 511)
    }

    /// One attempt at a guest access (`addr` = gfn under tdp). On a TLB hit
    /// with enough permission it accesses the host page; otherwise it walks
    /// the sptes, sets A (and D) atomically like hardware, fills the TLB and
    /// accesses; or it faults.
    @inline(__always)
    public func guestAccess<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int, write: Bool,
                                         checker: ViolationSink) -> AccessResult {
        let slot = addr & v.pointee.tlbMask
        var pfn: UInt64
        if v.pointee.tlbTag[slot] == UInt64(addr &+ 1) && (!write || v.pointee.tlbWritable[slot]) {
            pfn = v.pointee.tlbPFN[slot]
            p.count(.tlbHits)
            // A flush posted since the vCPU looked at its requests may
            // complete before this access lands, a read or a write.
            p.instructionInFlight()
            if write && checks { checkTLBEntryCurrent(p, v, slot: slot, gfn: gfn, checker: checker) }
        } else {
            p.count(.tlbMisses)
            let root = v.pointee.root
            if root == 0 { return AccessResult(done: false, spte: 0) }
            if checks { checkRootCurrent(p, v, root: root, gfn: gfn, checker: checker) }
            // tlb-coherence: the fill's event number, read before the spte.
            let fillEvent = tlbFillSnapshot(p, v, gfn: gfn)
            guard let (page, index) = walkToLeaf(p, root: root, addr: addr, vcpu: v.pointee.id, checker: checker) else {
                return AccessResult(done: false, spte: 0)
            }
            let sp = sptep(page: page, index: index)
            var spte = p.load(sp)
            while true {
                if spte & SPTE.presentMask == 0 { return AccessResult(done: false, spte: 0) }
                if write && spte & SPTE.writableMask == 0 { return AccessResult(done: false, spte: spte) }
                let need = SPTE.accessedMask | (write ? SPTE.dirtyMask : 0)
                if spte & need == need { break }
                // Hardware sets A/D with a locked update that re-checks the
                // permission it is based on.
                let r = p.compareExchange(sp, expected: spte, desired: spte | need)
                if r.exchanged { spte |= need; break }
                spte = r.original
            }
            if !checkPageLive(p, page: page, vcpu: v.pointee.id, gfn: gfn, spte: spte, checker: checker) {
                return AccessResult(done: false, spte: 0)
            }
            pfn = SPTE(raw: spte).pfn
            v.pointee.tlbTag[slot] = UInt64(addr &+ 1)
            v.pointee.tlbPFN[slot] = pfn
            // Like hardware, the TLB caches write permission only together
            // with D: a write through a clean entry walks again to set D.
            v.pointee.tlbWritable[slot] = spte & (SPTE.writableMask | SPTE.dirtyMask) == (SPTE.writableMask | SPTE.dirtyMask)
            v.pointee.tlbGFN[slot] = UInt64(gfn)
            v.pointee.tlbFillEvent[slot] = fillEvent
            p.trace(.accessFill, gfn: gfn, spte)
        }
        let pfnIndex = Int(truncatingIfNeeded: pfn)
        if checks { checkGuestAccessPage(p, vcpu: v.pointee.id, gfn: gfn, pfn: pfnIndex, write: write, checker: checker) }
        p.count(.accesses)
        if write {
            v.pointee.writeSeq &+= 1
            let value = (UInt64(v.pointee.id &+ 1) << 48) | (v.pointee.writeSeq & 0xFFFF_FFFF_FFFF)
            // The guest's own write (the workload, not KVM's) and the
            // checker's record of it: ghost accesses, not mutation sites.
            p.ghostStore(pfnData + pfnIndex, value)
            if p.ghostLoad(pfnWritten + pfnIndex) == 0 { p.ghostStore(pfnWritten + pfnIndex, 1) }
            noteLastWrite(v, gfn: gfn, value: value)
            p.count(.writes)
            if checks { checkWriteNotProtected(p, vcpu: v.pointee.id, gfn: gfn, pfn: pfnIndex, value: value, checker: checker) }
        } else {
            // The guest's own read, like its write a ghost access: it lands
            // at the moment the checks above looked at its page.
            _ = p.ghostLoad(pfnData + pfnIndex)
            p.count(.reads)
        }
        return AccessResult(done: true, spte: 0)
    }

    /// Pointer to the first rmap spte of `gfn` (for violation reports; a
    /// racy read, used only to describe what was seen).
    @inline(never)
    func sptesForReport(gfn: Int) -> UnsafeMutablePointer<UInt64> {
        let e = rmapEntries[gfn * VM.rmapCapacity]
        return e == 0 ? globals + Global.words - 1 : sptes + Int(e - 1)
    }
}
