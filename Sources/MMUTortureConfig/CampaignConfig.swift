import MMUTortureCore

/// The fully resolved configuration of one scenario: every key of a config
/// file, defaulted where the file leaves it out.
///
/// Property names are the YAML keys in camel case (`write_ratio` is
/// `workload.writeRatio`); `Codable` uses the YAML keys themselves, so the
/// `config` object of a JSON report reads like the file. `ConfigLoader`
/// builds it from YAML, `resolvedYAML()` writes it back, and `validate()`
/// checks the ranges and the rules between keys.
public struct CampaignConfig: Codable, Equatable, Hashable, Sendable {
    /// The scenario's name, in reports and JUnit. Key `name`, default "default"
    /// (a loaded file without `name` is named after the file).
    public var name: String
    /// Fast-path protocol under test. Key `protocol`, default vcpu-id.
    public var `protocol`: ProtocolName
    /// Known-broken variant to run, or none. Key `mutant`, default none.
    public var mutant: MutantName
    /// native (real threads) or deterministic (seeded scheduler). Key `mode`, default native.
    public var mode: ModeName
    /// The master seed of every random choice. Key `seed`, default 1; the file
    /// may say `random`, then one is drawn from the system generator.
    public var seed: UInt64
    /// Whether `seed` was drawn at random (`seed: random`); reports say so.
    public var seedWasRandom: Bool
    /// Time budget; 0 = none (then `operations` must be set). Key `duration`, default 10s.
    public var duration: DurationSpec
    /// Operation budget (guest accesses over all vCPUs); 0 = none. A run
    /// stops at whichever budget is hit first. Key `operations`, default 0.
    public var operations: UInt64
    /// vCPU threads, 1 ... 512. Key `vcpus`, default 4.
    public var vcpus: Int
    /// Allow more vCPUs than the identification layout can name: those never
    /// take the fast path. Key `allow_slow_vcpus`, default false.
    public var allowSlowVCPUs: Bool
    /// The spte identification layout. Key `identification`, default vmx.
    public var identification: IdentificationLayout
    /// The liburcu flavour. Key `rcu`, default memb.
    public var rcu: RCUFlavorName
    /// Key `guest`.
    public var guest: GuestConfig
    /// Key `workload`.
    public var workload: WorkloadConfig
    /// Key `mmu`.
    public var mmu: MMUConfig
    /// Key `perturb`.
    public var perturb: PerturbConfig
    /// Times to run the scenario, 1 ... 10000; run i > 0 has seed
    /// `deriveSeed(seed, .repeatSeed, i)`. Key `repeat`, default 1.
    public var `repeat`: Int
    /// A thread that makes no progress for this long fails the run with
    /// exit 3. Key `watchdog`, default 10s.
    public var watchdog: DurationSpec
    /// Key `checker`.
    public var checker: CheckerConfig
    /// Recent events kept per thread for violation traces, 1 ... 65536.
    /// Key `trace_depth`, default 64.
    public var traceDepth: Int

    /// A config; every argument defaults to its documented default, so
    /// `CampaignConfig()` is the built-in default scenario.
    public init(
        name: String = "default",
        protocol: ProtocolName = .vcpuID,
        mutant: MutantName = .none,
        mode: ModeName = .native,
        seed: UInt64 = 1,
        seedWasRandom: Bool = false,
        duration: DurationSpec = .seconds(10),
        operations: UInt64 = 0,
        vcpus: Int = 4,
        allowSlowVCPUs: Bool = false,
        identification: IdentificationLayout = .vmx,
        rcu: RCUFlavorName = .memb,
        guest: GuestConfig = GuestConfig(),
        workload: WorkloadConfig = WorkloadConfig(),
        mmu: MMUConfig = MMUConfig(),
        perturb: PerturbConfig = PerturbConfig(),
        repeat: Int = 1,
        watchdog: DurationSpec = .seconds(10),
        checker: CheckerConfig = CheckerConfig(),
        traceDepth: Int = 64
    ) {
        self.name = name
        self.protocol = `protocol`
        self.mutant = mutant
        self.mode = mode
        self.seed = seed
        self.seedWasRandom = seedWasRandom
        self.duration = duration
        self.operations = operations
        self.vcpus = vcpus
        self.allowSlowVCPUs = allowSlowVCPUs
        self.identification = identification
        self.rcu = rcu
        self.guest = guest
        self.workload = workload
        self.mmu = mmu
        self.perturb = perturb
        self.repeat = `repeat`
        self.watchdog = watchdog
        self.checker = checker
        self.traceDepth = traceDepth
    }

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
        if mmu.totalWeight == 0 {
            result.append("mmu: every operation weight is 0: the mmu-lock thread(s) only idle")
        }
        if mutant == .ignoreQuadrant && guest.paging != .shadow32 {
            result.append("mutant: ignore-quadrant only matters for quadrant pages: "
                + "it can only be caught with guest.paging: shadow32")
        }
        return result
    }

    enum CodingKeys: String, CodingKey {
        case name
        case `protocol`
        case mutant, mode, seed
        case seedWasRandom = "seed_was_random"
        case duration, operations, vcpus
        case allowSlowVCPUs = "allow_slow_vcpus"
        case identification, rcu, guest, workload, mmu, perturb
        case `repeat`
        case watchdog, checker
        case traceDepth = "trace_depth"
    }

    /// Decodes leniently: a missing key takes its default, unknown keys are
    /// ignored (so an older report's config still replays). Call
    /// `validate()` on the result before running it.
    public init(from decoder: Decoder) throws {
        let d = CampaignConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? d.name
        self.protocol = try c.decodeIfPresent(ProtocolName.self, forKey: .protocol) ?? d.protocol
        mutant = try c.decodeIfPresent(MutantName.self, forKey: .mutant) ?? d.mutant
        mode = try c.decodeIfPresent(ModeName.self, forKey: .mode) ?? d.mode
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? d.seed
        seedWasRandom = try c.decodeIfPresent(Bool.self, forKey: .seedWasRandom) ?? d.seedWasRandom
        duration = try c.decodeIfPresent(DurationSpec.self, forKey: .duration) ?? d.duration
        operations = try c.decodeIfPresent(UInt64.self, forKey: .operations) ?? d.operations
        vcpus = try c.decodeIfPresent(Int.self, forKey: .vcpus) ?? d.vcpus
        allowSlowVCPUs = try c.decodeIfPresent(Bool.self, forKey: .allowSlowVCPUs) ?? d.allowSlowVCPUs
        identification = try c.decodeIfPresent(IdentificationLayout.self, forKey: .identification) ?? d.identification
        rcu = try c.decodeIfPresent(RCUFlavorName.self, forKey: .rcu) ?? d.rcu
        guest = try c.decodeIfPresent(GuestConfig.self, forKey: .guest) ?? d.guest
        workload = try c.decodeIfPresent(WorkloadConfig.self, forKey: .workload) ?? d.workload
        mmu = try c.decodeIfPresent(MMUConfig.self, forKey: .mmu) ?? d.mmu
        perturb = try c.decodeIfPresent(PerturbConfig.self, forKey: .perturb) ?? d.perturb
        self.repeat = try c.decodeIfPresent(Int.self, forKey: .repeat) ?? d.repeat
        watchdog = try c.decodeIfPresent(DurationSpec.self, forKey: .watchdog) ?? d.watchdog
        checker = try c.decodeIfPresent(CheckerConfig.self, forKey: .checker) ?? d.checker
        traceDepth = try c.decodeIfPresent(Int.self, forKey: .traceDepth) ?? d.traceDepth
    }
}
