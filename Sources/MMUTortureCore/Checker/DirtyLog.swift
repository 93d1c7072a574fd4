/// dirty-log (docs/invariants.md): every write to guest memory since a
/// page's last copy to the destination is in the log, so that a later
/// harvest copies it. Checked at the end of every harvest in W mode (the
/// log is the bitmap), and after the final harvest, with every vCPU
/// stopped, in both modes (the destination copy equals guest memory).
extension VM {
    /// The final round: harvest once more, then compare every gfn.
    public func finalDirtyLogCheck<P: Platform>(_ p: P, checker: ViolationSink) {
        harvestDirtyLog(p, checker: checker)
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        for gfn in 0..<frames {
            let memory = guestMemory(p, gfn: gfn)
            let copy = p.peek(destination + gfn)
            if memory != copy {
                checker.report(p, .dirtyLogMismatch, vcpu: Int(memory >> 48) - 1, gfn: gfn, spteA: copy, spteB: memory)
                return
            }
        }
    }

    /// At the end of a harvest that logs by the bitmap (W mode), after its
    /// flush and copy, with the mmu-lock (and the host page table) held: a
    /// page that differs from its copy is marked in the bitmap, or a
    /// fast-path fix of that gfn is between its cmpxchg and its mark.
    ///
    /// Sound: a write after the page's last copy went through a writable
    /// TLB entry, filled from a spte made writable after the harvest that
    /// made that copy took W away and flushed (or after the enable that
    /// copied it flushed). The fault that made it writable marks the gfn:
    /// the slow path before the spte is visible (or under the lock), the
    /// fast path right after its cmpxchg, with its record set before the
    /// cmpxchg and cleared after the mark. A mark taken by this harvest was
    /// copied after its flush. The loads go in this order (memory, record,
    /// bitmap), so a record found cleared had its mark visible first.
    /// While an enable is between its fresh bitmap and the end of its copy
    /// (its flush comes after the unlock), nothing is checked.
    func checkNothingUnlogged<P: Platform>(_ p: P, checker: ViolationSink) {
        if p.ghostLoad(global(Global.dirtyLogEnables)) != 0 { return }
        for gfn in 0..<frames {
            let memory = guestMemory(p, gfn: gfn)
            if memory == p.ghostLoad(destination + gfn) { continue }
            var fixing = false
            for v in 0..<vcpuCount where p.ghostLoad(vcpuWord(v, VCPUWord.fixing)) == UInt64(gfn + 1) { fixing = true }
            if fixing || p.ghostLoad(dirtyBitmap + gfn) != 0 { continue }
            checker.report(p, .writeNotLogged, vcpu: Int(memory >> 48) - 1, gfn: gfn,
                           spteA: p.ghostLoad(destination + gfn), spteB: memory)
            return
        }
    }

    /// The checker's record of an enable of dirty logging (tdp-mmu): from
    /// its fresh bitmap (under the write lock, right after taking it) to
    /// the end of its copy of the slot. Records ordered after the thread's
    /// earlier stores (`Platform.ghostAdd`): the start after the write
    /// lock's drain, before the bitmap's stores; the end after the copy's.
    @inline(__always)
    func dirtyLogEnableStarts<P: Platform>(_ p: P) { p.ghostAdd(global(Global.dirtyLogEnables), 1) }
    @inline(__always)
    func dirtyLogEnableCopied<P: Platform>(_ p: P) { p.ghostAdd(global(Global.dirtyLogEnables), UInt64.max) }
}
