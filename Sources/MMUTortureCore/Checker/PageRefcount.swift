/// page-refcount (docs/invariants.md): a host page's references are the host
/// page table's (one while the gfn maps it) plus the transient ones that a
/// page fault takes with `gfn_to_pfn` and drops with `kvm_release_pfn_clean`
/// before it returns. Once every path has finished, no transient reference
/// may be left: a mapped page holds exactly one, and a page the host
/// unmapped was freed with none. A leaked reference keeps a page the host
/// reclaimed alive for ever; a reference dropped twice frees a page that is
/// still mapped (the use-after-free host-page sees only if a guest touches it).
extension VM {
    /// With every thread stopped (the end of a run): every host page's
    /// reference count against its host page-table mapping.
    func finalPageRefcountCheck<P: Platform>(_ p: P, checker: ViolationSink) {
        for pfn in 0..<pfnCount {
            let freed = p.peek(pfnState + pfn) & VM.pfnFreed != 0
            let references = p.peek(pfnRefcount + pfn)
            let gfn = Int(pfnGFN[pfn])
            if gfn < frames && p.peek(hostPT + gfn) == UInt64(pfn + 1) {
                // Mapped: the host page table's reference, and no other.
                if freed || references == 0 {
                    checker.report(p, .pageReferenceMissing, vcpu: nil, gfn: gfn)
                    return
                }
                if references > 1 {
                    checker.report(p, .pageReferenceLeaked, vcpu: nil, gfn: gfn)
                    return
                }
            } else if references != 0 || !freed {
                // Unmapped: the last put freed it.
                checker.report(p, .pageReferenceLeaked, vcpu: nil, gfn: gfn)
                return
            }
        }
    }
}
