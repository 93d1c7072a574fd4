/// Seeded delays for the deterministic mode: the simulated counterpart of
/// the native mode's perturbation on top of a base strategy.
///
/// - At a named perturbation point that is active in the run (the
///   scenario's `perturb.points`, swarm choice included), a thread is
///   *parked* with probability `pointProbability`: it is not chosen while
///   anything else can move, for a delay drawn log-uniformly from
///   1 ... `maxDelay` steps. Natively a delay there widens the window
///   between, say, the fast path's flag check and its final cmpxchg; here
///   the other threads take those steps instead.
/// - At any other step a running thread is parked with the (small)
///   probability `spontaneousProbability`: the simulated "the OS preempted
///   this thread for a while", which long windows without a perturbation
///   point need (a lockless walk preempted across a whole zap).
///
/// Choices among the threads that are not parked are left to the base
/// strategy; store-buffer flushes are never parked. The delays are drawn
/// from a stream derived from the seed and the execution index, so the
/// search is a function of the seed; and since every decision is recorded,
/// replay does not need this scheduler.
///
/// The scheduler learns that a thread is at a perturbation point from
/// `PerturbHook`, which `HookedPlatform.perturb` sets just before the
/// point's scheduling decision.
///
/// The base is always the random walk, held by its concrete type: the
/// executor calls `next` at nearly every step, and this way the whole
/// decision is direct calls.
final class DelayScheduler: SimScheduler {
    let base: RandomWalkScheduler
    let hook: PerturbHook
    /// `hook.slots`, read at every decision: one load fewer than through the hook.
    let slots: UnsafeMutablePointer<UInt64>
    let seed: UInt64
    /// Bit p: perturbation point p is active.
    let activePoints: UInt64
    let pointProbability: Double
    let spontaneousProbability: Double
    /// The two probabilities as `chance(threshold:)` thresholds.
    let pointThreshold: UInt64
    /// log2 of the longest delay.
    let maxDelayLog2: Int
    private(set) var executionIndex: Int
    var rng = Xoshiro256StarStar(seed: 0)
    /// Per thread (`DeterministicRunner.maxThreads` at most): the step its
    /// delay ends, and the hook slot value of the perturbation point last
    /// seen. Raw memory: written at decisions, where an array's uniqueness
    /// checks cost.
    let parkedUntil: UnsafeMutablePointer<UInt64>
    var parked: UInt64 = 0
    /// The earliest step at which a parked thread's delay ends: before it,
    /// no decision needs to look at the parked threads' ends.
    var nextWake: UInt64 = .max
    /// Eligible decisions left until the next spontaneous delay (a
    /// geometric draw: one random number per delay instead of one per
    /// decision).
    var untilSpontaneous: UInt64 = .max
    let seen: UnsafeMutablePointer<UInt64>
    /// Parkings so far in this execution (diagnostics).
    private(set) var parkings = 0

    init(base: RandomWalkScheduler, hook: PerturbHook, seed: UInt64, startingAt first: Int = 0, activePoints: [PerturbPoint],
         pointProbability: Double, spontaneousProbability: Double, maxDelay: Int) {
        self.base = base
        self.hook = hook
        slots = hook.slots
        self.seed = seed
        self.activePoints = activePoints.reduce(0) { $0 | (UInt64(1) << UInt64($1.rawValue)) }
        self.pointProbability = pointProbability
        self.spontaneousProbability = spontaneousProbability
        pointThreshold = Xoshiro256StarStar.chanceThreshold(pointProbability)
        parkedUntil = .allocate(capacity: DeterministicRunner.maxThreads)
        parkedUntil.initialize(repeating: 0, count: DeterministicRunner.maxThreads)
        seen = .allocate(capacity: DeterministicRunner.maxThreads)
        seen.initialize(repeating: 0, count: DeterministicRunner.maxThreads)
        var l = 0
        while (1 << l) < max(1, maxDelay) { l += 1 }
        maxDelayLog2 = l
        executionIndex = first - 1
    }

    deinit {
        parkedUntil.deallocate()
        seen.deallocate()
    }

    var dataSeed: UInt64 { base.dataSeed }
    func nextRandom() -> UInt64 { base.nextRandom() }

    func beginExecution(threadCount: Int) -> Bool {
        precondition(threadCount <= DeterministicRunner.maxThreads)
        guard base.beginExecution(threadCount: threadCount) else { return false }
        executionIndex += 1
        rng = Xoshiro256StarStar(seed: deriveSeed(seed, .perturbation, executionIndex))
        parkedUntil.update(repeating: 0, count: threadCount)
        seen.update(repeating: 0, count: threadCount)
        parked = 0
        nextWake = .max
        parkings = 0
        untilSpontaneous = rng.trialsUntilSuccess(spontaneousProbability)
        hook.reset()
        return true
    }

    func endExecution(steps: UInt64, outcome: SimOutcome) { base.endExecution(steps: steps, outcome: outcome) }

    @inline(__always)
    func delay() -> UInt64 {
        // Log-uniform in 1 ... 2^maxDelayLog2.
        let e = rng.below(maxDelayLog2 + 1)
        let lo = UInt64(1) << UInt64(max(0, e - 1))
        return lo + UInt64(rng.below(Int(lo)))
    }

    @inline(__always)
    func next(_ d: SimDecision) -> SimChoice {
        // The common decision (no perturbation point, nobody parked) stays
        // in this function, inlined into the executor's one `decide`; the
        // rare ones are calls.
        let t = d.current
        if t >= 0 && d.enabled.canRun(t) {
            let h = slots[t]
            if _slowPath(h & 0xFF != 0 && h != seen[t]) {
                atPerturbationPoint(t, h, d.step)
            } else {
                untilSpontaneous &-= 1
                if _slowPath(untilSpontaneous == 0) { spontaneousDelay(t, d.step) }
            }
        }
        var enabled = d.enabled
        if _slowPath(parked != 0) {
            // Threads whose delay is over move again.
            if nextWake <= d.step { wake(d.step) }
            let runnable = d.enabled.runnable & ~parked
            if runnable != 0 || d.enabled.flushable != 0 {
                enabled = SimChoiceSet(runnable: runnable, flushable: d.enabled.flushable)
                if !enabled.hasSeveral { return enabled.first.unsafelyUnwrapped }
            }
        }
        return base.choose(from: enabled)
    }

    /// Thread `t`'s first decision at the perturbation point of hook slot
    /// value `h`.
    @inline(never)
    func atPerturbationPoint(_ t: Int, _ h: UInt64, _ step: UInt64) {
        seen[t] = h
        let point = Int(h & 0xFF) - 1
        if activePoints & (UInt64(1) << UInt64(point)) != 0 && rng.chance(threshold: pointThreshold) {
            park(t, step)
        }
    }

    /// Unparks the threads whose delay ended by `step`.
    @inline(never)
    func spontaneousDelay(_ t: Int, _ step: UInt64) {
        park(t, step)
        untilSpontaneous = rng.trialsUntilSuccess(spontaneousProbability)
    }

    @inline(never)
    func wake(_ step: UInt64) {
        nextWake = .max
        var p = parked
        while p != 0 {
            let u = p.trailingZeroBitCount
            p &= p &- 1
            if parkedUntil[u] <= step {
                parked &= ~(UInt64(1) << UInt64(u))
            } else {
                nextWake = min(nextWake, parkedUntil[u])
            }
        }
    }

    @inline(never)
    func park(_ t: Int, _ step: UInt64) {
        parkedUntil[t] = step &+ delay()
        parked |= UInt64(1) << UInt64(t)
        nextWake = min(nextWake, parkedUntil[t])
        parkings += 1
    }
}
