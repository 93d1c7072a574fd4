/// rcu-lifetime (docs/invariants.md): no lockless walker reads a shadow page
/// after it was freed. A freed page is poisoned magic first, then its sptes,
/// only after a grace period and the zap's flush; a reader that sees the
/// poisoned magic after reading from the page read a freed page.
extension VM {
    /// After reading from `page` inside a read-side section (or in guest
    /// mode; or under the write lock, from a root this thread holds a
    /// reference to: the TDP MMU's walks, `vcpu` nil).
    @inline(__always)
    func checkPageLive<P: Platform>(_ p: P, page: Int, vcpu: Int?, gfn: Int, spte: UInt64, checker: ViolationSink) -> Bool {
        if p.peek(header(page, SPHeader.magic)) != SPHeader.liveMagic {
            checker.report(p, .poisonedShadowPage, vcpu: vcpu, gfn: gfn, spteA: spte, spteB: UInt64(page))
            return false
        }
        return true
    }
}
