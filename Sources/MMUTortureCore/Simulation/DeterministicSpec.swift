/// The deterministic search as a config file describes it (section
/// `deterministic`), so a scenario file can hold a whole deterministic
/// campaign: `deterministic: { strategy: pct, depth: 3, executions: 20000 }`.
/// The command line's `--strategy`, `--executions`, ... override it.
/// `settings` turns it into the runner's `DeterministicSettings`.
public struct DeterministicSpec: Hashable, Sendable {
    /// The scheduling strategies (`docs/protocols.md`, "Deterministic mode").
    public enum StrategyName: String, CaseIterable, Sendable {
        /// Seeded random walk with delays at the perturbation points.
        case random
        /// Probabilistic concurrency testing.
        case pct
        /// Bounded exhaustive search.
        case dfs
    }

    /// Key `strategy`, default random.
    public var strategy: StrategyName = .random
    /// PCT's bug depth d (d - 1 priority change points per execution),
    /// 1 ... 64. Key `depth`, default 3.
    public var depth = 3
    /// DFS's preemption bound, 0 ... 16. Key `preemption_bound`, default 2.
    public var preemptionBound = 2
    /// Executions to run at most (the run's duration also bounds the
    /// search). Key `executions`, default 100000.
    public var executions = 100_000
    /// Guest accesses per vCPU per execution (rounded up to whole batches
    /// of 64). Key `accesses_per_vcpu`, default 64.
    public var accessesPerVCPU: UInt64 = 64
    /// Operations per mmu-lock thread per execution. Key `mmu_operations`, default 16.
    public var mmuOperations = 16
    /// Shrink a failing execution. Key `shrink`, default true.
    public var shrink = true

    public init() {}

    /// The runner's settings for this search.
    public var settings: DeterministicSettings {
        var s = DeterministicSettings()
        switch strategy {
        case .random: s.strategy = .defaultRandomWalk
        case .pct: s.strategy = .pct(depth: depth)
        case .dfs: s.strategy = .dfs(preemptionBound: preemptionBound)
        }
        s.executions = executions
        s.accessesPerVCPU = accessesPerVCPU
        s.mmuOperations = mmuOperations
        s.shrink = shrink
        return s
    }
}
