/// What one run of a campaign (one scenario, one repeat) found: an entry of
/// a report's `scenarios` list and a JUnit testcase.
public struct ScenarioResult: Codable, Equatable, Sendable {
    /// The scenario's name.
    public var name: String
    /// The repeat index, 0-based (JSON `repeat`).
    public var repeatIndex: Int
    /// The seed this run used.
    public var seed: UInt64
    /// pass, fail or error.
    public var result: ReportResult
    /// Wall-clock seconds the run took (JSON `duration_s`).
    public var durationSeconds: Double
    /// Named operation counts.
    public var counters: [String: UInt64]
    /// The command line that reproduces this run.
    public var reproduce: String
    /// The violations found.
    public var violations: [ReportViolation]
    /// The harness error, when `result` is error.
    public var error: String?
    /// Whether the run was cut short by an interrupt.
    public var interrupted: Bool
    /// The run's position in the whole (unsharded) campaign, 0-based (JSON
    /// `index`, absent in reports of older versions).
    public var index: Int?
    /// The shard that ran it, in a shard's or a merged report (JSON `shard`).
    public var shard: Int?

    /// A result; see the properties.
    public init(name: String, repeatIndex: Int = 0, seed: UInt64, result: ReportResult, durationSeconds: Double,
                counters: [String: UInt64] = [:], reproduce: String = "", violations: [ReportViolation] = [],
                error: String? = nil, interrupted: Bool = false, index: Int? = nil, shard: Int? = nil) {
        self.name = name
        self.repeatIndex = repeatIndex
        self.seed = seed
        self.result = result
        self.durationSeconds = durationSeconds
        self.counters = counters
        self.reproduce = reproduce
        self.violations = violations
        self.error = error
        self.interrupted = interrupted
        self.index = index
        self.shard = shard
    }

    enum CodingKeys: String, CodingKey {
        case name
        case repeatIndex = "repeat"
        case seed, result
        case durationSeconds = "duration_s"
        case counters, reproduce, violations, error, interrupted, index, shard
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        repeatIndex = try c.decodeIfPresent(Int.self, forKey: .repeatIndex) ?? 0
        seed = try c.decode(UInt64.self, forKey: .seed)
        result = try c.decode(ReportResult.self, forKey: .result)
        durationSeconds = try c.decodeIfPresent(Double.self, forKey: .durationSeconds) ?? 0
        counters = try c.decodeIfPresent([String: UInt64].self, forKey: .counters) ?? [:]
        reproduce = try c.decodeIfPresent(String.self, forKey: .reproduce) ?? ""
        violations = try c.decodeIfPresent([ReportViolation].self, forKey: .violations) ?? []
        error = try c.decodeIfPresent(String.self, forKey: .error)
        interrupted = try c.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false
        index = try c.decodeIfPresent(Int.self, forKey: .index)
        shard = try c.decodeIfPresent(Int.self, forKey: .shard)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(repeatIndex, forKey: .repeatIndex)
        try c.encode(seed, forKey: .seed)
        try c.encode(result, forKey: .result)
        try c.encode(durationSeconds.isFinite ? durationSeconds : 0, forKey: .durationSeconds)
        try c.encode(counters, forKey: .counters)
        try c.encode(reproduce, forKey: .reproduce)
        try c.encode(violations, forKey: .violations)
        try c.encode(error, forKey: .error)
        try c.encode(interrupted, forKey: .interrupted)
        try c.encodeIfPresent(index, forKey: .index)
        try c.encodeIfPresent(shard, forKey: .shard)
    }
}
