/// spte-integrity (docs/invariants.md; seed 004 "only set the last bit of
/// spte that does not change the mapping and lose cpu status bits"; the
/// kernel's `check_spte_writable_invariants`): every spte is one of the
/// valid combinations documented on `SPTE`; W implies HOST_WRITABLE, and
/// MMU_WRITABLE where the protocol gates lockless W on it; HOST_WRITABLE
/// implies the host page is writable; NX is what the slow path installed
/// (the lockless paths change only W, A, D and the identification); an
/// identification is within the layout's range.
extension VM {
    /// Whether the slow path maps `gfn` non-executable: under the softmmu
    /// layout every fourth gfn, so that bit 63 (NX, just above the 7-bit
    /// identification) is set on live sptes and a wrong identification
    /// width shows; never under vmx, whose identification owns bit 63.
    @inline(__always)
    public func installsNX(gfn: Int) -> Bool { layout == .softmmu && gfn & 3 == 3 }

    /// Audit of one present leaf of `gfn`. Caller holds the mmu-lock.
    func auditLeafIntegrity<P: Platform>(_ p: P, spte: UInt64, gfn: Int, checker: ViolationSink) -> Bool {
        let s = SPTE(raw: spte)
        if !s.isValid(layout: layout) || (spteRules.writableNeedsMMUWritable && s.isWritable && !s.isMMUWritable)
            || (spteRules.mmuWritableNeedsHostWritable && s.isMMUWritable && !s.isHostWritable) {
            checker.report(p, .invalidSPTE, vcpu: nil, gfn: gfn, spteA: spte)
            return false
        }
        // Under vmx bit 63 belongs to the identification (ids 128-254 set it).
        if layout.idMask & SPTE.nxMask == 0 && (spte & SPTE.nxMask != 0) != installsNX(gfn: gfn) {
            checker.report(p, .nxChanged, vcpu: nil, gfn: gfn, spteA: spte)
            return false
        }
        let pfn = Int(s.pfn)
        if s.isHostWritable && pfn < pfnCount && p.peek(pfnState + pfn) & VM.pfnHostWritable == 0 {
            checker.report(p, .hostWritableOnReadOnlyPage, vcpu: nil, gfn: gfn, spteA: spte)
            return false
        }
        return true
    }
}
