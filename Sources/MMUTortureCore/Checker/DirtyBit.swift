/// dirty-bit (docs/invariants.md; seed 003, `spte_has_volatile_bits`): a
/// host page the guest wrote is marked dirty before the last spte that could
/// write it goes. A write needs D in some spte of its gfn (a TLB caches W
/// only with D, and hardware sets D with a locked update); D leaves a spte
/// only when the spte is dropped, which carries it into the host page. So
/// at every moment: written => host page dirty, or a present spte of the gfn
/// that maps the page has D.
extension VM {
    /// After an mmu-lock path dropped or overwrote a spte of `gfn` mapping
    /// `pfn`. Caller holds the mmu-lock. Sound under TSO: the guest's write
    /// path sets D (locked) before it stores `pfnWritten`, and this reads
    /// `pfnWritten` first; drops happen only under the lock.
    func checkDirtyBitKept<P: Platform>(_ p: P, gfn: Int, pfn: Int, checker: ViolationSink) {
        guard checks, pfn < pfnCount, p.peek(pfnWritten + pfn) != 0, p.peek(pfnDirty + pfn) == 0 else { return }
        for k in 0..<rmapCountOf(gfn: gfn) {
            let spte = p.peek(sptep(global: rmapEntry(gfn: gfn, k)))
            if spte & (SPTE.presentMask | SPTE.leafMask | SPTE.dirtyMask) == (SPTE.presentMask | SPTE.leafMask | SPTE.dirtyMask)
                && SPTE(raw: spte).pfn == UInt64(pfn) { return }
        }
        checker.report(p, .dirtyBitLost, vcpu: nil, gfn: gfn, spteA: UInt64(pfn))
    }

    /// When the host lets go of a page the guest wrote, the page must be
    /// dirty by now, or the write is lost with it (`detail` says when):
    /// - `unmappedPageNotDirty`, when the host unmaps it and decides whether
    ///   to write it back. Sound: the invalidation zapped every spte of the
    ///   gfn (carrying D) and flushed, waiting for every vCPU to leave guest
    ///   mode, under the mmu-lock held for write, which no emulated write
    ///   (under the lock, for read or write) overlaps; a fault that looks
    ///   the page up afterwards retries without writing.
    /// - `dirtyBitLost`, when the host frees it (every spte that could write
    ///   it was dropped, carrying D).
    func checkWrittenPageDirty<P: Platform>(_ p: P, pfn: Int, gfn: Int, detail: ViolationDetail, checker: ViolationSink) {
        if p.ghostLoad(pfnWritten + pfn) != 0 && p.peek(pfnDirty + pfn) == 0 {
            checker.report(p, detail, vcpu: nil, gfn: gfn, spteA: UInt64(pfn))
        }
    }
}
