/// Probabilistic Concurrency Testing (Burckhardt, Kothari, Musuvathi,
/// Nagarakatte, "A Randomized Scheduler with Probabilistic Guarantees of
/// Finding Bugs", ASPLOS 2010).
///
/// Each execution gives every schedulable entity a distinct random priority
/// in `d ..< d + entities`, picks `d - 1` change points uniformly among the
/// first `k` steps, and always runs the highest-priority enabled entity; at
/// the i-th change point the entity that just ran drops to priority `d - i`
/// (below every initial one). A bug of depth `d` (`d` ordering constraints)
/// in a program of `n` threads and `k` steps is then hit with probability at
/// least 1 / (n k^(d-1)) per execution.
///
/// Under x86-TSO the entities are the `n` threads *and* their `n` store
/// buffers (a flush is the buffer "running"), as in the usual reduction of
/// TSO to SC with one extra thread per buffer: a low-priority buffer holds
/// its stores back until a fence or a locked instruction drains it, which
/// is exactly what store->load reordering bugs need. So the bound is stated
/// over 2n entities.
///
/// Two departures, both needed in practice and documented here:
/// - the executor does not consult the scheduler at forced steps (one
///   enabled choice), so a change point that falls on a forced step takes
///   effect at the next real decision;
/// - a thread that spins (`relax()`) drops below every priority handed out
///   so far: otherwise the highest-priority spinner would starve the thread
///   it waits for and no execution would finish (shuttle does the same).
///
/// `k` adapts: after each execution it becomes the longest execution seen
/// so far (in steps), starting from `estimatedSteps`.
public final class PCTScheduler: SimScheduler {
    public let seed: UInt64
    /// The bug depth `d` targeted (>= 1): `d - 1` change points.
    public let depth: Int
    /// The current estimate of `k`, the number of steps of an execution.
    public private(set) var estimatedSteps: UInt64
    public let maxExecutions: Int?
    public private(set) var executionIndex: Int = -1
    public private(set) var dataSeed: UInt64 = 0

    var rng = Xoshiro256StarStar(seed: 0)
    var data = Xoshiro256StarStar(seed: 0)
    /// Per entity: thread t is entity 2t, its store buffer 2t + 1 (the
    /// `SimChoice.raw` encoding).
    var priority: [Int] = []
    /// Change-point steps, ascending.
    var changePoints: [UInt64] = []
    var nextChange = 0
    /// The priority the next spinning thread drops to (decreasing).
    var nextLow = 0

    public init(seed: UInt64, depth: Int = 3, estimatedSteps: UInt64 = 1_000, maxExecutions: Int? = nil) {
        precondition(depth >= 1, "PCT depth must be at least 1")
        self.seed = seed
        self.depth = depth
        self.estimatedSteps = max(1, estimatedSteps)
        self.maxExecutions = maxExecutions
    }

    public func beginExecution(threadCount: Int) -> Bool {
        if let m = maxExecutions, executionIndex + 1 >= m { return false }
        executionIndex += 1
        rng = Xoshiro256StarStar(seed: deriveSeed(seed, .scheduler, 2 * executionIndex))
        dataSeed = deriveSeed(seed, .scheduler, 2 * executionIndex + 1)
        data = Xoshiro256StarStar(seed: dataSeed)
        // Random distinct priorities d ..< d + 2n (Fisher-Yates).
        let entities = 2 * threadCount
        priority = (0..<entities).map { depth + $0 }
        if entities > 1 {
            for i in stride(from: entities - 1, to: 0, by: -1) {
                priority.swapAt(i, rng.below(i + 1))
            }
        }
        // d - 1 change points in 1...k.
        changePoints = (0..<(depth - 1)).map { _ in 1 + UInt64(rng.below(Int(clamping: estimatedSteps))) }
        changePoints.sort()
        nextChange = 0
        nextLow = 0
        return true
    }

    public func next(_ d: SimDecision) -> SimChoice {
        if d.yielded && d.current >= 0 {
            priority[2 * d.current] = nextLow
            nextLow -= 1
        }
        var best = highest(d.enabled)
        // A change point at (or, when it fell on a forced step, before) this
        // step: the entity that would run drops below every initial priority,
        // and the next one runs instead: the preemption PCT places at random.
        if nextChange < changePoints.count && changePoints[nextChange] <= d.step {
            while nextChange < changePoints.count && changePoints[nextChange] <= d.step { nextChange += 1 }
            priority[best] = depth - nextChange
            best = highest(d.enabled)
        }
        return SimChoice(raw: best)
    }

    @inline(__always)
    func highest(_ enabled: SimChoiceSet) -> Int {
        var best = -1, bestPriority = Int.min
        for c in enabled where priority[c.raw] > bestPriority {
            best = c.raw
            bestPriority = priority[c.raw]
        }
        return best
    }

    public func nextRandom() -> UInt64 { data.next() }

    public func endExecution(steps: UInt64, outcome: SimOutcome) {
        estimatedSteps = max(estimatedSteps, steps)
    }
}
