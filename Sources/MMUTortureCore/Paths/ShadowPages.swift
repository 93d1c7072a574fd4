/// Shadow-page management under the mmu-lock: the hash (`mmu_page_hash`),
/// the newest-first active list, allocation (`kvm_mmu_alloc_page`), lookup
/// (`kvm_mmu_get_page`) and the rmaps (`rmap_add` / `rmap_remove`).
///
/// State that only mmu-lock holders touch (hash chains, free list, rmap
/// entries) is accessed directly; words that lockless walkers read (sptes,
/// page magic/role/gfn, rmap flags) go through the platform.
extension VM {
    @inline(__always)
    func hashBucket(gfn: UInt64, role: ShadowPageRole) -> Int {
        Int(truncatingIfNeeded: (gfn &* 0x9E37_79B9_7F4A_7C15 ^ role.raw &* 0xBF58_476D_1CE4_E5B9) >> 40) & (hashBuckets - 1)
    }

    /// The current `mmu_valid_gen`.
    @inline(__always)
    public func validGen<P: Platform>(_ p: P) -> UInt64 { p.load(global(Global.mmuValidGen)) }

    /// Whether `page` belongs to an older generation (`is_obsolete_sp`).
    @inline(__always)
    public func isObsolete<P: Platform>(_ p: P, page: Int) -> Bool {
        p.load(header(page, SPHeader.validGen)) != validGen(p)
    }

    /// `kvm_mmu_get_page`: find the live page for (gfn, role) on the hash,
    /// skipping obsolete ones, or allocate one. Caller holds the mmu-lock.
    /// Returns nil when the arena is exhausted.
    public func getPage<P: Platform>(_ p: P, gfn: UInt64, role: ShadowPageRole, checker: ViolationSink) -> Int? {
        let bucket = hashBucket(gfn: gfn, role: role)
        var cursor = hashHeads[bucket]
        let gen = validGen(p)
        while cursor != 0 {
            let page = Int(cursor - 1)
            if header(page, SPHeader.gfn).pointee == gfn && header(page, SPHeader.role).pointee == role.raw {
                if header(page, SPHeader.validGen).pointee == gen {
                    return page
                }
                // An obsolete page still on the hash. The correct zap unlinks
                // it at once (hlist_del_init) and the lookup skips obsolete
                // pages anyway; mutant obsolete-in-hash does neither.
                if !ops.obsoleteLeavesHash { return page }
            }
            cursor = header(page, SPHeader.hashNext).pointee
        }
        guard let page = allocatePage(p, gfn: gfn, role: role) else { return nil }
        header(page, SPHeader.hashNext).pointee = hashHeads[bucket]
        hashHeads[bucket] = UInt64(page + 1)
        return page
    }

    /// `kvm_mmu_alloc_page`: take a page off the free list and initialise it.
    func allocatePage<P: Platform>(_ p: P, gfn: UInt64, role: ShadowPageRole) -> Int? {
        guard let page = takeFreePage() else { return nil }
        // The page is off every list and not yet linked: no lockless reader
        // can reach it, so plain writes (the link that publishes it is a
        // platform store, ordered after these). Read back directly under the
        // mmu-lock by the hash, the zap and the rmap code.
        for i in 0..<512 { sptep(page: page, index: i).pointee = 0 }
        header(page, SPHeader.role).pointee = role.raw
        header(page, SPHeader.gfn).pointee = gfn
        header(page, SPHeader.validGen).pointee = validGen(p)
        header(page, SPHeader.parent).pointee = 0
        if !role.direct {
            // Only indirect pages get a gfns[] array (seed 002).
            header(page, SPHeader.gfnsSlot).pointee = UInt64(page + 1)
        } else {
            header(page, SPHeader.gfnsSlot).pointee = 0
        }
        header(page, SPHeader.activeNext).pointee = global(Global.activeHead).pointee
        global(Global.activeHead).pointee = UInt64(page + 1)
        p.store(header(page, SPHeader.magic), SPHeader.liveMagic)
        return page
    }

    /// The gfn that leaf slot `index` of `page` maps (`kvm_mmu_page_get_gfn`):
    /// computed for direct pages, read from gfns[] for indirect ones.
    @inline(__always)
    public func pageGFN<P: Platform>(_ p: P, page: Int, index: Int) -> UInt64 {
        let role = ShadowPageRole(raw: p.load(header(page, SPHeader.role)))
        if role.direct {
            return directPageGFN(baseGFN: p.load(header(page, SPHeader.gfn)), role: role, index: index,
                                 quadrantAware: ops.quadrantAwareGFN)
        }
        let slot = Int(p.load(header(page, SPHeader.gfnsSlot)))
        return p.load(gfnsArena + ((slot - 1) * 512 + index))
    }

    // MARK: rmaps

    /// `rmap_add`: remember that spte `global` maps `gfn`. Caller holds the lock.
    /// Returns false when the gfn's rmap is full.
    @discardableResult
    public func rmapAdd(gfn: Int, spte global: Int) -> Bool {
        let n = Int(rmapCount[gfn])
        let entries = rmapEntries + gfn * VM.rmapCapacity
        for k in 0..<n where entries[k] == UInt64(global + 1) { return true }
        guard n < VM.rmapCapacity else { return false }
        entries[n] = UInt64(global + 1)
        rmapCount[gfn] = UInt64(n + 1)
        return true
    }

    /// `rmap_remove`. Caller holds the lock.
    public func rmapRemove(gfn: Int, spte global: Int) {
        let n = Int(rmapCount[gfn])
        let entries = rmapEntries + gfn * VM.rmapCapacity
        for k in 0..<n where entries[k] == UInt64(global + 1) {
            entries[k] = entries[n - 1]
            entries[n - 1] = 0
            rmapCount[gfn] = UInt64(n - 1)
            return
        }
    }

    /// The sptes in `gfn`'s rmap (global indices). Caller holds the lock.
    public func rmapCountOf(gfn: Int) -> Int { Int(rmapCount[gfn]) }
    public func rmapEntry(gfn: Int, _ k: Int) -> Int { Int(rmapEntries[gfn * VM.rmapCapacity + k]) - 1 }
}

/// The free list of shadow pages (both MMUs' page tables), linked through
/// `SPHeader.hashNext`; the caller holds the lock that guards it (the
/// mmu-lock, or the TDP MMU's pages lock).
extension VM {
    /// The head page, off the list, nil when the list is empty. The one way
    /// a page leaves the list, so it also raises `Global.pagesUsed`, which
    /// bounds what `VMStorage.reset` rewrites.
    func takeFreePage() -> Int? {
        let head = global(Global.freeHead).pointee
        guard head != 0 else { return nil }
        let page = Int(head - 1)
        global(Global.freeHead).pointee = header(page, SPHeader.hashNext).pointee
        global(Global.freeCount).pointee -= 1
        if page >= Int(global(Global.pagesUsed).pointee) { global(Global.pagesUsed).pointee = UInt64(page + 1) }
        return page
    }

    /// `page` back at the head of the list.
    func returnFreePage(_ page: Int) {
        header(page, SPHeader.hashNext).pointee = global(Global.freeHead).pointee
        global(Global.freeHead).pointee = UInt64(page + 1)
        global(Global.freeCount).pointee += 1
    }
}
