/// Everything one run (one scenario, one seed) needs, resolved.
public struct RunParameters: Sendable {
    public var vm = VMConfig()
    public var workload = WorkloadSpec()
    public var mmu = MMUWeights()
    public var rcu: RCUFlavorName = .memb
    public var mode: ModeName = .native
    public var seed: UInt64 = 1
    /// Wall-clock budget in nanoseconds (0 = none).
    public var durationNanoseconds: UInt64 = 10_000_000_000
    /// Guest accesses in total over all vCPUs (0 = none). A run stops at
    /// whichever budget runs out first.
    public var operations: UInt64 = 0
    public var perturbProbability: Double = 0.01
    public var perturbMaxDelayNanoseconds: UInt64 = 20_000
    /// Swarm testing: a seeded on/off choice per point for this run.
    public var perturbSwarm = true
    public var perturbPoints: [PerturbPoint] = PerturbPoint.allCases
    /// Bit 0 delay, bit 1 spin, bit 2 yield.
    public var perturbKinds: UInt64 = 0b111
    /// A thread without progress for this long is a stall (exit 3).
    public var watchdogNanoseconds: UInt64 = 10_000_000_000
    /// Main-thread audits under the mmu-lock, this often.
    public var auditIntervalNanoseconds: UInt64 = 100_000_000
    public var stopOnFirstViolation = true
    /// Test hook for the watchdog: vCPU 0 enters a read-side section and
    /// never leaves, so every grace period (and the thread) stalls.
    public var injectStall = false

    public init() {}

    /// The perturbation points active in this run: with swarm testing each
    /// configured point is switched on or off by the seed (FoundationDB's
    /// BUGGIFY); at least one stays on when any is configured.
    public func activePerturbPoints() -> [PerturbPoint] {
        guard perturbProbability > 0, !perturbPoints.isEmpty else { return [] }
        guard perturbSwarm else { return perturbPoints }
        var rng = Xoshiro256StarStar(seed: deriveSeed(seed, .swarm))
        var on = perturbPoints.filter { _ in rng.next() & 1 == 1 }
        if on.isEmpty { on = [perturbPoints[rng.below(perturbPoints.count)]] }
        return on
    }
}
