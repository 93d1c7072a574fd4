/// at-rest (docs/invariants.md): once every path has finished, nothing is
/// left half done.
/// - No invalidation is counted as running: `mmu_notifier_count` (the
///   kernel's `mmu_invalidate_in_progress`) is back to 0. An
///   `invalidate_range_start` without its `_end` makes every later page
///   fault of the VM retry for ever (the kernel has a `KVM_BUG_ON` for the
///   count going negative, the other imbalance).
/// - tdp-mmu: a root's reference count is exactly its holders': one per
///   vCPU whose root it is, plus the MMU's own until the root was zapped
///   (`kvm_tdp_mmu_put_root`, `kvm_tdp_mmu_zap_invalidated_roots`; the
///   kernel warns at teardown about a root left in the list). A leaked
///   reference keeps an invalid root and its page tables for ever; one
///   dropped twice frees a root a vCPU still runs on.
extension VM {
    /// With every thread stopped (the end of a run).
    func finalAtRestCheck<P: Platform>(_ p: P, vcpus: UnsafeMutablePointer<VCPULocal>, checker: ViolationSink) {
        let running = p.peek(global(Global.notifierCount))
        if running != 0 {
            checker.report(p, .invalidationLeftRunning, vcpu: nil, gfn: nil, spteA: running)
            return
        }
        guard isTDP else { return }
        // The holders of each root: the MMU, for a root in the list that is
        // valid or invalid and still scheduled to be zapped (the zap clears
        // the mark, then drops the MMU's reference), and the vCPUs. A vCPU's
        // root that left the list counts too.
        var holders: [Int: UInt64] = [:]
        for slot in 0..<TDPState.maxRoots {
            let r = p.peek(tdp.roots + slot)
            if r == 0 { continue }
            let page = Int(r - 1)
            let flags = p.peek(tdp.rootFlags + page)
            let mmuHolds = flags & TDPState.RootFlag.invalid == 0 || flags & TDPState.RootFlag.scheduledToZap != 0
            holders[page, default: 0] += mmuHolds ? 1 : 0
        }
        for v in 0..<vcpuCount where vcpus[v].root != 0 { holders[vcpus[v].root - 1, default: 0] += 1 }
        for (page, expected) in holders.sorted(by: { $0.key < $1.key }) {
            let references = p.peek(tdp.refs + page)
            if references != expected {
                checker.report(p, .rootReferencesWrong, vcpu: nil, gfn: nil, spteA: references, spteB: UInt64(page))
                return
            }
        }
    }
}
