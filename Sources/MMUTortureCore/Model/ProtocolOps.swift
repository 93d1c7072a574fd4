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

    public init(paging: PagingMode = .tdp, hotFrames: Int = 16, writeRatio: Double = 0.5, mmu: MMUWeights? = nil,
                perturbPoints: [PerturbPoint]? = nil, perturbProbability: Double = 0.05, layout: IdentificationLayout? = nil,
                segmentOperations: UInt64? = nil, vcpus: Int? = nil, placement: Placement? = nil) {
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
    /// the OS spend most of their time descheduled).
    public static let barrierRace = MutantExposure(hotFrames: 4, perturbPoints: [], vcpus: 1, placement: .roundRobin)
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
    public static let mutants: [MutantInfo] = [
        MutantInfo(name: .sharedID, summary: "every vCPU uses the same identification (seed 004's three-vCPU race)",
                   expectedInvariants: [.wpSafety], protocols: [.vcpuID], source: "seed 004",
                   exposure: .fastPathWindow,
                   apply: { $0.uniqueIdentification = false }),
        MutantInfo(name: .noFastpathMB, summary: "no barrier between setting the identification and reading the rmap flag",
                   expectedInvariants: [.wpSafety], protocols: [.vcpuID], source: "seed 004",
                   exposure: .barrierRace,
                   apply: { $0.fastPathBarrier = false }),
        MutantInfo(name: .noWPMB, summary: "no barrier between setting the rmap flag and scanning the sptes",
                   expectedInvariants: [.wpSafety], protocols: [.vcpuID], source: "seed 004",
                   exposure: .barrierRace,
                   apply: { $0.writeProtectBarrier = false }),
        MutantInfo(name: .wpIgnoresID, summary: "write-protect clears only W sptes, leaving identified ones alone",
                   expectedInvariants: [.wpSafety], protocols: [.vcpuID], source: "seed 004",
                   exposure: .fastPathWindow,
                   apply: { $0.writeProtectClearsID = false }),
        MutantInfo(name: .skipTLBFlush, summary: "write-protect does not flush remote TLBs",
                   expectedInvariants: [.flushBeforeUnlock, .wpSafety, .tlbCoherence], protocols: [.vcpuID], source: "seed 003",
                   exposure: .writeProtectRace,
                   apply: { $0.writeProtectFlushes = false }),
        MutantInfo(name: .freeWithoutGrace, summary: "zapped shadow pages are freed without waiting for a grace period",
                   expectedInvariants: [.rcuLifetime], protocols: [.vcpuID], source: "seed 000, seed 004",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(dirtyLog: 2, zapAll: 4, audit: 1)),
                   apply: { $0.freeAfterGracePeriod = false }),
        MutantInfo(name: .noNotifierRetry, summary: "the slow path installs the spte without the notifier retry check",
                   expectedInvariants: [.hostPage], protocols: [.vcpuID], source: "seed 001",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(invalidateRange: 4, invalidatePage: 2, audit: 1)),
                   apply: { $0.notifierRetryCheck = false }),
        MutantInfo(name: .nonatomicSPTEUpdate,
                   summary: "mmu-lock paths read then plainly store a spte whenever the pre-fix spte_has_volatile_bits said it was not volatile (A set and (W clear or D set))",
                   expectedInvariants: [.dirtyBit, .dirtyLog], protocols: [.mmuWritable], source: "seed 003",
                   exposure: MutantExposure(hotFrames: 8, writeRatio: 0.7, mmu: .only(dirtyLog: 8, invalidateRange: 2, invalidatePage: 2, audit: 1)),
                   apply: { $0.atomicSPTEUpdate = false }),
        MutantInfo(name: .ignoreQuadrant, summary: "the direct-page gfn computation ignores the quadrant",
                   expectedInvariants: [.gfnConsistency, .dirtyLog], protocols: [.vcpuID], source: "seed 002",
                   exposure: MutantExposure(paging: .shadow32, hotFrames: 1024, mmu: .only(dirtyLog: 1, audit: 4)),
                   apply: { $0.quadrantAwareGFN = false }),
        MutantInfo(name: .obsoleteInHash, summary: "zapped obsolete pages stay on the hash and lookups may return them",
                   expectedInvariants: [.obsolete], protocols: [.vcpuID], source: "seed 000",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, audit: 1)),
                   apply: { $0.obsoleteLeavesHash = false }),
        MutantInfo(name: .mmuWritableKeep, summary: "write-protect of a shadowed gfn keeps MMU_WRITABLE",
                   expectedInvariants: [.wpSafety], protocols: [.mmuWritable], source: "Linux 3.6 (seed 003's thread)",
                   exposure: .writeProtectRace,
                   apply: { $0.writeProtectClearsMMUWritable = false }),
        MutantInfo(name: .flushAfterUnlock, summary: "write-protect flushes remote TLBs only after it released the mmu-lock",
                   expectedInvariants: [.flushBeforeUnlock], protocols: [.vcpuID, .mmuWritable],
                   source: "mmu_spte_update's comment; spte.h (MMU-writable cleared under the lock, flushed before unlock)",
                   exposure: .writeProtectRace,
                   apply: { $0.flushAfterUnlock = true }),
        MutantInfo(name: .slowIgnoresHostWritable, summary: "the slow path sets HOST_WRITABLE without looking at the host page (maps a KSM/COW page writable)",
                   expectedInvariants: [.spteIntegrity, .hostPage], protocols: [.vcpuID, .mmuWritable],
                   source: "seed 001 (KSM pages); check_spte_writable_invariants",
                   exposure: MutantExposure(hotFrames: 16, writeRatio: 0.3, mmu: .only(invalidatePage: 4, audit: 2)),
                   apply: { $0.slowPathChecksHostWritable = false }),
        MutantInfo(name: .idClobbersNX, summary: "softmmu layout: the identification is stored as a whole top byte, clobbering NX (bit 63)",
                   expectedInvariants: [.spteIntegrity], protocols: [.vcpuID],
                   source: "seed 004 (127 ids on softmmu: bit 63 is NX)",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(writeProtect: 2, unprotect: 2, dirtyLog: 2, audit: 2),
                                            layout: .softmmu),
                   apply: { $0.identificationWidthFollowsLayout = false }),
        MutantInfo(name: .zapKeepsRmap, summary: "zap-obsolete clears leaf sptes without removing them from their rmaps (mmu_spte_clear_no_track for drop_spte)",
                   expectedInvariants: [.rmapConsistency], protocols: [.vcpuID, .mmuWritable],
                   source: "seed 000; mmu_audit.c inspect_spte_has_rmap",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, audit: 2)),
                   apply: { $0.zapRemovesRmap = false }),
        MutantInfo(name: .reloadKeepsRoot, summary: "a vCPU handles the MMU reload request by flushing its TLB but keeps its (obsolete) root",
                   expectedInvariants: [.obsolete], protocols: [.vcpuID, .mmuWritable],
                   source: "seed 000 (kvm_reload_remote_mmus, kvm_mmu_unload)",
                   exposure: MutantExposure(hotFrames: 16, mmu: .only(zapAll: 4, audit: 1)),
                   apply: { $0.reloadDropsRoot = false }),
        MutantInfo(name: .harvestCopyBeforeFlush, summary: "the dirty-log harvest copies the pages before its TLB flush",
                   expectedInvariants: [.dirtyLog], protocols: [.vcpuID, .mmuWritable],
                   source: "kvm_vm_ioctl_get_dirty_log (flush before the bitmap is returned)",
                   exposure: MutantExposure(hotFrames: 4, writeRatio: 0.8, mmu: .only(dirtyLog: 4), segmentOperations: 200_000),
                   apply: { $0.harvestCopiesAfterFlush = false }),
        MutantInfo(name: .ackWithoutFlush, summary: "a vCPU acknowledges a TLB-flush request without dropping its TLB entries",
                   expectedInvariants: [.tlbCoherence], protocols: [.vcpuID, .mmuWritable],
                   source: "kvm_make_all_cpus_request / KVM_REQ_TLB_FLUSH (kvm_vcpu_flush_tlb)",
                   exposure: MutantExposure(hotFrames: 4, writeRatio: 0.8, mmu: .only(dirtyLog: 4)),
                   apply: { $0.flushRequestDropsTLB = false }),
    ]

    public static func info(_ name: MutantName) -> MutantInfo? { mutants.first { $0.name == name } }

    /// The ops for a protocol with an optional mutant applied.
    public static func ops(_ protocolName: ProtocolName, mutant: MutantName) -> ProtocolOps {
        var ops = ProtocolOps(protocolName: protocolName)
        if let m = info(mutant) { m.apply(&ops) }
        return ops
    }
}
