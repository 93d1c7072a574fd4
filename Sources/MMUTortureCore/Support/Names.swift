/// Names that the config, the command line and the reports share.

/// The fast-path protocol under test (docs/protocols.md).
public enum ProtocolName: String, CaseIterable, Codable, Sendable {
    /// The RFC's vCPU-id identification protocol (seed 004): the default.
    case vcpuID = "vcpu-id"
    /// The protocol merged in Linux 3.6: HOST_WRITABLE | MMU_WRITABLE, one cmpxchg.
    case mmuWritable = "mmu-writable"
    /// The TDP MMU of Linux 5.10 and later (docs/protocols.md, "The TDP
    /// MMU"): a reader-writer mmu-lock, cmpxchg'd sptes, FROZEN sptes,
    /// RCU-freed page tables, refcounted roots. 4 KiB leaves only.
    case tdpMMU = "tdp-mmu"
}

/// How the threads are run.
public enum ModeName: String, CaseIterable, Codable, Sendable {
    /// Real threads, real liburcu, real atomics: finds races.
    case native
    /// One simulated thread at a time under a seeded scheduler: replays them exactly.
    case deterministic
}

/// The spte identification layout (docs/model.md, seed 004).
public enum IdentificationLayout: String, CaseIterable, Codable, Sendable {
    /// The whole top byte: ids 1...254 (255 reserved), so vCPUs 0...253 are fast.
    case vmx
    /// Bits 56-62 (bit 63 is NX): ids 1...127, so vCPUs 0...126 are fast.
    case softmmu

    /// The largest identification value (vCPU id + 1).
    public var maxID: Int { self == .vmx ? 254 : 127 }
    /// How many vCPUs can take the fast path; the others always go slow.
    public var fastVCPULimit: Int { maxID }
}

/// Guest paging mode (docs/protocols.md).
public enum PagingMode: String, CaseIterable, Codable, Sendable {
    /// Two-dimensional paging: every shadow page is direct.
    case tdp
    /// Shadow paging of a 64-bit guest: indirect leaf pages with gfns[].
    case shadow
    /// Shadow paging of a 32-bit guest: 4 MiB pages shadowed by two direct
    /// half-size pages, so the quadrant matters (seed 002).
    case shadow32
}

/// How the workload picks gfns.
public enum WorkloadPattern: String, CaseIterable, Codable, Sendable {
    case uniform
    /// Most accesses go to a small hot set of frames.
    case hotset
    /// Zipf-distributed over all frames.
    case zipf
}

/// The known-broken protocol variants of docs/mutants.md, by name ("none" is
/// the correct protocol).
public enum MutantName: String, CaseIterable, Codable, Sendable {
    case none
    case sharedID = "shared-id"
    case noFastpathMB = "no-fastpath-mb"
    case noWPMB = "no-wp-mb"
    case wpIgnoresID = "wp-ignores-id"
    case skipTLBFlush = "skip-tlb-flush"
    case freeWithoutGrace = "free-without-grace"
    case noNotifierRetry = "no-notifier-retry"
    case nonatomicSPTEUpdate = "nonatomic-spte-update"
    case ignoreQuadrant = "ignore-quadrant"
    case obsoleteInHash = "obsolete-in-hash"
    case mmuWritableKeep = "mmu-writable-keep"
    case flushAfterUnlock = "flush-after-unlock"
    case slowIgnoresHostWritable = "slow-ignores-host-writable"
    case idClobbersNX = "id-clobbers-nx"
    case zapKeepsRmap = "zap-keeps-rmap"
    case reloadKeepsRoot = "reload-keeps-root"
    case harvestCopyBeforeFlush = "harvest-copy-before-flush"
    case ackWithoutFlush = "ack-without-flush"
    case refaultLeaksPage = "refault-leaks-page"
    case emulateStalePFN = "emulate-stale-pfn"
    case invalidateEndUnbalanced = "invalidate-end-unbalanced"
    // The TDP MMU's history (docs/mutants.md), each named after its fix.
    case tdpZapNoFreeze = "tdp-zap-no-freeze"
    case tdpYieldDropsFlush = "tdp-yield-drops-flush"
    case tdpIgnoreFlushReturn = "tdp-ignore-flush-return"
    case tdpAdvanceAfterYield = "tdp-advance-after-yield"
    case tdpFaultIntoInvalidRoot = "tdp-fault-into-invalid-root"
    case tdpUnmapSkipsInvalidRoots = "tdp-unmap-skips-invalid-roots"
    case tdpWrprotSkipsMMUWritable = "tdp-wrprot-skips-mmu-writable"
    case tdpZapAllSkipsTop = "tdp-zap-all-skips-top"
    case tdpWriteOnceVolatile = "tdp-write-once-volatile"
    case tdpDirtyEnableNoFlush = "tdp-dirty-enable-no-flush"
    case tdpReadonlyKeepsMMUWritable = "tdp-readonly-keeps-mmu-writable"
    case tdpWrongLockMode = "tdp-wrong-lock-mode"
    case tdpRootsDieWithVCPU = "tdp-roots-die-with-vcpu"
}
