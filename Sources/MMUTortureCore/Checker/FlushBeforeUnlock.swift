/// flush-before-unlock (docs/invariants.md; the kernel's `mmu_spte_update`
/// comment: "rmap_write_protect will find a read-only spte, even though the
/// writable spte might be cached on a CPU's TLB"): an mmu-lock section that
/// took W away from a present spte has completed a remote TLB flush that
/// started after that change by the time it releases the lock.
extension VM {
    /// Bookkeeping at every W removal under the mmu-lock (an update, a W
    /// clear or a drop of a spte that had W): a new event number, remembered
    /// per gfn (tlb-coherence) and as the last removal (flush-before-unlock).
    /// Caller holds the mmu-lock.
    @inline(__always)
    func noteWriteAccessRemoved<P: Platform>(_ p: P, gfn: Int, old: UInt64, new: UInt64) {
        if VM.takesWriteAway(old: old, new: new) {
            let e = p.peek(global(Global.mmuEvent)) + 1
            p.ghostStore(global(Global.mmuEvent), e)
            p.ghostStore(wClearEvent + gfn, e)
            p.ghostStore(global(Global.lastWClear), e)
        }
    }

    /// Whether replacing `old` by `new` takes W away from a present spte.
    @inline(__always)
    static func takesWriteAway(old: UInt64, new: UInt64) -> Bool {
        old & SPTE.presentMask != 0 && old & SPTE.writableMask != 0 && new & SPTE.writableMask == 0
    }

    /// The TDP MMU's form of the same bookkeeping: W taken away from a spte
    /// of `gfn`, numbered for tlb-coherence, and for flush-before-unlock
    /// when under the write lock (a W-only removal under the read lock is
    /// flushed after the unlock: MMU_WRITABLE stays). Readers remove W in
    /// parallel, so the number is taken with a locked add.
    @inline(__always)
    func tdpNoteWriteRemoved<P: Platform>(_ p: P, gfn: Int, old: UInt64, new: UInt64, exclusive: Bool) {
        guard gfn >= 0 && gfn < frames else { return }
        if VM.takesWriteAway(old: old, new: new) {
            let e = p.fetchAdd(global(Global.mmuEvent), 1) &+ 1
            p.ghostStore(wClearEvent + gfn, e)
            if exclusive { p.ghostStore(global(Global.lastWClear), e) }
        }
    }

    /// The flush clock of a flush that may run in parallel with others (the
    /// TDP MMU flushes from any lock mode): the start is numbered with a
    /// locked add, and the last completed flush's start only ever grows.
    @inline(__always)
    func sharedFlushStarts<P: Platform>(_ p: P) -> UInt64 {
        p.fetchAdd(global(Global.mmuEvent), 1) &+ 1
    }
    @inline(__always)
    func sharedFlushCompleted<P: Platform>(_ p: P, start: UInt64) {
        var last = p.peek(global(Global.lastFlushStart))
        while last < start {
            let r = p.compareExchange(global(Global.lastFlushStart), expected: last, desired: start)
            if r.exchanged { break }
            last = r.original
        }
    }

    /// Just before the mmu-lock is released: the last W removal is older
    /// than the start of the last completed flush. Sound: every flush of the
    /// correct protocols runs under the mmu-lock, and both words are written
    /// only under it.
    @inline(__always)
    func checkFlushedBeforeUnlock<P: Platform>(_ p: P, checker: ViolationSink) {
        let cleared = p.peek(global(Global.lastWClear))
        if cleared > p.peek(global(Global.lastFlushStart)) {
            checker.report(p, .noFlushBeforeUnlock, vcpu: nil, gfn: nil, spteA: cleared,
                           spteB: p.peek(global(Global.lastFlushStart)))
            // Reported once per missing flush.
            p.ghostStore(global(Global.lastFlushStart), cleared)
        }
    }
}
