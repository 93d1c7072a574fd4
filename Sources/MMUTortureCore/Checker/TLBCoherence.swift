/// tlb-coherence (docs/invariants.md): after a flush returns, no TLB entry
/// grants more than the current spte. Every W removal under the mmu-lock is
/// numbered (`noteWriteAccessRemoved`); a TLB fill remembers the gfn's last
/// removal number it saw; a write through an entry filled before a removal
/// is stale once a flush that started after that removal has completed.
/// Together with flush-before-unlock, a missing or late flush is caught when
/// the lock is released, and a vCPU that ignores flushes at its next write.
extension VM {
    /// The gfn's last W-removal number, read before the fill's spte load.
    @inline(__always)
    func tlbFillSnapshot<P: Platform>(_ p: P, gfn: Int) -> UInt64 {
        checks ? p.load(wClearEvent + gfn) : 0
    }

    /// At a guest write through a TLB hit on `slot`.
    @inline(__always)
    func checkTLBEntryCurrent<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, slot: Int, gfn: Int,
                                           checker: ViolationSink) {
        let cleared = p.load(wClearEvent + gfn)
        if v.pointee.tlbFillEvent[slot] < cleared && p.load(global(Global.lastFlushStart)) > cleared {
            checker.report(p, .staleTLB, vcpu: v.pointee.id, gfn: gfn, spteA: p.load(sptesForReport(gfn: gfn)))
        }
    }
}
