/// obsolete (docs/invariants.md; seed 000): lookups never return an obsolete
/// page, and no vCPU accesses guest memory through a root of an older
/// generation after it handled its reload request. Decided from the pages'
/// generation words and the generation each vCPU saw when it reloaded.
extension VM {
    /// Under the mmu-lock, on the page a lookup (`kvm_mmu_get_page`) returned.
    @inline(__always)
    func checkLookupCurrent<P: Platform>(_ p: P, page: Int, gfn: UInt64, checker: ViolationSink) {
        if checks && p.peek(header(page, SPHeader.validGen)) != validGen(p) {
            checker.report(p, .obsoletePageReturned, vcpu: nil, gfn: Int(truncatingIfNeeded: gfn), spteA: UInt64(page))
        }
    }

    /// At a walk from the vCPU's root in guest mode. Sound: a reload request
    /// is set after the generation moved (a locked RMW orders them); the
    /// vCPU records the generation when it handles the request and drops
    /// its root; a new root is looked up under the mmu-lock at a generation
    /// at least that one.
    @inline(__always)
    func checkRootCurrent<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, root: Int, gfn: Int, checker: ViolationSink) {
        let gen = p.peek(header(root &- 1, SPHeader.validGen))
        if gen < v.pointee.reloadGen {
            checker.report(p, .obsoleteRoot, vcpu: v.pointee.id, gfn: gfn, spteA: gen, spteB: v.pointee.reloadGen)
        }
    }

    /// tdp-mmu: zap-all fast has just marked every root invalid under the
    /// write lock and is about to ask the vCPUs to reload. The TDP MMU has
    /// no generation of its own (`mmu_valid_gen` is the shadow MMU's); here
    /// the word is the checker's: it moves on, every page table records the
    /// one it was made in (`tdpInitPage`), and `checkRootCurrent` then sees
    /// a vCPU that handled the request and still runs on an older root. The
    /// flush's locked requests that follow order it before the request.
    @inline(__always)
    func tdpRootsBecameObsolete<P: Platform>(_ p: P) {
        p.ghostStore(global(Global.mmuValidGen), p.ghostLoad(global(Global.mmuValidGen)) &+ 1)
    }
}
