/// frozen-ownership (docs/invariants.md; tdp_mmu.c: "No other thread can
/// overwrite the frozen SPTE as they must either wait on the MMU lock or use
/// tdp_mmu_set_spte_atomic() which will not overwrite the special frozen
/// SPTE value"): only the thread that froze a spte writes it again, and
/// nobody installs over FROZEN. The checks sit in the two writes that can
/// meet a frozen spte: `tdpSetSPTEAtomic` (a cmpxchg whose expected value
/// was FROZEN) and `tdpUnfreeze` (the freezer's write-back finds its own
/// FROZEN, recorded in `TDPState.frozenOwner` right after the freeze).
extension VM {
    /// After a successful cmpxchg from `old`.
    @inline(__always)
    func checkNotOverFrozen<P: Platform>(_ p: P, old: UInt64, new: UInt64, gfn: Int, checker: ViolationSink) {
        if checks && SPTE.isFrozen(old) {
            checker.report(p, .frozenSPTEOverwritten, vcpu: nil, gfn: gfn, spteA: old, spteB: new)
        }
    }

    /// Before the freezer writes `sp` back: it is still FROZEN, by this thread.
    @inline(__always)
    func checkFrozenByMe<P: Platform>(_ p: P, _ sp: UnsafeMutablePointer<UInt64>, found: UInt64, gfn: Int,
                                      checker: ViolationSink) {
        let owner = p.ghostLoad(tdp.frozenOwner + (sp - sptes))
        if checks && (!SPTE.isFrozen(found) || owner != UInt64(p.threadIndex + 1)) {
            checker.report(p, .frozenSPTEOverwritten, vcpu: nil, gfn: gfn, spteA: found, spteB: owner)
        }
    }
}
