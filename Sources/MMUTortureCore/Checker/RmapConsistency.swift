/// rmap-consistency (docs/invariants.md; `mmu_audit.c`'s
/// `inspect_spte_has_rmap` and `audit_mappings`): every present leaf of a
/// live shadow page is in its gfn's rmap, and every rmap entry is a present
/// leaf of that gfn. Rmaps change only under the mmu-lock, together with the
/// install or drop of the spte, so under the lock both directions hold.
extension VM {
    /// Audit of rmap entry `spte` (the value at the entry) of `gfn`.
    @inline(__always)
    func auditRmapEntry<P: Platform>(_ p: P, global: Int, spte: UInt64, gfn: Int, checker: ViolationSink) -> Bool {
        if spte & (SPTE.presentMask | SPTE.leafMask) != (SPTE.presentMask | SPTE.leafMask)
            || rmapGFN(page: global / 512, index: global % 512) != UInt64(gfn) {
            checker.report(p, .rmapEntryNotLeaf, vcpu: nil, gfn: gfn, spteA: spte, spteB: UInt64(global))
            return false
        }
        return true
    }

    /// The other direction, over the shadow pages `pages`: every present leaf
    /// of a live page is in the rmap of the gfn it maps. Caller holds the lock.
    ///
    /// `plainLoads`: `p`'s loads are plain memory reads with no effect (an
    /// `AuditPlatform`: no scheduling point, no step). Then eight slots at a
    /// time are first read directly and a group with no present slot is
    /// skipped: most of a leaf table is not present, and the deterministic
    /// mode runs this after every critical section. (Where a load is a
    /// scheduling point, an extra read would change the schedule.)
    func auditPagesInRmaps<P: Platform>(_ p: P, pages: Range<Int>, plainLoads: Bool = false, checker: ViolationSink) {
        for page in pages.clamped(to: 0..<pageCount) {
            guard p.peek(header(page, SPHeader.magic)) == SPHeader.liveMagic,
                  ShadowPageRole(raw: header(page, SPHeader.role).pointee).level == 1 else { continue }
            var i = 0
            while i < 512 {
                if plainLoads && i & 7 == 0 {
                    var any: UInt64 = 0
                    for j in i..<(i + 8) { any |= sptep(page: page, index: j).pointee }
                    if any & SPTE.presentMask == 0 { i += 8; continue }
                }
                defer { i += 1 }
                let spte = p.peek(sptep(page: page, index: i))
                guard spte & SPTE.presentMask != 0 else { continue }
                let gfn = Int(rmapGFN(page: page, index: i))
                let global = page * 512 + i
                var found = false
                if gfn >= 0 && gfn < frames {
                    for k in 0..<rmapCountOf(gfn: gfn) where rmapEntry(gfn: gfn, k) == global { found = true; break }
                }
                if !found {
                    checker.report(p, .leafMissingFromRmap, vcpu: nil, gfn: gfn, spteA: spte, spteB: UInt64(global))
                    return
                }
            }
        }
    }
}
