/// notifier-range (docs/invariants.md), the TDP MMU's: every gfn of an
/// invalidation in progress is one a page fault retries on. Between
/// `kvm_mmu_invalidate_begin` and `_end` the host is taking the gfn's page
/// away; a fault that read the old translation must not install it, and
/// `mmu_invalidate_retry_gfn` makes it retry only when
/// `mmu_invalidate_in_progress` is not 0 and the gfn lies in
/// [`mmu_invalidate_range_start`, `_end`). So at every quiescent point, for
/// every gfn the checker records as being invalidated (`tdp.invalidating`,
/// raised in the section of the begin, lowered in that of the end): the
/// count is not 0 and the range covers the gfn.
///
/// Decided in every audit under the mmu-lock held for write. Sound: the
/// begin raises the count and widens the range (sets it, when the count
/// was 0) in one section under the write lock, the end lowers the count in
/// another, and nothing else writes them; while an invalidation is in
/// progress the count stays above 0, so every later begin only widens the
/// range, which therefore keeps covering it.
extension VM {
    /// Returns false after a report.
    func tdpAuditNotifierRange<P: Platform>(_ p: P, checker: ViolationSink) -> Bool {
        let count = p.peek(global(Global.notifierCount))
        let start = p.peek(tdp.rangeStart), end = p.peek(tdp.rangeEnd)
        for gfn in 0..<frames where p.peek(tdp.invalidating + gfn) != 0 {
            let g = UInt64(gfn)
            if count == 0 || g < start || g >= end {
                checker.report(p, .invalidationOutsideRange, vcpu: nil, gfn: gfn, spteA: start, spteB: end)
                return false
            }
        }
        return true
    }
}
