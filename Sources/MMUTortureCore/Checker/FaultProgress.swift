/// fault-progress (docs/invariants.md): a slow page fault that fixes the
/// fault leaves the fix where the guest looks. When `direct_page_fault` /
/// `FNAME(page_fault)` returns having installed (or found) the leaf, the
/// vCPU re-enters the guest and re-executes the access; the hardware walk
/// from the vCPU's root must reach that leaf, or the access faults again,
/// and again, for ever (a livelock nothing else reports: no state is wrong,
/// the fix is only out of reach).
///
/// Checked with the mmu-lock held, before the fault's unlock, by a walk of
/// the checker's own: from the vCPU's root, level by level, the entry the
/// hardware would read for `addr` (`(addr >> (9 * (level - 1))) & 511`),
/// present, not a leaf and naming a shadow page, down to the leaf table,
/// whose entry for `addr` is present. Sound for the shadow MMU: every
/// change to a non-leaf entry, every install and every drop of a leaf is
/// made under the exclusive mmu-lock, and the lockless fast path only
/// changes a present leaf's writable, dirty and identification bits; the
/// walk reads through the thread's own store buffer (`peek`), so it sees
/// the fault's own stores.
/// Not for the TDP MMU, whose faults run under the read lock: a concurrent
/// zap may take the new leaf away at once, legitimately.
extension VM {
    /// Under the mmu-lock, after the slow path installed or kept the leaf
    /// for `addr` in shadow page `page` (the leaf table its walk reached).
    func checkFaultProgress<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int,
                                         page: Int, checker: ViolationSink) {
        var table = v.pointee.root - 1
        for level in stride(from: 4, to: 1, by: -1) {
            let entry = p.peek(sptep(page: table, index: (addr >> ((level - 1) * 9)) & 511))
            guard entry & SPTE.presentMask != 0 && entry & SPTE.leafMask == 0
                    && SPTE(raw: entry).childIndex < pageCount else {
                checker.report(p, .fixedLeafUnreachable, vcpu: v.pointee.id, gfn: gfn, spteA: entry,
                               spteB: UInt64(level))
                return
            }
            table = SPTE(raw: entry).childIndex
        }
        let leaf = p.peek(sptep(page: table, index: addr & 511))
        if table != page || leaf & SPTE.presentMask == 0 {
            checker.report(p, .fixedLeafUnreachable, vcpu: v.pointee.id, gfn: gfn, spteA: leaf, spteB: UInt64(table))
        }
    }
}
