import MMUTortureCore

/// Seeded perturbations at named points of the protocol code (config key
/// `perturb`): at an enabled point, with `probability`, one of `kinds` is done.
public struct PerturbConfig: Codable, Equatable, Hashable, Sendable {
    /// Chance of perturbing at each pass through an enabled point, 0 ... 1.
    /// Key `probability`, default 0.01; 0 turns perturbation off.
    public var probability: Double
    /// Longest delay or spin, at most 1s and less than the watchdog.
    /// Key `max_delay`, default 20us.
    public var maxDelay: DurationSpec
    /// Swarm testing: each run turns each listed point on or off by a seeded
    /// coin flip (stream `StreamPurpose.swarm`), so different runs stress
    /// different combinations. Key `swarm`, default true.
    public var swarm: Bool
    /// The points that may be perturbed. Key `points`, default all of them.
    public var points: [PerturbPointName]
    /// What a perturbation may do. Key `kinds`, default all of them.
    public var kinds: [PerturbKindName]

    /// A perturb section; every argument defaults to its documented default.
    public init(probability: Double = 0.01, maxDelay: DurationSpec = .microseconds(20), swarm: Bool = true,
                points: [PerturbPointName] = PerturbPointName.allCases,
                kinds: [PerturbKindName] = PerturbKindName.allCases) {
        self.probability = probability
        self.maxDelay = maxDelay
        self.swarm = swarm
        self.points = points
        self.kinds = kinds
    }

    /// The points a run with master seed `seed` perturbs: all of `points`
    /// without swarm; with swarm, each listed point by a seeded coin flip
    /// (at least one stays on), so a seed always names the same choice.
    /// Empty when `probability` is 0.
    public func activePoints(seed: UInt64) -> [PerturbPointName] {
        guard probability > 0, !points.isEmpty else { return [] }
        guard swarm else { return points }
        var generator = Xoshiro256StarStar(seed: deriveSeed(seed, .swarm))
        let chosen = points.filter { _ in generator.next() & 1 == 1 }
        return chosen.isEmpty ? [points[generator.below(points.count)]] : chosen
    }

    enum CodingKeys: String, CodingKey {
        case probability
        case maxDelay = "max_delay"
        case swarm, points, kinds
    }

    public init(from decoder: Decoder) throws {
        let d = PerturbConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        probability = try c.decodeIfPresent(Double.self, forKey: .probability) ?? d.probability
        maxDelay = try c.decodeIfPresent(DurationSpec.self, forKey: .maxDelay) ?? d.maxDelay
        swarm = try c.decodeIfPresent(Bool.self, forKey: .swarm) ?? d.swarm
        points = try c.decodeIfPresent([PerturbPointName].self, forKey: .points) ?? d.points
        kinds = try c.decodeIfPresent([PerturbKindName].self, forKey: .kinds) ?? d.kinds
    }
}
