/// The TDP MMU (Linux 5.10 and later; docs/protocols.md, "The TDP MMU"):
/// page faults in parallel under the mmu-lock held for read, sptes changed
/// with cmpxchg and retried, FROZEN sptes while a zap flushes, page tables
/// unlinked by `handle_removed_pt` and freed after a grace period,
/// refcounted roots invalidated by `kvm_tdp_mmu_invalidate_all_roots` and
/// zapped by `kvm_tdp_mmu_zap_invalidated_roots`, yielding iterators that
/// restart from the root, ranged notifier invalidation with
/// `mmu_invalidate_retry_gfn`. The paths are `Paths/TDP*.swift`; the fast
/// page fault is the merged protocol's single cmpxchg on an MMU-writable spte.
///
/// Its mutants are bugs fixed upstream, each named after the fix and citing
/// the commit (docs/mutants.md).
public enum TDPMMUProtocol: ModelledProtocol {
    public static let name = ProtocolName.tdpMMU
    public static let summary = "the TDP MMU: rwlock mmu-lock, cmpxchg'd sptes, FROZEN, RCU-freed page tables, refcounted roots (4 KiB leaves)"
    /// spte.h: W needs MMU_WRITABLE, MMU_WRITABLE needs HOST_WRITABLE
    /// (the valid (HOST_WRITABLE, MMU_WRITABLE, W) states are 111, 110, 100, 000).
    public static let spteRules = SPTERules(writableNeedsMMUWritable: true, mmuWritableNeedsHostWritable: true)
    /// The TDP MMU serves two-dimensional paging only (shadow paging stays
    /// with the shadow MMU).
    public static let pagingModes: [PagingMode] = [.tdp]

    /// Notifier unmaps (the iterators yield every two gfns) and audits.
    static let unmapRace = MutantExposure(hotFrames: 16, writeRatio: 0.6,
                                          mmu: .only(invalidateRange: 4, invalidatePage: 2, audit: 1))
    /// Root invalidation, the zap of invalidated roots, and notifiers in between.
    static let rootRace = MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, invalidateRange: 2, audit: 1))

    public static let mutants: [MutantInfo] = [
        MutantInfo(name: .tdpZapNoFreeze,
                   summary: "a zap under the read lock writes the non-present value at once instead of FROZEN, so a fault may refill the spte before the flush",
                   expectedInvariants: [.frozenOwnership, .ptAccounting, .tlbCoherence], protocols: [.tdpMMU],
                   source: "upstream 08f07c800e9d (2021); tdp_mmu_zap_spte_atomic",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(dirtyLog: 4, zapAll: 2, audit: 1)),
                   apply: { $0.tdpZapFreezes = false }),
        MutantInfo(name: .tdpYieldDropsFlush,
                   summary: "an iterator that yields drops its pending TLB flush (the lock is released with a W removal unflushed)",
                   expectedInvariants: [.flushBeforeUnlock, .tlbCoherence], protocols: [.tdpMMU],
                   source: "upstream a835429cda91 (2021); tdp_mmu_iter_cond_resched",
                   exposure: unmapRace,
                   apply: { $0.tdpYieldFlushes = false }),
        MutantInfo(name: .tdpIgnoreFlushReturn,
                   summary: "notifier unmap's caller ignores the \"flush needed\" that tdp_mmu_zap_leafs returns",
                   expectedInvariants: [.flushBeforeUnlock, .tlbCoherence, .hostPage], protocols: [.tdpMMU],
                   source: "upstream 048f49809c52 (2021); kvm_tdp_mmu_unmap_gfn_range",
                   exposure: unmapRace,
                   apply: { $0.tdpUnmapFlushes = false }),
        MutantInfo(name: .tdpAdvanceAfterYield,
                   summary: "an iterator restarted from the root after a yield advances once more and skips an spte",
                   expectedInvariants: [.hostPage, .dirtyBit, .wpSafety, .ptAccounting], protocols: [.tdpMMU],
                   source: "upstream 3a0f64de479c (2021, CVE-2021-47094); tdp_iter_next after tdp_iter_restart",
                   exposure: unmapRace,
                   apply: { $0.tdpRestartDoesNotAdvance = false }),
        MutantInfo(name: .tdpFaultIntoInvalidRoot,
                   summary: "a page fault does not check whether its root was invalidated and installs into it",
                   expectedInvariants: [.rootLifetime, .ptAccounting], protocols: [.tdpMMU],
                   source: "upstream a955cad84cda (2021); is_page_fault_stale",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, audit: 1)),
                   apply: { $0.tdpFaultChecksRoot = false }),
        MutantInfo(name: .tdpUnmapSkipsInvalidRoots,
                   summary: "notifier unmap walks only valid roots, missing invalid roots that are still to be zapped",
                   expectedInvariants: [.hostPage, .dirtyBit], protocols: [.tdpMMU],
                   source: "upstream d62007edf01f (2021); kvm_tdp_mmu_unmap_gfn_range over all roots",
                   exposure: rootRace,
                   apply: { $0.tdpUnmapReachesInvalidRoots = false }),
        MutantInfo(name: .tdpWrprotSkipsMMUWritable,
                   summary: "write-protect skips sptes with W clear but MMU_WRITABLE set (the fast path makes them writable again)",
                   expectedInvariants: [.wpSafety], protocols: [.tdpMMU],
                   source: "upstream 7c8a4742c4ab (2022); write_protect_gfn",
                   exposure: MutantExposure(hotFrames: 16, writeRatio: 0.5,
                                            mmu: .only(writeProtect: 4, unprotect: 4, dirtyLog: 2, audit: 1), frames: 64),
                   apply: { $0.tdpWriteProtectMMUWritable = false }),
        MutantInfo(name: .tdpZapAllSkipsTop,
                   summary: "zapping a root skips its top-level sptes (the end bound of the second pass)",
                   expectedInvariants: [.rootLifetime, .ptAccounting], protocols: [.tdpMMU],
                   source: "upstream 524a1e4e381f (2022); tdp_mmu_zap_root",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, audit: 1)),
                   apply: { $0.tdpZapRootTopLevel = false }),
        MutantInfo(name: .tdpWriteOnceVolatile,
                   summary: "write-lock paths store a spte plainly (WRITE_ONCE) even when it has volatile bits, losing a D set by hardware",
                   expectedInvariants: [.dirtyBit, .dirtyLog], protocols: [.tdpMMU],
                   source: "upstream ba3a6120a4e7 (2022); kvm_tdp_mmu_write_spte, spte_needs_atomic_update",
                   exposure: MutantExposure(hotFrames: 2, writeRatio: 0.5, mmu: .only(dirtyLog: 2, invalidateRange: 4, invalidatePage: 2, audit: 1),
                                            perturbPoints: [.wpScan], perturbProbability: 0.5),
                   apply: { $0.tdpAtomicVolatileUpdate = false }),
        MutantInfo(name: .tdpDirtyEnableNoFlush,
                   summary: "enabling dirty logging write-protects the slot but does not flush, so stale writable TLB entries log nothing",
                   expectedInvariants: [.dirtyLog], protocols: [.tdpMMU],
                   source: "upstream b64d740ea7dd (2022); kvm_mmu_slot_apply_flags",
                   exposure: MutantExposure(hotFrames: 4, writeRatio: 0.8, mmu: .only(dirtyLog: 4), segmentOperations: 50_000),
                   apply: { $0.tdpDirtyEnableFlushes = false }),
        MutantInfo(name: .tdpReadonlyKeepsMMUWritable,
                   summary: "a read-only spte (host page not writable) keeps MMU_WRITABLE, so the fast path makes it writable",
                   expectedInvariants: [.spteIntegrity, .hostPage], protocols: [.tdpMMU],
                   source: "upstream f082d86ea685 (2022); make_spte",
                   exposure: MutantExposure(hotFrames: 16, writeRatio: 0.3, mmu: .only(invalidatePage: 4, audit: 2)),
                   apply: { $0.tdpReadOnlyDropsMMUWritable = false }),
        MutantInfo(name: .tdpWrongLockMode,
                   summary: "write-protect for write tracking (a write-lock-only path) runs under the read lock",
                   expectedInvariants: [.lockMode], protocols: [.tdpMMU],
                   source: "upstream 47b0c2e4c220 (2022); lockdep_assert_held_write",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(writeProtect: 4, unprotect: 4)),
                   apply: { $0.tdpWriteProtectTakesWriteLock = false }),
        MutantInfo(name: .tdpRootsDieWithVCPU,
                   summary: "the MMU holds no reference on a valid root, so the last vCPU's put tears it down",
                   expectedInvariants: [.rootLifetime, .ptAccounting, .dirtyBit, .atRest], protocols: [.tdpMMU],
                   source: "upstream edbdb43fc96b (2023); kvm_tdp_mmu_put_root",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 1, audit: 1)),
                   apply: { $0.tdpMMUHoldsRootReference = false }),
    ]
}
