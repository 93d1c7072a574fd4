import Glibc

/// Seeded randomness. One master seed derives a stream per thread and per
/// purpose; every random choice of a run (workload, mmu-thread operations,
/// perturbation, scheduling) comes from these streams, never from time.
///
/// Generator: SplitMix64 (Steele, Lea, Flood 2014) expands seeds; each
/// stream is xoshiro256** (Blackman, Vigna 2018) seeded from SplitMix64.

/// SplitMix64: used to expand one seed into many well-mixed ones.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the per-stream generator (fast, 256-bit state).
public struct Xoshiro256StarStar: RandomNumberGenerator {
    public var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var sm = SplitMix64(seed: seed)
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if s0 | s1 | s2 | s3 == 0 { s0 = 1 }
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A value in 0..<bound (bound > 0), by Lemire's multiply-shift (tiny bias, no division).
    @inline(__always)
    public mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// True with probability p (0...1).
    @inline(__always)
    public mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * 0x1.0p-53 < p
    }

    /// `chance(p)` with `threshold = chanceThreshold(p)`: the same draw and
    /// the same answer, with no floating point (for per-step decisions).
    @inline(__always)
    public mutating func chance(threshold: UInt64) -> Bool {
        next() >> 11 < threshold
    }

    /// The integer form of probability `p` for `chance(threshold:)`.
    /// `chance(p)` compares the 53-bit integer x = next() >> 11, exactly
    /// converted and scaled, with p: x * 2^-53 < p, that is x < p * 2^53
    /// (an exact scaling), that is x < ceil(p * 2^53) since x is an integer.
    /// Bernoulli trials of probability `p` up to and including the first
    /// success (geometric, at least 1; `UInt64.max` for p = 0): one draw
    /// stands for every trial until the event.
    public mutating func trialsUntilSuccess(_ p: Double) -> UInt64 {
        guard p > 0 else { return .max }
        guard p < 1 else { return 1 }
        // U in (0, 1]: 53 random bits.
        let u = Double((next() >> 11) &+ 1) * 0x1p-53
        let k = (log(u) / log1p(-p)).rounded(.down)
        return k >= 1.8e19 ? .max : UInt64(k) + 1
    }

    public static func chanceThreshold(_ p: Double) -> UInt64 {
        guard p > 0 else { return 0 }   // also NaN: never
        return UInt64((min(p, 1) * 0x1.0p53).rounded(.up))
    }
}

/// Purposes of derived streams, so that adding a stream never shifts another.
public enum StreamPurpose: UInt64, Sendable {
    case vcpuWorkload = 1
    case mmuOperations = 2
    case perturbation = 3
    case swarm = 4
    case scheduler = 5
    case repeatSeed = 6
    case host = 7
}

/// Derives the seed of stream (`purpose`, `index`) from a master seed.
public func deriveSeed(_ master: UInt64, _ purpose: StreamPurpose, _ index: Int = 0) -> UInt64 {
    var sm = SplitMix64(seed: master ^ (purpose.rawValue &* 0xD6E8_FEB8_6659_FD93))
    _ = sm.next()
    var x = sm.next() ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
    var sm2 = SplitMix64(seed: x)
    x = sm2.next()
    return x
}
