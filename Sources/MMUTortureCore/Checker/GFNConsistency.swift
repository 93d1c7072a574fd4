/// gfn-consistency (docs/invariants.md; seed 002): the gfn the paths compute
/// for a leaf slot (`kvm_mmu_page_get_gfn`, as the fast path uses it to mark
/// the page dirty) is the gfn its rmap holds it under.
extension VM {
    /// Audit of rmap entry `global` of `gfn`. Caller holds the mmu-lock.
    @inline(__always)
    func auditComputedGFN<P: Platform>(_ p: P, global: Int, gfn: Int, spte: UInt64, checker: ViolationSink) -> Bool {
        let computed = pageGFN(p, page: global / 512, index: global % 512)
        if computed != UInt64(gfn) {
            checker.report(p, .gfnMismatch, vcpu: nil, gfn: gfn, spteA: spte, spteB: computed)
            return false
        }
        return true
    }
}
