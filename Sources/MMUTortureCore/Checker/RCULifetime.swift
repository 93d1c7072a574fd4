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

    /// tdp-mmu: after reading from table `page`, which a link read at
    /// `incarnation` led to: the table is live and was not freed since (a
    /// freed table may already be reused, its magic live again).
    @inline(__always)
    func checkTableLive<P: Platform>(_ p: P, page: Int, incarnation: UInt64, vcpu: Int?, gfn: Int,
                                     spte: @autoclosure () -> UInt64, checker: ViolationSink) -> Bool {
        if p.peek(header(page, SPHeader.magic)) != SPHeader.liveMagic || p.peek(tdp.incarnations + page) != incarnation {
            checker.report(p, .poisonedShadowPage, vcpu: vcpu, gfn: gfn, spteA: spte(), spteB: UInt64(page))
            return false
        }
        return true
    }

    /// tdp-mmu: the table a walk of this thread ended in, for the checks of
    /// the reads that follow (`checkSPTELive`).
    @inline(__always)
    func tdpNoteWalkTable<P: Platform>(_ p: P, page: Int, incarnation: UInt64) {
        p.state.pointee.tdpWalkTable = UInt64(page + 1)
        p.state.pointee.tdpWalkIncarnation = incarnation
    }

    /// tdp-mmu: after a read from the entry `sp` of the table this thread's
    /// last walk ended in (the leaf's load, cmpxchg or exchange, made after
    /// the walk checked the table): the table is still the one the walk
    /// reached. The walker is still inside the read-side section (or under
    /// the write lock) it walked in. (Every caller reads the table its last
    /// walk noted; any other table gets the magic check alone.)
    @inline(__always)
    func checkSPTELive<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, vcpu: Int?, gfn: Int, spte: UInt64,
                                    checker: ViolationSink) -> Bool {
        guard checks else { return true }
        let page = (sp - sptes) >> 9
        guard p.state.pointee.tdpWalkTable == UInt64(page + 1) else {
            return checkPageLive(p, page: page, vcpu: vcpu, gfn: gfn, spte: spte, checker: checker)
        }
        return checkTableLive(p, page: page, incarnation: p.state.pointee.tdpWalkIncarnation, vcpu: vcpu, gfn: gfn,
                              spte: spte, checker: checker)
    }

    /// A TDP walker's load of the entry `sp` that `tdpWalk` returned, with
    /// rcu-lifetime's check after it. The operation's site is the caller's.
    @inline(__always)
    func tdpLoadSPTE<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, gfn: Int, vcpu: Int? = nil,
                                  checker: ViolationSink,
                                  file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        let spte = p.load(sp, at: OperationSite(file: file, line: line, column: column))
        _ = checkSPTELive(p, sp, vcpu: vcpu, gfn: gfn, spte: spte, checker: checker)
        return spte
    }
}
