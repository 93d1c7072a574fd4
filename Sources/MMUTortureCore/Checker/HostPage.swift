/// host-page (docs/invariants.md): no spte and no guest access reaches a host
/// page after the host freed it, and a guest write lands only on a host page
/// that is writable and that currently backs the written gfn.
extension VM {
    /// At every guest access to `pfn` for `gfn`. Sound: invalidation zaps
    /// and flushes (waiting for every in-guest vCPU) before the host unmaps
    /// or frees, a host page's writability never changes while it is
    /// allocated, and the slow path holds a reference while it installs.
    @inline(__always)
    func checkGuestAccessPage<P: Platform>(_ p: P, vcpu: Int, gfn: Int, pfn: Int, write: Bool, checker: ViolationSink) {
        let state = p.peek(pfnState + pfn)
        if state & VM.pfnFreed != 0 {
            checker.report(p, .freedHostPageAccess, vcpu: vcpu, gfn: gfn, spteA: UInt64(pfn))
            return
        }
        if write {
            if state & VM.pfnHostWritable == 0 {
                checker.report(p, .writeToReadOnlyPage, vcpu: vcpu, gfn: gfn, spteA: UInt64(pfn))
            } else if p.peek(hostPT + gfn) != UInt64(pfn + 1) {
                checker.report(p, .writeToStalePage, vcpu: vcpu, gfn: gfn, spteA: UInt64(pfn), spteB: p.peek(hostPT + gfn))
            }
        }
    }

    /// Audit of one present leaf: its page is not freed. Caller holds the mmu-lock.
    @inline(__always)
    func auditLeafHostPage<P: Platform>(_ p: P, spte: UInt64, gfn: Int, checker: ViolationSink) -> Bool {
        let pfn = Int(SPTE(raw: spte).pfn)
        if pfn >= pfnCount || p.peek(pfnState + pfn) & VM.pfnFreed != 0 {
            checker.report(p, .freedHostPageMapped, vcpu: nil, gfn: gfn, spteA: spte)
            return false
        }
        return true
    }
}
