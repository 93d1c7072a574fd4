/// dirty-log (docs/invariants.md): after the final harvest, with every vCPU
/// stopped, the destination copy equals guest memory: every write was logged.
extension VM {
    /// The final round: harvest once more, then compare every gfn.
    public func finalDirtyLogCheck<P: Platform>(_ p: P, checker: ViolationSink) {
        harvestDirtyLog(p, checker: checker)
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        for gfn in 0..<frames {
            let memory = guestMemory(p, gfn: gfn)
            let copy = p.load(destination + gfn)
            if memory != copy {
                checker.report(p, .dirtyLogMismatch, vcpu: Int(memory >> 48) - 1, gfn: gfn, spteA: copy, spteB: memory)
                return
            }
        }
    }
}
