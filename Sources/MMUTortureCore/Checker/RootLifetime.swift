/// root-lifetime (docs/invariants.md; `kvm_tdp_mmu_put_root`,
/// `kvm_tdp_mmu_zap_invalidated_roots`, `is_page_fault_stale`): a valid root
/// always holds a reference (the MMU's, until it is invalidated); once an
/// invalid root has been zapped it holds no present spte; no fault installs
/// into an invalid root. Decided from the roots' own reference counts and
/// flags: the checks in `tdpPutRoot` and `tdpInstallLeaf` read them, and
/// these are the rest.
extension VM {
    /// Audit of one root in the list. Caller holds the mmu-lock for write.
    func tdpAuditRoot<P: Platform>(_ p: P, root: Int, checker: ViolationSink) -> Bool {
        let flags = p.peek(tdp.rootFlags + root)
        if flags & TDPState.RootFlag.invalid == 0 && p.peek(tdp.refs + root) == 0 {
            checker.report(p, .validRootUnreferenced, vcpu: nil, gfn: nil, spteA: UInt64(root))
            return false
        }
        if flags & TDPState.RootFlag.zapped != 0 {
            for i in 0..<tdpEntries(level: 4, base: 0) where p.peek(sptep(page: root, index: i)) & SPTE.presentMask != 0 {
                checker.report(p, .zappedRootPopulated, vcpu: nil, gfn: i << 27,
                               spteA: p.peek(sptep(page: root, index: i)), spteB: UInt64(root))
                return false
            }
        }
        return true
    }
}
