/// The host side of guest memory (docs/protocols.md, seed 001): the host page
/// table behind the memslot, page references, reclaim and swap. The host's
/// page-table lock is modelled by the mmu-lock: every function here is
/// called with it held.
extension VM {
    /// `put_page`: drop a reference; the last one frees the page (true).
    @discardableResult
    func putPage<P: Platform>(_ p: P, pfn: Int, checker: ViolationSink) -> Bool {
        if p.fetchAdd(pfnRefcount + pfn, UInt64.max) == 1 {
            freeHostPage(p, pfn: pfn, checker: checker)
            return true
        }
        return false
    }

    /// The host frees a page: poison it. It was written back to swap when it
    /// was unmapped (the last reference can only go after the host page
    /// table's): writing it back again here would put stale data over a
    /// newer page of the same gfn, when a slow fault's transient reference
    /// outlived a refault and a second unmap.
    /// dirty-bit: a page the guest wrote must have been marked dirty by now.
    func freeHostPage<P: Platform>(_ p: P, pfn: Int, checker: ViolationSink) {
        let gfn = Int(pfnGFN[pfn])
        if checks { checkWrittenPageDirty(p, pfn: pfn, gfn: gfn, detail: .dirtyBitLost, checker: checker) }
        p.ghostStore(pfnData + pfn, VM.poisonData)
        p.store(pfnState + pfn, VM.pfnFreed)
        p.count(.hostPagesFreed)
    }

    /// The host unmaps `gfn` from its page table and drops the table's
    /// reference (reclaim, after invalidate_range_start zapped the sptes).
    func hostUnmap<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink) {
        let mapped = p.load(hostPT + gfn)
        guard mapped != 0 else { return }
        let pfn = Int(mapped - 1)
        p.store(hostPT + gfn, 0)
        // Reclaim writes a dirty page back as it unmaps it: from now on the
        // gfn's content is swap's, even while a transient reference (a slow
        // fault that will refault) keeps the page itself alive a little longer.
        // dirty-bit: a page the guest wrote must be dirty by now, or the
        // write is lost with it.
        if checks { checkWrittenPageDirty(p, pfn: pfn, gfn: gfn, detail: .unmappedPageNotDirty, checker: checker) }
        if p.load(pfnDirty + pfn) != 0 { p.store(swap + gfn, p.load(pfnData + pfn)) }
        putPage(p, pfn: pfn, checker: checker)
    }

    /// Faults a page in for an unmapped gfn: a fresh pfn (not one freed a
    /// moment ago), its content from swap. `readOnly`: a KSM-like shared
    /// page with no HOST_WRITABLE. Returns false when no pfn is free.
    @discardableResult
    func hostFaultIn<P: Platform>(_ p: P, gfn: Int, readOnly: Bool = false) -> Bool {
        if p.load(hostPT + gfn) != 0 { return true }
        var cursor = Int(global(Global.hostAllocCursor).pointee) % pfnCount
        for _ in 0..<pfnCount {
            cursor = (cursor + 1) % pfnCount
            if p.load(pfnState + cursor) & VM.pfnFreed != 0 && p.load(pfnRefcount + cursor) == 0 {
                global(Global.hostAllocCursor).pointee = UInt64(cursor)
                p.store(pfnData + cursor, p.load(swap + gfn))
                p.store(pfnDirty + cursor, 0)
                p.ghostStore(pfnWritten + cursor, 0)
                pfnGFN[cursor] = UInt64(gfn)
                p.store(pfnRefcount + cursor, 1)   // the host page table's reference
                p.store(pfnState + cursor, VM.pfnAllocated | (readOnly ? 0 : VM.pfnHostWritable))
                p.store(hostPT + gfn, UInt64(cursor + 1))
                return true
            }
        }
        return false
    }
}
