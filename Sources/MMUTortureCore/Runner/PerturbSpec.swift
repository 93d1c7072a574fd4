/// Seeded perturbations at named points of the protocol code (config
/// section `perturb`): at an enabled point, with `probability`, one of
/// `kinds` is done. The config file, the command line and the runners all
/// speak this one type.
public struct PerturbSpec: Hashable, Sendable {
    /// Chance of perturbing at each pass through an enabled point, 0 ... 1.
    /// Key `probability`, default 0.01; 0 turns perturbation off.
    public var probability = 0.01
    /// Longest delay or spin, at most 1s and less than the watchdog.
    /// Key `max_delay`, default 20us.
    public var maxDelay = DurationSpec.microseconds(20)
    /// Swarm testing: each run turns each listed point on or off by a seeded
    /// coin flip (stream `StreamPurpose.swarm`), so different runs stress
    /// different combinations (FoundationDB's BUGGIFY). Key `swarm`, default true.
    public var swarm = true
    /// The points that may be perturbed. Key `points`, default all of them.
    public var points: [PerturbPoint] = PerturbPoint.allCases
    /// What a perturbation may do. Key `kinds`, default all of them.
    public var kinds: [PerturbKind] = PerturbKind.allCases

    public init() {}

    /// The points a run with master seed `seed` perturbs: all of `points`
    /// without swarm; with swarm, each listed point by a seeded coin flip
    /// (at least one stays on), so a seed always names the same choice.
    /// Empty when `probability` is 0.
    public func activePoints(seed: UInt64) -> [PerturbPoint] {
        guard probability > 0, !points.isEmpty else { return [] }
        guard swarm else { return points }
        var rng = Xoshiro256StarStar(seed: deriveSeed(seed, .swarm))
        // The deterministic mode's points flip first and fall back first, so
        // that a native-only point (drawn after them) changes no seed's
        // choice among the others.
        let simulated = points.filter(\.simulated)
        var on = Set(simulated.filter { _ in rng.next() & 1 == 1 })
        if on.isEmpty && !simulated.isEmpty { on = [simulated[rng.below(simulated.count)]] }
        for point in points where !point.simulated && rng.next() & 1 == 1 { on.insert(point) }
        if on.isEmpty { on = [points[rng.below(points.count)]] }
        return points.filter { on.contains($0) }
    }

    /// `kinds` as the native platform's bit mask.
    public var kindMask: UInt64 { kinds.reduce(0) { $0 | $1.bit } }
}
