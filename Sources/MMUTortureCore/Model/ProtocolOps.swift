/// A protocol variant: the correct protocols and every mutant are values of
/// this one table, chosen by name (as rcutorture chooses its `rcu_torture_ops`
/// by `torture_type=`). The paths consult one named behaviour at the one
/// place it concerns; the runner is blind to which variant it drives.
public struct ProtocolOps: Sendable {
    /// Which fast path runs: the RFC's vCPU-id protocol or the merged one.
    public var protocolName: ProtocolName
    /// vcpu-id: every vCPU uses its own identification. `shared-id` breaks it.
    public var uniqueIdentification = true
    /// vcpu-id: `smp_mb()` between the id store and the rmap flag load.
    public var fastPathBarrier = true
    /// write-protect: `smp_mb()` between setting the flag and scanning sptes.
    public var writeProtectBarrier = true
    /// write-protect also clears identified (read-only) sptes, not only W ones.
    public var writeProtectClearsID = true
    /// write-protect flushes remote TLBs when it cleared a W spte.
    public var writeProtectFlushes = true
    /// zap-obsolete frees shadow pages only after an RCU grace period.
    public var freeAfterGracePeriod = true
    /// the slow path re-checks mmu_notifier_seq/count under the mmu-lock.
    public var notifierRetryCheck = true
    /// a page fault that retries still drops its page reference
    /// (`kvm_release_pfn_clean` on every exit of the fault).
    public var refaultReleasesPage = true
    /// the slow path emulates a write to a write-tracked gfn only after the
    /// notifier retry check passed (never into a page an invalidation took).
    public var emulationChecksRetry = true
    /// every `invalidate_range_start` is paired with its `_end` (the count
    /// goes back down), whatever the start found to zap.
    public var invalidateEndAlwaysRuns = true
    /// mmu-lock updates of locklessly modifiable sptes are atomic exchanges.
    public var atomicSPTEUpdate = true
    /// direct pages add `quadrant << 9` when computing a gfn.
    public var quadrantAwareGFN = true
    /// zap-obsolete unlinks pages from the hash at once (hlist_del_init).
    public var obsoleteLeavesHash = true
    /// mmu-writable: write-protect of a shadowed gfn also clears MMU_WRITABLE.
    public var writeProtectClearsMMUWritable = true
    /// write-protect flushes remote TLBs before it releases the mmu-lock.
    public var flushAfterUnlock = false
    /// the slow path gives a spte HOST_WRITABLE only for a writable host page.
    public var slowPathChecksHostWritable = true
    /// vcpu-id: the identification is as wide as the layout says (softmmu:
    /// bits 56-62, NX kept), not the whole top byte.
    public var identificationWidthFollowsLayout = true
    /// zap-obsolete drops leaf sptes with `drop_spte` (rmap entry removed).
    public var zapRemovesRmap = true
    /// a vCPU handling an MMU reload request drops its root.
    public var reloadDropsRoot = true
    /// a vCPU honouring a TLB-flush request drops its TLB entries.
    public var flushRequestDropsTLB = true
    /// a dirty-log harvest copies the pages only after its flush.
    public var harvestCopiesAfterFlush = true
    // The TDP MMU's (docs/mutants.md, each the fix it undoes).
    /// a read-lock zap freezes the spte before it flushes (`tdp_mmu_zap_spte_atomic`).
    public var tdpZapFreezes = true
    /// an iterator that yields flushes what is pending first (`tdp_mmu_iter_cond_resched`).
    public var tdpYieldFlushes = true
    /// notifier unmap's caller honours "flush needed".
    public var tdpUnmapFlushes = true
    /// an iterator restarted after a yield does not advance.
    public var tdpRestartDoesNotAdvance = true
    /// a fault on an invalid root retries (`is_page_fault_stale`).
    public var tdpFaultChecksRoot = true
    /// notifier unmap walks invalid roots too.
    public var tdpUnmapReachesInvalidRoots = true
    /// write-protect clears MMU-writable sptes whose W is clear, and flushes.
    public var tdpWriteProtectMMUWritable = true
    /// zapping a root also zaps its top-level sptes (the second pass).
    public var tdpZapRootTopLevel = true
    /// write-lock updates of sptes with volatile bits are atomic exchanges.
    public var tdpAtomicVolatileUpdate = true
    /// enabling dirty logging flushes after write-protecting the slot.
    public var tdpDirtyEnableFlushes = true
    /// a read-only spte (no HOST_WRITABLE) is never MMU-writable.
    public var tdpReadOnlyDropsMMUWritable = true
    /// write-protect for write tracking runs under the write lock.
    public var tdpWriteProtectTakesWriteLock = true
    /// valid roots hold the MMU's reference until they are invalidated.
    public var tdpMMUHoldsRootReference = true
    /// Not a mutant: `bench` switches the fast path off to measure the locked
    /// path (every write fault takes the mmu-lock).
    public var fastPathEnabled = true

    public init(protocolName: ProtocolName) { self.protocolName = protocolName }

    public var isVCPUID: Bool { protocolName == .vcpuID }
}

/// Why a mutant exists, what it should break and where it comes from.
public struct MutantInfo: Sendable {
    public var name: MutantName
    public var summary: String
    /// Invariants of which at least one must fire.
    public var expectedInvariants: [Invariant]
    /// The protocols the mutant applies to; its exposure runs the first.
    public var protocols: [ProtocolName]
    public var protocolName: ProtocolName { protocols[0] }
    public var source: String
    /// The paging mode, workload and mmu-thread mix that expose it quickly.
    public var exposure: MutantExposure
    /// What the mutant changes, applied to the correct protocol's ops.
    public var apply: @Sendable (inout ProtocolOps) -> Void
}

/// The scenario that exposes a mutant: used by `run --mutant NAME` without a
/// config file, and by `mutants verify`.
public struct MutantExposure: Sendable {
    public var paging: PagingMode = .tdp
    public var hotFrames = 16
    public var writeRatio = 0.5
    public var mmu = MMUWeights.only(writeProtect: 4, unprotect: 4, dirtyLog: 2, audit: 1)
    /// Perturbation points switched on for every seed (no swarm choice), or
    /// nil to keep the config's. Empty: no perturbation at all, for races
    /// that need the tightest window (a delay would drain the store buffer).
    public var perturbPoints: [PerturbPoint]?
    public var perturbProbability = 0.05
    /// The identification layout, or nil to keep the config's.
    public var layout: IdentificationLayout?
    /// For a mutant only an end-of-run check can see (dirty-log): each run
    /// stops after this many guest accesses, and `mutants verify` runs such
    /// short segments, each with its own seed, until one catches it or the
    /// time budget is spent.
    public var segmentOperations: UInt64?
    /// vCPUs, or nil to keep the config's.
    public var vcpus: Int?
    /// Thread placement, or nil to keep the config's.
    public var placement: Placement?
    /// Guest frames, or nil to keep the config's.
    public var frames: Int?

    public init(paging: PagingMode = .tdp, hotFrames: Int = 16, writeRatio: Double = 0.5, mmu: MMUWeights? = nil,
                perturbPoints: [PerturbPoint]? = nil, perturbProbability: Double = 0.05, layout: IdentificationLayout? = nil,
                segmentOperations: UInt64? = nil, vcpus: Int? = nil, placement: Placement? = nil, frames: Int? = nil) {
        self.frames = frames
        self.vcpus = vcpus
        self.placement = placement
        self.layout = layout
        self.segmentOperations = segmentOperations
        self.paging = paging
        self.hotFrames = hotFrames
        self.writeRatio = writeRatio
        if let mmu { self.mmu = mmu }
        self.perturbPoints = perturbPoints
        self.perturbProbability = perturbProbability
    }

    /// Store-buffer races: no perturbation (a delay would drain the store
    /// buffer) and a hot set of four frames, so that the fast path and
    /// write-protect meet on the same spte within nanoseconds; one vCPU and
    /// the mmu-lock thread, each pinned to its own CPU, so that the two
    /// racing threads run at the same time (on 2 cores, four vCPUs left to
    /// the OS spend most of their time descheduled); a guest of 64 frames,
    /// so that the mmu thread's harvests (which scan and check every frame)
    /// do not crowd out its write-protects: over the default 4,096 frames
    /// it ran about 170,000 write-protects a second, over 64 about 1.4
    /// million, and the fast path fixed 7 times as many faults.
    public static let barrierRace = MutantExposure(hotFrames: 4, perturbPoints: [], vcpus: 1, placement: .roundRobin,
                                                   frames: 64)
    /// Interleaving races inside the fast path: widen its windows.
    public static let fastPathWindow = MutantExposure(hotFrames: 8, perturbPoints: [.afterSetID, .beforeFinalCmpxchg, .wpScan])

    /// Write-protect races: a small hot set, the mmu thread protecting and
    /// unprotecting it, dirty-log harvests so that the fast path has read-only
    /// sptes to fix, and nothing that makes every fault refault.
    public static let writeProtectRace = MutantExposure()
}

extension MMUWeights {
    /// Weights with only the named operations switched on.
    public static func only(writeProtect: Int = 0, unprotect: Int = 0, dirtyLog: Int = 0, zapAll: Int = 0,
                            invalidateRange: Int = 0, invalidatePage: Int = 0, audit: Int = 0) -> MMUWeights {
        var w = MMUWeights()
        w.writeProtect = writeProtect
        w.unprotect = unprotect
        w.dirtyLog = dirtyLog
        w.zapAll = zapAll
        w.invalidateRange = invalidateRange
        w.invalidatePage = invalidatePage
        w.audit = audit
        return w
    }
}

/// The table of variants: the correct protocols are `ops(protocol, .none)`.
public enum ProtocolVariants {
    /// Every mutant, each declared once, by the type of the first protocol
    /// it applies to (`Protocols/`); `MutantInfo.protocols` is the only
    /// record of where a mutant applies.
    /// In `MutantName`'s order.
    public static let mutants: [MutantInfo] = ModelledProtocols.all.flatMap { $0.mutants }.sorted {
        MutantName.allCases.firstIndex(of: $0.name)! < MutantName.allCases.firstIndex(of: $1.name)!
    }

    public static func info(_ name: MutantName) -> MutantInfo? { mutants.first { $0.name == name } }

    /// The ops for a protocol with an optional mutant applied.
    public static func ops(_ protocolName: ProtocolName, mutant: MutantName) -> ProtocolOps {
        var ops = ProtocolOps(protocolName: protocolName)
        if let m = info(mutant) { m.apply(&ops) }
        return ops
    }
}
