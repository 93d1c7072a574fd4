/// rcu-lifetime (docs/invariants.md): no lockless walker reads a shadow page
/// after it was freed. A freed page is poisoned magic first, then its sptes,
/// only after a grace period and the zap's flush; a reader that sees the
/// poisoned magic after reading from the page read a freed page.
extension VM {
    /// After reading from `page` inside a read-side section (or in guest mode).
    @inline(__always)
    func checkPageLive<P: Platform>(_ p: P, page: Int, vcpu: Int, gfn: Int, spte: UInt64, checker: ViolationSink) -> Bool {
        if p.peek(header(page, SPHeader.magic)) != SPHeader.liveMagic {
            checker.report(p, .poisonedShadowPage, vcpu: vcpu, gfn: gfn, spteA: spte, spteB: UInt64(page))
            return false
        }
        return true
    }

    /// The TDP MMU's form for the walks under the mmu-lock: a table read
    /// from inside a read-side section (or under the write lock, from a
    /// root this thread holds a reference to) is freed only after a grace
    /// period that waits for the reader, so it is live right after the read.
    @inline(__always)
    func checkTableLive<P: Platform>(_ p: P, page: Int, gfn: Int, spte: UInt64, checker: ViolationSink) -> Bool {
        if p.peek(header(page, SPHeader.magic)) != SPHeader.liveMagic {
            checker.report(p, .poisonedShadowPage, vcpu: nil, gfn: gfn, spteA: spte, spteB: UInt64(page))
            return false
        }
        return true
    }
}
