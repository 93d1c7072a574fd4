/// wp-safety (docs/invariants.md): once write-protect(gfn) has returned and
/// until unprotect(gfn), no spte of the gfn is W and no guest write to it
/// lands without the slow path.
///
/// The per-gfn `VM.protection` word is the checker's own record, written by
/// write-protect and unprotect as they start and return; the paths never
/// read it.
extension VM {
    /// At a guest write that landed on `gfn`. Sound: the write happens in
    /// guest mode, so write-protect's flush could not have completed after
    /// this access began without this vCPU's acknowledgement (the flusher
    /// waits for every in-guest vCPU; requests are honoured between accesses).
    @inline(__always)
    func checkWriteNotProtected<P: Platform>(_ p: P, vcpu: Int, gfn: Int, pfn: Int, value: UInt64, checker: ViolationSink) {
        if p.peek(protection + gfn) == Protection.protected {
            p.trace(.guestWrite, gfn: gfn, UInt64(pfn), value)
            checker.report(p, .writeAfterProtect, vcpu: vcpu, gfn: gfn, spteA: p.peek(sptesForReport(gfn: gfn)))
        }
    }

    /// Under the mmu-lock: no rmap spte of the protected `gfn` is W. Sound
    /// right after write-protect's scan and flush (the flag is visible to
    /// every fast path that has not passed its check; every one that has
    /// either succeeded before the scan, which then cleared W, or finds its
    /// identification gone) and in every audit while the gfn stays protected.
    public func auditWriteProtected<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink, detail: ViolationDetail) {
        for k in 0..<rmapCountOf(gfn: gfn) {
            let spte = p.peek(sptep(global: rmapEntry(gfn: gfn, k)))
            if spte & SPTE.presentMask != 0 && spte & SPTE.writableMask != 0 {
                checker.report(p, detail, vcpu: nil, gfn: gfn, spteA: spte)
                return
            }
        }
    }
}
