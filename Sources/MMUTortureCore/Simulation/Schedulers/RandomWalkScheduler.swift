/// Seeded random walk: at every decision point, one of the enabled choices
/// uniformly at random (thread steps and store-buffer flushes alike), or,
/// with `flushProbability`, a flush with that probability (when both kinds
/// are enabled) and otherwise a thread step.
///
/// Store->load reordering bugs need a store to stay buffered while other
/// threads take several steps; a uniform walk flushes it within a few
/// steps. A small flush probability keeps stores buffered longer: on the
/// vcpu-id fast path without its barrier (mutant no-fastpath-mb), one vCPU
/// against write-protect of its gfn, 0.02 opened the race window about 18
/// times as often as the uniform walk.
///
/// Execution `i` (0-based) draws its choices from the stream
/// `deriveSeed(seed, .scheduler, 2i)` and its data from `2i + 1`, so the
/// same seed gives the same executions in the same order, and any one of
/// them can be re-created without running the ones before it
/// (`RandomWalkScheduler(seed:, startingAt:)`).
public final class RandomWalkScheduler: SimScheduler {
    public let seed: UInt64
    /// nil: uniform over all enabled choices. Otherwise the probability of
    /// choosing a flush when flushes and thread steps are both enabled.
    public let flushProbability: Double?
    /// Stop after this many executions (nil: never).
    public let maxExecutions: Int?
    /// The index of the current execution (-1 before the first).
    public private(set) var executionIndex: Int
    public private(set) var dataSeed: UInt64 = 0
    var rng = Xoshiro256StarStar(seed: 0)
    var data = Xoshiro256StarStar(seed: 0)
    let firstIndex: Int
    /// `flushProbability` as a `chance(threshold:)` threshold (no floating
    /// point per decision), and whether there is one.
    /// With `flushProbability`: decisions that could flush or run left
    /// until the next that flushes (a geometric draw per flush instead of a
    /// coin per decision).
    var untilFlush: UInt64 = .max
    let biased: Bool

    public init(seed: UInt64, startingAt first: Int = 0, maxExecutions: Int? = nil, flushProbability: Double? = nil) {
        self.seed = seed
        self.flushProbability = flushProbability.map { min(max($0, 0), 1) }
        biased = flushProbability != nil
        self.maxExecutions = maxExecutions
        firstIndex = first
        executionIndex = first - 1
    }

    public func beginExecution(threadCount: Int) -> Bool {
        if let m = maxExecutions, executionIndex + 1 - firstIndex >= m { return false }
        executionIndex += 1
        rng = Xoshiro256StarStar(seed: deriveSeed(seed, .scheduler, 2 * executionIndex))
        dataSeed = deriveSeed(seed, .scheduler, 2 * executionIndex + 1)
        data = Xoshiro256StarStar(seed: dataSeed)
        if biased { untilFlush = rng.trialsUntilSuccess(flushProbability ?? 0) }
        return true
    }

    @inline(__always)
    public func next(_ d: SimDecision) -> SimChoice { choose(from: d.enabled) }

    /// The walk's choice among `enabled` (at least two choices): all it
    /// looks at of a decision. `DelayScheduler` calls this, inlined, so that
    /// the whole decision is one function with the generator in registers.
    @inline(__always)
    final func choose(from enabled: SimChoiceSet) -> SimChoice {
        if biased && enabled.runnable != 0 && enabled.flushable != 0 {
            untilFlush &-= 1
            if _slowPath(untilFlush == 0) {
                untilFlush = rng.trialsUntilSuccess(flushProbability ?? 0)
                return .flush(SimChoiceSet.nthSetBit(enabled.flushable, rng.below(SimChoiceSet.bitCount(enabled.flushable))))
            }
            return .run(SimChoiceSet.nthSetBit(enabled.runnable, rng.below(SimChoiceSet.bitCount(enabled.runnable))))
        }
        return enabled.choice(at: rng.below(enabled.count))
    }

    public func nextRandom() -> UInt64 { data.next() }
}
