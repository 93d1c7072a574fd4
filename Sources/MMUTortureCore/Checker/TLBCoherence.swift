/// tlb-coherence (docs/invariants.md): after a flush returns, no TLB entry
/// grants more than the current spte. Every W removal under the mmu-lock is
/// numbered (`noteWriteAccessRemoved`); a TLB fill remembers the gfn's last
/// removal number it saw, or the event counter at the vCPU's last handled
/// flush request if that is larger; a write through an entry filled before
/// a removal is stale once a flush that started after that removal has
/// completed. Together with flush-before-unlock, a missing or late flush is
/// caught when the lock is released, and a vCPU that ignores flushes at its
/// next write.
extension VM {
    /// The fill's event number, read before its spte load: the gfn's last
    /// W-removal number, or the event counter this vCPU read right after it
    /// last handled a flush request (`VCPULocal.ackEvent`) if larger.
    ///
    /// The gfn's number alone is not enough: a removal publishes it after
    /// its spte change, and under the TDP MMU's read lock other threads fill
    /// and flush meanwhile. A fill between the change and the publication
    /// reads an older number; a flush numbered after the removal that this
    /// vCPU handled before the fill would then make its new, correct entry
    /// look stale. Such a flush was numbered before it posted its request,
    /// so the counter read after handling that request covers it. An entry
    /// filled before a removal still has a smaller number: its fill read the
    /// gfn's number before the removal, and the counter at an earlier
    /// request.
    @inline(__always)
    func tlbFillSnapshot<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, gfn: Int) -> UInt64 {
        checks ? max(p.peek(wClearEvent + gfn), v.pointee.ackEvent) : 0
    }

    /// At a guest write through a TLB hit on `slot`.
    @inline(__always)
    func checkTLBEntryCurrent<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, slot: Int, gfn: Int,
                                           checker: ViolationSink) {
        let cleared = p.peek(wClearEvent + gfn)
        if v.pointee.tlbFillEvent[slot] < cleared && p.peek(global(Global.lastFlushStart)) > cleared {
            checker.report(p, .staleTLB, vcpu: v.pointee.id, gfn: gfn, spteA: p.peek(sptesForReport(gfn: gfn)))
        }
    }
}
