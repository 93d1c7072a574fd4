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
    /// Seeded perturbations at named points.
    public var perturb = PerturbSpec()
    /// A thread without progress for this long is a stall (exit 3).
    public var watchdogNanoseconds: UInt64 = 10_000_000_000
    /// The checker's settings (main-thread audits under the mmu-lock).
    public var checker = CheckerSpec()
    /// Where the threads run (natively).
    public var placement: Placement = .os
    public var stopOnFirstViolation = true
    /// Test hook for the watchdog: vCPU 0 enters a read-side section and
    /// never leaves, so every grace period (and the thread) stalls.
    public var injectStall = false

    public init() {}

    /// The perturbation points active in this run (`PerturbSpec.activePoints`).
    public func activePerturbPoints() -> [PerturbPoint] { perturb.activePoints(seed: seed) }
    /// The mmu-lock operations a native run does (`MMUWeights.swarmed`).
    public func activeMMUWeights() -> MMUWeights { mmu.swarmed(master: seed) }
}
