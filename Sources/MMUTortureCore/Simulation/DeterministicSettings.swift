/// How the deterministic mode searches: the strategy, the budgets
/// of the search and the size of each execution.
///
/// An *execution* is `vcpus` vCPU loops of `accessesPerVCPU` guest accesses
/// each plus the mmu-lock loop(s) of `mmuOperations` operations each, on a
/// fresh small VM, under one schedule. The search runs executions until one
/// violates an invariant, the `executions` budget or the wall-clock budget
/// (`RunParameters.durationNanoseconds`) runs out, or the strategy has
/// nothing left (bounded DFS).
public struct DeterministicSettings: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable, CustomStringConvertible {
        /// Seeded random walk; `flushProbability` is the chance of flushing
        /// a store buffer when a flush and a thread step are both possible
        /// (small: stores linger in the buffers, as the barrier races need).
        case randomWalk(flushProbability: Double)
        /// PCT with `depth - 1` priority change points per execution.
        case pct(depth: Int)
        /// Bounded exhaustive search: every schedule with at most
        /// `preemptionBound` preemptions (one workload, from the master seed).
        case dfs(preemptionBound: Int)

        public static let defaultRandomWalk = Strategy.randomWalk(flushProbability: 0.02)

        /// `random`, `pct`, `dfs` (the CLI's `--strategy`).
        public var name: String {
            switch self {
            case .randomWalk: return "random"
            case .pct: return "pct"
            case .dfs: return "dfs"
            }
        }

        public var description: String {
            switch self {
            case .randomWalk(let p): return "random walk (flush probability \(p))"
            case .pct(let d): return "PCT depth \(d)"
            case .dfs(let b): return "bounded DFS, preemption bound \(b)"
            }
        }
    }

    public var strategy: Strategy = .defaultRandomWalk
    /// Random walk: the chance of parking a thread at an active
    /// perturbation point (when the run perturbs at all), and at any other
    /// step; the longest delay, in steps. See `DelayScheduler`.
    public var pointDelayProbability = 0.5
    public var spontaneousDelayProbability = 0.0005
    public var maxDelay = 16_384
    /// Executions to run at most (the search's budget).
    public var executions: Int = 100_000
    /// Random walk: the index of the first execution (execution i of seed S
    /// is the same whether the search starts at 0 or at i: what a
    /// reproduce line uses).
    public var firstExecution = 0
    /// vCPU threads per execution; nil = `RunParameters.vm.vcpus`.
    public var vcpus: Int?
    /// Guest accesses per vCPU per execution. The vCPU loop works in whole
    /// guest batches of `VM.guestBatch` (64) accesses: this is rounded up.
    public var accessesPerVCPU: UInt64 = 64
    /// Operations per mmu-lock thread per execution (its loop ends by this
    /// budget, never by polling the vCPUs: that would starve under PCT).
    public var mmuOperations: Int = 16
    /// The VM has `max(minFrames, hot frames)` frames (at most the config's;
    /// see `DeterministicRunner.frames`).
    public var minFrames: Int = 16
    /// Software TLB entries per vCPU.
    public var tlbEntries: Int = 4
    public var memoryModel: SimMemoryModel = .tso
    /// An execution this long is a harness error (a livelock), not a finding.
    public var stepLimit: UInt64 = 5_000_000
    /// Shrink a failing execution (fewer vCPUs, smaller budgets, fewer
    /// preemptions and steps).
    public var shrink = true
    /// The shrinker's budget, in executions and in simulated steps (about
    /// five seconds' worth), whichever runs out first.
    public var shrinkExecutions = 20_000
    public var shrinkSteps: UInt64 = 80_000_000
    /// Executions searched for each smaller configuration while shrinking.
    public var shrinkSearchExecutions = 3_000
    /// The invariants a mutant is expected to violate: the shrinker keeps
    /// the first of the failing execution's violations that is one of them
    /// (else its first violation).
    public var expectedInvariants: [Invariant] = []
    /// A full audit of every invariant at the end of every mmu-lock critical
    /// section (read without scheduling points: the schedule is unchanged).
    public var auditEveryCriticalSection = true
    /// Run the vCPUs at the identification layout's limit: of `n` vCPUs,
    /// the first `n - 1` take the layout's top identifications (up to 254
    /// under vmx, 127 under softmmu) and the last one is the first vCPU past
    /// the limit (it never takes the fast path), as the vCPUs numbered
    /// `limit - n + 1 ... limit` of a VM that has that many.
    public var atIdentificationLimit = false
    /// Rows of the timeline drawn at most (the last ones, up to the violation).
    public var timelineRows = Timeline.defaultMaxRows
    /// Mutation testing (docs/mutation.md): the mutant every execution
    /// applies (nil: none), and whether the executions record the sites
    /// they reach (`DeterministicRunner.reachedSites`).
    public var mutation: SimMutation?
    public var recordSites = false

    public init() {}
}
