/// The TDP MMU's own state beside the shared arena of page tables
/// (docs/model.md, "The TDP MMU"): the list of roots
/// (`kvm->arch.tdp_mmu_roots`) with their reference counts and flags, the
/// vCPUs' page caches (`mmu_shadow_page_cache`, topped up before the
/// mmu-lock is taken), the page tables waiting for a grace period
/// (`call_rcu`), the notifier's invalidation range, and the checker's
/// records (page-table accounting, frozen sptes' owners). A trivial value
/// of raw pointers, owned by `VMStorage`.
public struct TDPState {
    /// Roots the list holds at most.
    public static let maxRoots = 16
    /// Pages a vCPU keeps in its cache (one per level below the root).
    public static let cacheSize = 4

    /// `tdp_mmu_roots`: page + 1 per slot, 0 = empty. Changed under
    /// `pagesLock`; read under it or with the mmu-lock held for write.
    public let roots: UnsafeMutablePointer<UInt64>
    /// Per page: a root's reference count (`tdp_mmu_root_count`).
    public let refs: UnsafeMutablePointer<UInt64>
    /// Per page: a root's flags (`RootFlag`).
    public let rootFlags: UnsafeMutablePointer<UInt64>
    public enum RootFlag {
        /// `role.invalid`.
        public static let invalid: UInt64 = 1
        /// `tdp_mmu_scheduled_root_to_zap`: invalidated, not yet zapped.
        public static let scheduledToZap: UInt64 = 2
        /// Checker: `kvm_tdp_mmu_zap_invalidated_roots` finished with it.
        public static let zapped: UInt64 = 4
        /// Checker: the root lost its last reference while valid, where no
        /// violation sink was at hand (a vCPU's request handling); the
        /// audit and the free report it.
        public static let diedValid: UInt64 = 8
    }
    /// Per vCPU, `cacheSize` slots: page + 1, 0 = empty. Private to the vCPU
    /// (refilled under `pagesLock`).
    public let caches: UnsafeMutablePointer<UInt64>
    /// Page tables unlinked and waiting for a grace period (page + 1); under `pagesLock`.
    public let pendingFree: UnsafeMutablePointer<UInt64>
    public let pendingCount: UnsafeMutablePointer<UInt64>
    /// `kvm->mmu_invalidate_range_start` / `_end` (gfns, end exclusive).
    public let rangeStart: UnsafeMutablePointer<UInt64>
    public let rangeEnd: UnsafeMutablePointer<UInt64>
    /// Dirty logging's mode: 0 = W (write-protect, faults mark the bitmap),
    /// 1 = D (the D bits are harvested and cleared, as with PML / A/D
    /// tracking). Chosen per run by the first mmu thread's stream.
    public let dirtyLogMode: UnsafeMutablePointer<UInt64>
    /// `tdp_mmu_pages_lock`, the page allocator and the host page-table
    /// lock in one: never held while waiting for the mmu-lock, a flush or
    /// a grace period.
    public let pagesLock: MMULock

    // The checker's records.
    /// Per page: `PTState`.
    public let ptState: UnsafeMutablePointer<UInt64>
    public enum PTState {
        /// On the allocator's free list.
        public static let free: UInt64 = 0
        /// In a vCPU's cache, not linked.
        public static let allocated: UInt64 = 1
        /// Linked: a root in the list, or reachable from one.
        public static let linked: UInt64 = 2
        /// Unlinked (handle_removed_pt, the last put of a root), waiting for its grace period.
        public static let removed: UInt64 = 3
    }
    /// Per spte (global index): the thread that froze it + 1, 0 = none.
    public let frozenOwner: UnsafeMutablePointer<UInt64>
    /// Per gfn: the leaf updates under the read lock in flight between their
    /// atomic exchange and `handle_changed_spte`'s carry of D into the host
    /// page (dirty-bit: while one is in flight, D may be in nobody's hands
    /// but that thread's).
    public let dirtyCarries: UnsafeMutablePointer<UInt64>
    /// Page-table removals under the read lock in flight, from the atomic
    /// exchange that unlinks the table until `handle_removed_pt` has handled
    /// every spte under it (dirty-bit: meanwhile a D spte of any gfn may sit
    /// in a table no root reaches any more).
    public let removals: UnsafeMutablePointer<UInt64>
    /// The present 4 KiB leaves (`kvm->stat.pages[PG_LEVEL_4K]`), kept by
    /// `handle_changed_spte` with a locked add (`kvm_update_page_stats`).
    public let pages4K: UnsafeMutablePointer<UInt64>
    /// Per gfn: the invalidations in progress that cover it, from the
    /// section of `kvm_mmu_invalidate_begin` to that of `_end`
    /// (notifier-range). Plain words, written under the write lock.
    public let invalidating: UnsafeMutablePointer<UInt64>
    /// Per page: how many times it was freed (rcu-lifetime: a walker's table
    /// is the incarnation its link pointed to when the walker read it). A
    /// plain word, written by the free: a TDP table's under `pagesLock`, a
    /// shadow page's (`freeShadowPage`, which uses this array too) under
    /// the mmu-lock.
    public let incarnations: UnsafeMutablePointer<UInt64>

    static func allocate(pages: Int, vcpus: Int, frames: Int) -> TDPState {
        func words(_ n: Int) -> UnsafeMutablePointer<UInt64> {
            let p = UnsafeMutablePointer<UInt64>.allocate(capacity: max(1, n))
            p.initialize(repeating: 0, count: max(1, n))
            return p
        }
        return TDPState(roots: words(maxRoots), refs: words(pages), rootFlags: words(pages),
                        caches: words(vcpus * cacheSize), pendingFree: words(pages), pendingCount: words(1),
                        rangeStart: words(1), rangeEnd: words(1), dirtyLogMode: words(1), pagesLock: MMULock.allocate(),
                        ptState: words(pages), frozenOwner: words(pages * 512), dirtyCarries: words(frames), removals: words(1),
                        pages4K: words(1), invalidating: words(frames), incarnations: words(pages))
    }

    /// Every array with its length, as `allocate` made them.
    func arrays(pages: Int, vcpus: Int, frames: Int) -> [(UnsafeMutablePointer<UInt64>, Int)] {
        [(roots, TDPState.maxRoots), (refs, pages), (rootFlags, pages), (caches, vcpus * TDPState.cacheSize),
         (pendingFree, pages), (pendingCount, 1), (rangeStart, 1), (rangeEnd, 1), (dirtyLogMode, 1), (ptState, pages),
         (frozenOwner, pages * 512), (dirtyCarries, frames), (removals, 1), (pages4K, 1), (invalidating, frames),
         (incarnations, pages)]
            .map { ($0.0, max(1, $0.1)) }
    }

    /// Back to the state `allocate(pages:vcpus:frames:)` left (`VMStorage.reset`);
    /// `frozenOwner` (a word per spte) only for the first `usedPages` pages,
    /// the ones the allocator handed out (no other spte was ever frozen).
    func reset(pages: Int, vcpus: Int, frames: Int, usedPages: Int) {
        for (p, n) in arrays(pages: pages, vcpus: vcpus, frames: frames) {
            p.update(repeating: 0, count: p == frozenOwner ? min(n, usedPages * 512) : n)
        }
        pagesLock.reset()
    }

    func deallocate() {
        // Every array, from the one list of them (the lengths do not matter here).
        for (p, _) in arrays(pages: 0, vcpus: 0, frames: 0) { p.deallocate() }
        pagesLock.deallocate()
    }
}
