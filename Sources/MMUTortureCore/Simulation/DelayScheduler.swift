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
final class DelayScheduler: SimScheduler {
    let base: SimScheduler
    let hook: PerturbHook
    let seed: UInt64
    /// Bit p: perturbation point p is active.
    let activePoints: UInt64
    let pointProbability: Double
    let spontaneousProbability: Double
    /// log2 of the longest delay.
    let maxDelayLog2: Int
    private(set) var executionIndex: Int
    var rng = Xoshiro256StarStar(seed: 0)
    var parkedUntil: [UInt64] = []
    var parked: UInt64 = 0
    var seen: [UInt64] = []
    /// Parkings so far in this execution (diagnostics).
    private(set) var parkings = 0

    init(base: SimScheduler, hook: PerturbHook, seed: UInt64, startingAt first: Int = 0, activePoints: [PerturbPoint],
         pointProbability: Double, spontaneousProbability: Double, maxDelay: Int) {
        self.base = base
        self.hook = hook
        self.seed = seed
        self.activePoints = activePoints.reduce(0) { $0 | (UInt64(1) << UInt64($1.rawValue)) }
        self.pointProbability = pointProbability
        self.spontaneousProbability = spontaneousProbability
        var l = 0
        while (1 << l) < max(1, maxDelay) { l += 1 }
        maxDelayLog2 = l
        executionIndex = first - 1
    }

    var dataSeed: UInt64 { base.dataSeed }
    func nextRandom() -> UInt64 { base.nextRandom() }

    func beginExecution(threadCount: Int) -> Bool {
        guard base.beginExecution(threadCount: threadCount) else { return false }
        executionIndex += 1
        rng = Xoshiro256StarStar(seed: deriveSeed(seed, .perturbation, executionIndex))
        parkedUntil = [UInt64](repeating: 0, count: threadCount)
        seen = [UInt64](repeating: 0, count: threadCount)
        parked = 0
        parkings = 0
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

    func next(_ d: SimDecision) -> SimChoice {
        let t = d.current
        if t >= 0 && d.enabled.canRun(t) {
            let h = hook.slots[t]
            if h & 0xFF != 0 && h != seen[t] {
                // Thread t is at a perturbation point (first decision there).
                seen[t] = h
                let point = Int(h & 0xFF) - 1
                if activePoints & (UInt64(1) << UInt64(point)) != 0 && rng.chance(pointProbability) {
                    park(t, d.step)
                }
            } else if spontaneousProbability > 0 && rng.chance(spontaneousProbability) {
                park(t, d.step)
            }
        }
        if parked != 0 {
            // Threads whose delay is over move again.
            var p = parked
            while p != 0 {
                let u = p.trailingZeroBitCount
                p &= p &- 1
                if parkedUntil[u] <= d.step { parked &= ~(UInt64(1) << UInt64(u)) }
            }
            let runnable = d.enabled.runnable & ~parked
            if runnable != 0 || d.enabled.flushable != 0 {
                let narrowed = SimChoiceSet(runnable: runnable, flushable: d.enabled.flushable)
                if narrowed.count == 1 { return narrowed.first! }
                if narrowed != d.enabled {
                    return base.next(SimDecision(enabled: narrowed, current: d.current, yielded: d.yielded, step: d.step))
                }
            }
        }
        return base.next(d)
    }

    @inline(__always)
    func park(_ t: Int, _ step: UInt64) {
        parkedUntil[t] = step &+ delay()
        parked |= UInt64(1) << UInt64(t)
        parkings += 1
    }
}

/// What the simulated threads tell the deterministic mode's schedulers,
/// one word each per thread:
/// - `slots`: `(pass << 8) | (point + 1)` while the thread is at a
///   perturbation point (`DelayScheduler`), the point bits 0 otherwise;
/// - `ops`: the thread's progress, for the shrinker's `SegmentScheduler`
///   ("thread t runs until it has made this much progress"), ordered as a
///   number: `(operations other than loads and relax) << 40 |
///   (spin iterations since) << 20 | (loads since)`. A thread that spins
///   for a shorter time than when the segment was recorded (the thread it
///   waited for was removed) reaches the target at its next real
///   operation, so the later segments stay aligned;
/// - `done`: 1 once the thread's body has returned from its loop.
final class PerturbHook {
    let slots: UnsafeMutablePointer<UInt64>
    let ops: UnsafeMutablePointer<UInt64>
    let done: UnsafeMutablePointer<UInt64>
    let count: Int

    init(threads: Int) {
        count = threads
        slots = .allocate(capacity: threads)
        slots.initialize(repeating: 0, count: threads)
        ops = .allocate(capacity: threads)
        ops.initialize(repeating: 0, count: threads)
        done = .allocate(capacity: threads)
        done.initialize(repeating: 0, count: threads)
    }

    deinit {
        slots.deallocate()
        ops.deallocate()
        done.deallocate()
    }

    func reset() {
        for t in 0..<count {
            slots[t] = 0
            ops[t] = 0
            done[t] = 0
        }
    }
}

/// `SimPlatform` with the perturbation points reported to a `PerturbHook`;
/// every other operation is `SimPlatform`'s own. The protocol paths and
/// the thread bodies run on it unchanged (they are generic over `Platform`).
struct HookedPlatform: Platform {
    let base: SimPlatform
    let slot: UnsafeMutablePointer<UInt64>
    let ops: UnsafeMutablePointer<UInt64>

    init(_ base: SimPlatform, hook: PerturbHook) {
        self.base = base
        slot = hook.slots + base.threadIndex
        ops = hook.ops + base.threadIndex
    }

    @inline(__always) var threadIndex: Int { base.threadIndex }
    @inline(__always) var state: UnsafeMutablePointer<ThreadState> { base.state }
    static let fieldMask: UInt64 = (1 << 20) - 1
    /// An operation other than a load or relax completed.
    @inline(__always) func done() { ops.pointee = ((ops.pointee >> 40) &+ 1) << 40 }

    @inline(__always) func load(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let v = base.load(p)
        if ops.pointee & HookedPlatform.fieldMask != HookedPlatform.fieldMask { ops.pointee &+= 1 }
        return v
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64) { base.store(p, value); done() }
    @inline(__always) func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8) { base.storeTopByte(p, byte); done() }
    @inline(__always)
    func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64) -> (exchanged: Bool, original: UInt64) {
        let r = base.compareExchange(p, expected: expected, desired: desired)
        done()
        return r
    }
    @inline(__always) func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64) -> UInt64 {
        let v = base.exchange(p, value); done(); return v
    }
    @inline(__always) func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) -> UInt64 {
        let v = base.fetchOr(p, mask); done(); return v
    }
    @inline(__always) func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) -> UInt64 {
        let v = base.fetchAnd(p, mask); done(); return v
    }
    @inline(__always) func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64) -> UInt64 {
        let v = base.fetchAdd(p, delta); done(); return v
    }
    @inline(__always) func fullBarrier() { base.fullBarrier(); done() }
    @inline(__always) func rcuReadLock() { base.rcuReadLock(); done() }
    @inline(__always) func rcuReadUnlock() { base.rcuReadUnlock(); done() }
    func synchronizeRCU() { base.synchronizeRCU(); done() }
    @inline(__always) func quiescentState() { base.quiescentState() }
    func lock(_ lock: MMULock) { base.lock(lock); done() }
    func unlock(_ lock: MMULock) { base.unlock(lock); done() }
    func lockShared(_ lock: MMULock) { base.lockShared(lock); done() }
    func unlockShared(_ lock: MMULock) { base.unlockShared(lock); done() }
    /// A spin iteration.
    @inline(__always) func relax() {
        base.relax()
        let spins = (ops.pointee >> 20) & HookedPlatform.fieldMask
        ops.pointee = (ops.pointee >> 40) << 40 | (min(spins &+ 1, HookedPlatform.fieldMask) << 20)
    }
    @inline(__always) func timestamp() -> UInt64 { base.timestamp() }
    @inline(__always) var auditsEveryCriticalSection: Bool { base.auditsEveryCriticalSection }

    @inline(__always)
    func perturb(_ point: PerturbPoint) {
        slot.pointee = ((slot.pointee >> 8) &+ 1) << 8 | UInt64(point.rawValue + 1)
        base.perturb(point)
        slot.pointee &= ~0xFF
        done()
    }
}
