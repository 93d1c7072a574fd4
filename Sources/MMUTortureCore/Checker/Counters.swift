/// Named operation counters, kept per thread with plain increments and summed
/// at the end of a run (never shared while the threads run).
public enum Counter: Int, CaseIterable, Sendable {
    case accesses, reads, writes, tlbHits, tlbMisses
    case faults
    case fastFixed, fastSpurious, fastRetry, fastToSlow, fastFlagSeen, fastIneligible
    case slowFaults, slowInstalls, slowRefaults, emulatedWrites
    case writeProtects, unprotects, tlbFlushes, flushRequestsHandled, rootReloads
    case zaps, shadowPagesZapped, shadowPagesFreed
    case invalidations, hostPagesFreed
    case harvests, pagesLogged
    case audits
    case violations

    /// The name used in summaries and reports.
    public var name: String {
        switch self {
        case .accesses: return "accesses"
        case .reads: return "reads"
        case .writes: return "writes"
        case .tlbHits: return "tlb_hits"
        case .tlbMisses: return "tlb_misses"
        case .faults: return "faults"
        case .fastFixed: return "fast_fixed"
        case .fastSpurious: return "fast_spurious"
        case .fastRetry: return "fast_retry"
        case .fastToSlow: return "fast_to_slow"
        case .fastFlagSeen: return "fast_flag_seen"
        case .fastIneligible: return "fast_ineligible"
        case .slowFaults: return "slow_faults"
        case .slowInstalls: return "slow_installs"
        case .slowRefaults: return "slow_refaults"
        case .emulatedWrites: return "emulated_writes"
        case .writeProtects: return "write_protects"
        case .unprotects: return "unprotects"
        case .tlbFlushes: return "tlb_flushes"
        case .flushRequestsHandled: return "flush_requests_handled"
        case .rootReloads: return "root_reloads"
        case .zaps: return "zaps"
        case .shadowPagesZapped: return "shadow_pages_zapped"
        case .shadowPagesFreed: return "shadow_pages_freed"
        case .invalidations: return "invalidations"
        case .hostPagesFreed: return "host_pages_freed"
        case .harvests: return "harvests"
        case .pagesLogged: return "pages_logged"
        case .audits: return "audits"
        case .violations: return "violations"
        }
    }
}

/// Retries a fast-path fault needed before it ended (histogram buckets 0...4+).
public let retryHistogramBuckets = 5

/// Everything one thread owns: counters, its event ring, its random stream.
/// Allocated once per thread, padded from its neighbours, reached through a
/// pointer so the paths can update it without ARC or exclusivity checks.
public struct ThreadState {
    public var counters: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                          UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    public var retryHistogram: (UInt64, UInt64, UInt64, UInt64, UInt64)
    public var ring: EventRing
    public var rng: Xoshiro256StarStar
    /// A separate stream for perturbation, so that switching points on or
    /// off never shifts the workload's choices.
    public var perturbRNG: Xoshiro256StarStar
    /// Whether events are recorded (the checker's trace rings; `bench`
    /// switches them off to measure the checker's cost).
    public var tracing = true
    /// Progress heartbeat for the watchdog (bumped every loop iteration).
    public var heartbeat: UInt64
    /// What the thread is doing now, for the watchdog's report.
    public var activity: UInt64
    /// Native QSBR: read-side sections entered and not left, so that a
    /// thread that must wait for a lock inside one spins instead of going
    /// offline (offline would let a grace period end under its reads).
    public var rcuNesting: UInt64 = 0
    /// tdp-mmu, the checker's: page-table removals under the read lock this
    /// thread has in flight (`VM.tdpBeginRemoval`).
    public var tdpRemovals: UInt64 = 0
    /// tdp-mmu, the checker's (rcu-lifetime): the table this thread's last
    /// walk ended in (page + 1, 0 = none) and the incarnation it had when the
    /// walk read the link to it (`VM.tdpWalk`).
    public var tdpWalkTable: UInt64 = 0
    public var tdpWalkIncarnation: UInt64 = 0
    public var pad: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)

    public init(depth: Int, seed: UInt64, perturbSeed: UInt64 = 0) {
        perturbRNG = Xoshiro256StarStar(seed: perturbSeed)
        counters = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        retryHistogram = (0, 0, 0, 0, 0)
        ring = EventRing(depth: depth)
        rng = Xoshiro256StarStar(seed: seed)
        heartbeat = 0
        activity = 0
        pad = (0, 0, 0, 0, 0, 0)
    }

    @inline(__always)
    public mutating func count(_ c: Counter, _ n: UInt64 = 1) {
        withUnsafeMutableBytes(of: &counters) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            p[c.rawValue] &+= n
        }
    }

    public func value(_ c: Counter) -> UInt64 {
        withUnsafeBytes(of: counters) { $0.load(fromByteOffset: c.rawValue * 8, as: UInt64.self) }
    }

    @inline(__always)
    public mutating func recordRetries(_ n: Int) {
        withUnsafeMutableBytes(of: &retryHistogram) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt64.self)
            p[min(n, retryHistogramBuckets - 1)] &+= 1
        }
    }

    public func retries(_ bucket: Int) -> UInt64 {
        withUnsafeBytes(of: retryHistogram) { $0.load(fromByteOffset: bucket * 8, as: UInt64.self) }
    }
}
