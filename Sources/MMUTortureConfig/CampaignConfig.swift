import MMUTortureCore

/// The fully resolved configuration of one scenario: every key of a config
/// file, defaulted where the file leaves it out.
///
/// The sections are the core's own types (`GuestSpec`, `WorkloadSpec`,
/// `MMUSpec`, `PerturbSpec`, `CheckerSpec`), so a value read from a file
/// reaches the runner without being copied into a parallel type. Every key
/// is one row of `ConfigSchema.fields`: `ConfigLoader` reads it from YAML,
/// `resolvedYAML()` writes it back, `validate()` checks its range and the
/// JSON `Codable` form (the `config` object of a report) uses the YAML keys.
public struct CampaignConfig: Equatable, Hashable, Sendable {
    /// The scenario's name, in reports and JUnit. Key `name`, default "default"
    /// (a loaded file without `name` is named after the file).
    public var name: String = "default"
    /// Fast-path protocol under test. Key `protocol`, default vcpu-id.
    public var `protocol`: ProtocolName = .vcpuID
    /// Known-broken variant to run, or none. Key `mutant`, default none.
    public var mutant: MutantName = .none
    /// native (real threads) or deterministic (seeded scheduler). Key `mode`, default native.
    public var mode: ModeName = .native
    /// The master seed of every random choice. Key `seed`, default 1; the file
    /// may say `random`, then one is drawn from the system generator.
    public var seed: UInt64 = 1
    /// Whether `seed` was drawn at random (`seed: random`); reports say so.
    public var seedWasRandom: Bool = false
    /// Time budget; 0 = none (then `operations` must be set). Key `duration`, default 10s.
    public var duration: DurationSpec = .seconds(10)
    /// Operation budget (guest accesses over all vCPUs); 0 = none. A run
    /// stops at whichever budget is hit first. Key `operations`, default 0.
    public var operations: UInt64 = 0
    /// vCPU threads, 1 ... 512. Key `vcpus`, default 4.
    public var vcpus: Int = 4
    /// Allow more vCPUs than the identification layout can name: those never
    /// take the fast path. Key `allow_slow_vcpus`, default false.
    public var allowSlowVCPUs: Bool = false
    /// The spte identification layout. Key `identification`, default vmx.
    public var identification: IdentificationLayout = .vmx
    /// The liburcu flavour. Key `rcu`, default memb.
    public var rcu: RCUFlavorName = .memb
    /// Where the native threads run: `os`, or `round-robin` (each pinned to
    /// a CPU). Key `placement`, default os.
    public var placement: Placement = .os
    /// The guest's size and paging mode. Section `guest`.
    public var guest = GuestSpec()
    /// How the vCPUs pick the gfns they access. Section `workload`.
    public var workload = WorkloadSpec()
    /// The mmu-lock threads and their operation weights. Section `mmu`.
    public var mmu = MMUSpec()
    /// Seeded perturbations at named points. Section `perturb`.
    public var perturb = PerturbSpec()
    /// Times to run the scenario, 1 ... 10000; run i > 0 has seed
    /// `deriveSeed(seed, .repeatSeed, i)`. Key `repeat`, default 1.
    public var `repeat`: Int = 1
    /// A thread that makes no progress for this long fails the run with
    /// exit 3. Key `watchdog`, default 10s.
    public var watchdog: DurationSpec = .seconds(10)
    /// The checker's settings. Section `checker`.
    public var checker = CheckerSpec()
    /// The search of mode deterministic. Section `deterministic`.
    public var deterministic = DeterministicSpec()
    /// Recent events kept per thread for violation traces, 1 ... 65536.
    /// Key `trace_depth`, default 64.
    public var traceDepth: Int = 64

    /// The built-in default scenario; set the properties to change it.
    public init() {}

    /// The built-in default scenario (what `configs/default.yaml` spells out).
    public static let `default` = CampaignConfig()

    /// Warnings about a valid config: things that are allowed but probably
    /// not what was meant. Empty for the defaults.
    public var warnings: [String] {
        var result: [String] = []
        if vcpus > identification.fastVCPULimit {
            result.append("vcpus: \(vcpus) vCPUs exceed the \(identification.rawValue) identification layout's "
                + "limit of \(identification.fastVCPULimit): vCPUs \(identification.fastVCPULimit) and up "
                + "never take the fast path")
        }
        if mmu.weights.totalWeight == 0 {
            result.append("mmu: every operation weight is 0: the mmu-lock thread(s) only idle")
        }
        if mutant == .ignoreQuadrant && guest.paging != .shadow32 {
            result.append("mutant: ignore-quadrant only matters for quadrant pages: "
                + "it can only be caught with guest.paging: shadow32")
        }
        return result
    }
}
