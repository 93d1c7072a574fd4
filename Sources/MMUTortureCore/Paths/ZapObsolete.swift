/// Zap all shadow pages by making them obsolete (docs/protocols.md, seed 000):
/// `kvm_mmu_invalidate_zap_all_pages` with `kvm_mmu_prepare_zap_obsolete_page`.
extension VM {
    /// Bumps `mmu_valid_gen`, asks every vCPU to reload its root, zaps every
    /// obsolete page (unlinked from the hash at once, parent sptes cleared,
    /// leaf sptes dropped from the rmaps carrying D, no unsync-children walk),
    /// commits with a barrier and a flush, and frees the pages only after an
    /// RCU grace period: lockless walkers may still be reading them.
    public func zapAllObsolete<P: Platform>(_ p: P, checker: ViolationSink) {
        var invalid: [Int] = []
        p.lock(mmuLock)
        let gen = validGen(p) + 1
        p.store(global(Global.mmuValidGen), gen)
        p.count(.zaps)
        p.trace(.zapObsolete, gfn: -1, gen)
        // Newest first, as kvm_zap_obsolete_pages walks active_mmu_pages.
        var cursor = global(Global.activeHead).pointee
        var keep: [Int] = []
        while cursor != 0 {
            let page = Int(cursor - 1)
            cursor = header(page, SPHeader.activeNext).pointee
            if p.load(header(page, SPHeader.validGen)) == gen { keep.append(page); continue }
            prepareZapObsoletePage(p, page: page, checker: checker)
            invalid.append(page)
        }
        // The active list keeps only current pages.
        var next: UInt64 = 0
        for page in keep.reversed() {
            header(page, SPHeader.activeNext).pointee = next
            next = UInt64(page + 1)
        }
        global(Global.activeHead).pointee = next
        p.count(.shadowPagesZapped, UInt64(invalid.count))
        // kvm_mmu_commit_zap_page: smp_mb, then flush, with the reload request.
        p.fullBarrier()
        flushRemoteTLBs(p, gfn: -1, extraRequest: VM.requestMMUReload)
        unlockMMU(p, checker: checker)

        p.perturb(.beforeFree)
        if ops.freeAfterGracePeriod {
            // Outside the mmu-lock and any read-side section.
            p.synchronizeRCU()
        }
        p.lock(mmuLock)
        for page in invalid { freeShadowPage(p, page: page) }
        unlockMMU(p, checker: checker)
    }

    /// `kvm_mmu_prepare_zap_obsolete_page`. Caller holds the mmu-lock.
    func prepareZapObsoletePage<P: Platform>(_ p: P, page: Int, checker: ViolationSink) {
        if ops.obsoleteLeavesHash {
            unhash(page: page)   // hlist_del_init: lookups can never find it
        }
        let parent = header(page, SPHeader.parent).pointee
        if parent != 0 {
            let psp = sptep(global: Int(parent - 1))
            if SPTE(raw: p.load(psp)).childIndex == page { p.store(psp, 0) }
            header(page, SPHeader.parent).pointee = 0
        }
        let role = ShadowPageRole(raw: header(page, SPHeader.role).pointee)
        if role.level == 1 {
            for i in 0..<512 {
                let sp = sptep(page: page, index: i)
                let spte = p.load(sp)
                if spte & SPTE.presentMask != 0 {
                    let gfn = Int(rmapGFN(page: page, index: i))
                    // drop_spte; mutant zap-keeps-rmap clears the spte the
                    // way mmu_spte_clear_no_track does, leaving its rmap entry.
                    dropSPTE(p, sp: sp, gfn: gfn, checker: checker, removeRmap: ops.zapRemovesRmap)
                }
            }
        } else {
            for i in 0..<512 where p.load(sptep(page: page, index: i)) != 0 {
                p.store(sptep(page: page, index: i), 0)
            }
        }
    }

    /// The gfn a leaf slot was added to the rmap under: the checker's own
    /// record (gfns[] or the correct computation), independent of the
    /// variant under test.
    func rmapGFN(page: Int, index: Int) -> UInt64 {
        let role = ShadowPageRole(raw: header(page, SPHeader.role).pointee)
        if role.direct {
            return directPageGFN(baseGFN: header(page, SPHeader.gfn).pointee, role: role, index: index, quadrantAware: true)
        }
        let slot = Int(header(page, SPHeader.gfnsSlot).pointee)
        return gfnsArena[(slot - 1) * 512 + index]
    }

    /// Removes `page` from its hash chain. Caller holds the mmu-lock.
    func unhash(page: Int) {
        let gfn = header(page, SPHeader.gfn).pointee
        let role = ShadowPageRole(raw: header(page, SPHeader.role).pointee)
        let bucket = hashBucket(gfn: gfn, role: role)
        var link = hashHeads + bucket
        while link.pointee != 0 {
            let cur = Int(link.pointee - 1)
            if cur == page {
                link.pointee = header(page, SPHeader.hashNext).pointee
                header(page, SPHeader.hashNext).pointee = SPHeader.unhashed
                return
            }
            link = header(cur, SPHeader.hashNext)
        }
    }

    /// `kvm_mmu_free_page`: poison the page (magic first, then the sptes, so
    /// a late reader that sees a poisoned spte also sees the poisoned magic)
    /// and return it to the free list. Caller holds the mmu-lock.
    func freeShadowPage<P: Platform>(_ p: P, page: Int) {
        if header(page, SPHeader.hashNext).pointee != SPHeader.unhashed { unhash(page: page) }
        p.ghostStore(header(page, SPHeader.magic), SPHeader.poisonMagic)
        tdp.incarnations[page] &+= 1   // a walker that read the link before now holds a stale page
        p.ghostFill(sptep(page: page, index: 0), count: 512, SPHeader.poisonSPTE)
        // Part of the poison: a freed page belongs to no generation (a root
        // used after its free is obsolete). The allocator sets it again.
        p.ghostStore(header(page, SPHeader.validGen), 0)
        returnFreePage(page)
        p.count(.shadowPagesFreed)
        p.trace(.pageFreed, gfn: -1, UInt64(page))
    }
}
