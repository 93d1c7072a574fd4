import URCUShim

/// The memory model the simulated platform implements.
public enum SimMemoryModel: String, Sendable, CaseIterable {
    /// x86-TSO (Sewell et al., CACM 2010): a FIFO store buffer per thread,
    /// flushed when the scheduler says, drained by fences and locked
    /// instructions.
    case tso
    /// Sequential consistency: stores go straight to memory. For cross-checks
    /// (the litmus tests' SC outcomes) and for runs that do not need TSO.
    case sc
}

/// Runs N simulated threads, one at a time, under a `SimScheduler`: the
/// deterministic mode's engine.
///
/// Each thread body is a closure taking a `SimPlatform`, and runs on its own
/// coroutine (`mmut_coro`, a few nanoseconds a switch). Every platform
/// operation is a scheduling point: the executor asks the scheduler which
/// thread moves next (or which store buffer flushes) and switches only when
/// the answer is another thread. Decisions with a single enabled choice are
/// taken without asking. A thread's first operation belongs to the step that
/// started it (code before it is thread-local), so starting adds no
/// decisions.
///
/// Nothing but the scheduler's choices decides anything: memory is plain
/// memory, the step counter is the clock, and the only randomness offered to
/// the bodies is the scheduler's seeded data stream. So an execution is a
/// function of (bodies, initial memory, schedule), and `SimExecution`'s
/// schedule string replays it exactly.
///
/// Usage: create one executor per thread count and reuse it (its stacks are
/// mapped once); call `run` once per execution, re-initialising the memory
/// the bodies share (including `MMULock.owner` words) in between. One OS
/// thread only; `run` is not re-entrant.
///
/// Threads abandoned when an execution ends early (deadlock, step limit) are
/// never resumed and never unwound. Their bodies' captures are released all
/// the same (the executor calls bodies without retaining them), but objects
/// the abandoned frames themselves allocated (a local array, say) leak, so
/// an execution that ends early should be the exception (a bug found), not
/// the way a budget runs out. For the same reason a body must not hold an
/// exclusive access to a dynamically checked variable (a class property, a
/// global, a captured `var`) across a platform call: Swift's access
/// tracking is per OS thread, and an abandoned access would stay in it.
///
/// Under TSO a thread must read through the platform every word it stores
/// through the platform: a direct `.pointee` read does not see the thread's
/// own store buffer (a real CPU forwards; the simulation cannot intercept
/// plain memory accesses), and a direct write to a word with a buffered
/// store is overwritten when that store flushes. Lock, unlock and fences
/// drain the buffer, so words touched only under the mmu-lock may be
/// accessed directly as long as no platform store to them is pending.
public final class SimExecutor {
    /// How executions run.
    public struct Options: Sendable {
        /// An execution that reaches this many steps ends with `.stepLimit`.
        public var stepLimit: UInt64 = 10_000_000
        /// Usable bytes of each coroutine stack (a guard page lies below).
        public var stackSize: Int = 512 * 1024
        public var memoryModel: SimMemoryModel = .tso
        /// Entries per store buffer; a store into a full buffer first
        /// flushes the oldest (always a legal TSO behaviour). Rounded up to
        /// a power of two.
        public var storeBufferCapacity: Int = 64
        /// Keep every operation in `SimExecution.stepLog` (for timelines and
        /// tests; costs an array append per operation).
        public var recordSteps: Bool = false
        /// Event ring depth of the thread states the executor makes itself.
        public var traceDepth: Int = 64
        /// A full audit of every invariant at the end of every mmu-lock
        /// critical section (`Platform.auditsEveryCriticalSection`).
        public var auditEveryCriticalSection: Bool = false
        public init() {}
    }

    /// A thread body.
    public typealias Body = (SimPlatform) -> Void

    public let threadCount: Int
    public let options: Options
    /// Seed of the workload streams of the thread states the executor makes
    /// itself (when `run` is not given states): thread t's rng starts from
    /// `deriveSeed(stateSeed, .vcpuWorkload, t)` at every execution.
    public var stateSeed: UInt64 = 0

    // MARK: coroutines
    /// `threadCount + 1` contexts: the threads', then the executor's own.
    let coros: UnsafeMutablePointer<mmut_coro>
    let stacks: [UnsafeMutableRawPointer]
    var mainContext: UnsafeMutablePointer<mmut_coro> { coros + threadCount }

    // MARK: per-thread simulation state
    static let notStarted: UInt8 = 0, started: UInt8 = 1, finished: UInt8 = 2
    let status: UnsafeMutablePointer<UInt8>
    /// The mmu-lock (its owner word) a thread is about to take, nil if none.
    let pendingLock: UnsafeMutablePointer<UnsafeMutablePointer<UInt64>?>
    /// Per thread in synchronizeRCU: the readers it still waits for.
    let graceWait: UnsafeMutablePointer<UInt64>
    let rcuNesting: UnsafeMutablePointer<Int>
    let locksHeld: UnsafeMutablePointer<Int>
    /// Last operation (SimOp raw value + 1, 0 = none).
    let lastOp: UnsafeMutablePointer<UInt8>

    // MARK: store buffers: one ring of `sbCapacity` entries per thread
    struct BufferedStore {
        var address: UnsafeMutablePointer<UInt64>
        var value: UInt64
        /// The bytes the store writes (all ones for 64 bits, 0xFF << 56 for the top byte).
        var mask: UInt64
        /// Consecutive words from `address` that the entry writes: 1, or
        /// more for the checker's poison (`Platform.ghostFill`), whose mask
        /// is all ones.
        var words: Int32 = 1
        /// What reaching memory does to the word: a store of `value`'s
        /// bytes in `mask`, or a checker's record (`Platform.ghostAdd`,
        /// `ghostOr`) applied to what memory holds then.
        var update: Update = .store
        /// Whether the entry is the checker's (a ghost store or record;
        /// not the poison of a freed page, which stands for the allocator's
        /// writes) rather than the protocol's: a mutant that lets an
        /// operation overtake buffered entries is infected only by the
        /// protocol's (`SimExecutor.bufferedProtocolStores`).
        var ghost = false

        enum Update: UInt8 { case store, add, or }

        /// Whether the entry writes the word at `p`.
        @inline(__always)
        func covers(_ p: UnsafeMutablePointer<UInt64>) -> Bool {
            UInt(bitPattern: p) &- UInt(bitPattern: address) < UInt(bitPattern: Int(words) &* 8)
        }

        /// The word `old` once the entry has reached it.
        @inline(__always)
        func applied(to old: UInt64) -> UInt64 {
            switch update {
            case .store: return (old & ~mask) | value
            case .add: return old &+ value
            case .or: return old | value
            }
        }
    }
    let sbCapacity: Int
    let sbEntries: UnsafeMutablePointer<BufferedStore>
    let sbHead: UnsafeMutablePointer<Int>
    let sbCount: UnsafeMutablePointer<Int>
    /// A word for the ring's unused slots to point at.
    let scratch: UnsafeMutablePointer<UInt64>

    // MARK: masks (bit t = thread t)
    /// Threads that may perform their next operation.
    var runnable: UInt64 = 0
    /// Threads whose store buffer holds entries.
    var flushable: UInt64 = 0
    /// Threads blocked in synchronizeRCU.
    var graceWaiters: UInt64 = 0
    /// Threads about to take a lock (pendingLock != nil).
    var lockPending: UInt64 = 0
    /// Of those, the ones that want the lock for read.
    var sharedPending: UInt64 = 0

    // MARK: the execution in progress
    var running = false
    var current = -1
    var step: UInt64 = 0
    /// Coroutine switches this execution (a decision that keeps the same
    /// thread costs none).
    var switches: UInt64 = 0
    /// The next scheduling point of the thread just started is part of the
    /// step that started it.
    var skipFirst = false
    var outcome: SimOutcome = .completed
    var hash: UInt64 = 0
    /// The data seed of the execution in progress (its schedule's).
    var dataSeed: UInt64 = 0
    /// Its decisions so far: `SimExecution.schedule` once it ends.
    var decisions = DecisionLog()
    var stepLog: [SimStep] = []
    /// The bodies of the execution in progress, boxed so that a thread can
    /// call its body without retaining it (see `runBody`).
    var bodies: [BodyBox] = []
    var states: UnsafeMutablePointer<ThreadState>
    let ownStates: UnsafeMutablePointer<ThreadState>
    /// The scheduler of the execution in progress: held strongly here...
    var schedulerRef: SimScheduler
    /// ...and called through this, without reference counting.
    unowned(unsafe) var scheduler: SimScheduler
    /// The search's own strategies, when the scheduler is one of them:
    /// `ask` calls them directly (no existential, no reference counting),
    /// at nearly every step.
    var delayScheduler: Unmanaged<DelayScheduler>?
    var walkScheduler: Unmanaged<RandomWalkScheduler>?
    /// Mutation testing (docs/mutation.md): the sites reached and the
    /// mutant applied; nil (the usual case) costs one test per operation.
    var mutations: SimMutationState? { didSet { mutationsOn = mutations != nil } }
    /// `mutations != nil`, as a flag the operations test without touching
    /// a reference.
    private(set) var mutationsOn = false

    public init(threadCount: Int, options: Options = Options()) {
        precondition(threadCount >= 1 && threadCount <= 64, "the simulated platform runs 1...64 threads")
        precondition(options.stackSize >= 16 * 1024, "coroutine stacks need at least 16 KiB (Swift runs on them)")
        self.threadCount = threadCount
        self.options = options
        coros = .allocate(capacity: threadCount + 1)
        coros.initialize(repeating: mmut_coro(sp: nil), count: threadCount + 1)
        stacks = (0..<threadCount).map { _ in
            guard let s = mmut_coro_stack_alloc(options.stackSize) else {
                fatalError("mmutorture: cannot map a \(options.stackSize)-byte coroutine stack")
            }
            return s
        }
        status = .allocate(capacity: threadCount)
        status.initialize(repeating: SimExecutor.notStarted, count: threadCount)
        pendingLock = .allocate(capacity: threadCount)
        pendingLock.initialize(repeating: nil, count: threadCount)
        graceWait = .allocate(capacity: threadCount)
        graceWait.initialize(repeating: 0, count: threadCount)
        rcuNesting = .allocate(capacity: threadCount)
        rcuNesting.initialize(repeating: 0, count: threadCount)
        locksHeld = .allocate(capacity: threadCount)
        locksHeld.initialize(repeating: 0, count: threadCount)
        lastOp = .allocate(capacity: threadCount)
        lastOp.initialize(repeating: 0, count: threadCount)
        var cap = 1
        while cap < max(1, options.storeBufferCapacity) { cap <<= 1 }
        sbCapacity = cap
        scratch = .allocate(capacity: 1)
        scratch.initialize(to: 0)
        sbEntries = .allocate(capacity: threadCount * cap)
        sbEntries.initialize(repeating: BufferedStore(address: scratch, value: 0, mask: 0), count: threadCount * cap)
        sbHead = .allocate(capacity: threadCount)
        sbHead.initialize(repeating: 0, count: threadCount)
        sbCount = .allocate(capacity: threadCount)
        sbCount.initialize(repeating: 0, count: threadCount)
        ownStates = .allocate(capacity: threadCount)
        for t in 0..<threadCount {
            (ownStates + t).initialize(to: ThreadState(depth: options.traceDepth, seed: 0))
        }
        states = ownStates
        let idle = IdleScheduler()
        schedulerRef = idle
        scheduler = idle
    }

    deinit {
        for s in stacks { mmut_coro_stack_free(s, options.stackSize) }
        coros.deallocate()
        status.deallocate()
        pendingLock.deallocate()
        graceWait.deallocate()
        rcuNesting.deallocate()
        locksHeld.deallocate()
        lastOp.deallocate()
        sbEntries.deallocate()
        sbHead.deallocate()
        sbCount.deallocate()
        scratch.deallocate()
        decisions.deallocate()
        for t in 0..<threadCount { ownStates[t].ring.deallocate() }
        ownStates.deinitialize(count: threadCount)
        ownStates.deallocate()
    }

    /// A platform for thread `thread` to use outside any execution (an audit
    /// after `run` returned, say): its operations act on memory at once, with
    /// no scheduling, no store buffer and no RCU or lock bookkeeping.
    public func platform(thread: Int, state: UnsafeMutablePointer<ThreadState>? = nil) -> SimPlatform {
        precondition(thread >= 0 && thread < threadCount)
        return SimPlatform(executor: self, threadIndex: thread, state: state ?? (ownStates + thread))
    }

    // MARK: running executions

    /// Runs one execution of `bodies` (one per thread) under `scheduler`,
    /// until every thread finished and every store buffer drained, no thread
    /// can move (deadlock), or the step limit. Returns nil when the scheduler
    /// has nothing left to run (`beginExecution` returned false).
    ///
    /// `states`: the `ThreadState` of each thread (`threadCount` of them),
    /// which the platforms hand to the bodies; the caller (re)initialises
    /// them. nil: the executor's own, reset at every execution (counters
    /// zeroed, rings emptied, rng from `stateSeed`).
    public func run(scheduler: SimScheduler, states: UnsafeMutablePointer<ThreadState>? = nil,
                    _ bodies: [Body]) -> SimExecution? {
        precondition(bodies.count == threadCount, "run needs exactly one body per thread")
        precondition(!running, "SimExecutor.run is not re-entrant")
        guard scheduler.beginExecution(threadCount: threadCount) else { return nil }
        schedulerRef = scheduler
        self.scheduler = scheduler
        delayScheduler = (scheduler as? DelayScheduler).map(Unmanaged.passUnretained)
        walkScheduler = (scheduler as? RandomWalkScheduler).map(Unmanaged.passUnretained)
        self.bodies = bodies.map(BodyBox.init)
        if let states {
            self.states = states
        } else {
            resetOwnStates()
            self.states = ownStates
        }
        reset(dataSeed: scheduler.dataSeed)
        let start = monotonicNanoseconds()

        // The first decision, from the executor's own context: who starts.
        running = true
        step = 1
        let enabled = SimChoiceSet(runnable: runnable, flushable: 0)
        let first: SimChoice
        if threadCount == 1 {
            first = .run(0)
        } else {
            first = ask(SimDecision(enabled: enabled, current: -1, yielded: false, step: 1))
            precondition(enabled.contains(first), "the scheduler chose \(first), which is not enabled")
            decisions.append(first)
        }
        switchTo(first.thread, from: mainContext)
        // Back here: the execution is over (see `end`).

        let elapsed = monotonicNanoseconds() - start
        scheduler.endExecution(steps: step, outcome: outcome)
        let result = SimExecution(outcome: outcome, steps: step,
                                  schedule: decisions.schedule(threadCount: threadCount, dataSeed: dataSeed), traceHash: hash,
                                  threads: threadReports(), stepLog: stepLog, contextSwitches: switches,
                                  elapsedNanoseconds: elapsed)
        self.bodies = []
        let idle = IdleScheduler()
        schedulerRef = idle
        self.scheduler = idle
        delayScheduler = nil
        walkScheduler = nil
        current = -1
        return result
    }

    /// Runs executions until the scheduler is exhausted or `maxExecutions`
    /// ran, building fresh bodies for each (`makeBodies` also re-initialises
    /// the shared memory) and handing each result to `each`, which returns
    /// false to stop. Returns the number of executions run.
    @discardableResult
    public func explore(scheduler: SimScheduler, maxExecutions: Int = .max,
                        states: UnsafeMutablePointer<ThreadState>? = nil,
                        makeBodies: () -> [Body], _ each: (SimExecution) -> Bool) -> Int {
        var n = 0
        while n < maxExecutions {
            let bodies = makeBodies()
            guard let e = run(scheduler: scheduler, states: states, bodies) else { break }
            n += 1
            if !each(e) { break }
        }
        return n
    }

    func resetOwnStates() {
        for t in 0..<threadCount {
            let s = ownStates + t
            s.pointee.counters = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                                  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            s.pointee.retryHistogram = (0, 0, 0, 0, 0)
            s.pointee.ring.next = 0
            s.pointee.rng = Xoshiro256StarStar(seed: deriveSeed(stateSeed, .vcpuWorkload, t))
            s.pointee.perturbRNG = Xoshiro256StarStar(seed: deriveSeed(stateSeed, .perturbation, t))
            s.pointee.heartbeat = 0
            s.pointee.activity = 0
        }
    }

    func reset(dataSeed: UInt64) {
        let arg = Unmanaged.passUnretained(self).toOpaque()
        for t in 0..<threadCount {
            status[t] = SimExecutor.notStarted
            pendingLock[t] = nil
            graceWait[t] = 0
            rcuNesting[t] = 0
            locksHeld[t] = 0
            lastOp[t] = 0
            sbHead[t] = 0
            sbCount[t] = 0
            mmut_coro_init(coros + t, stacks[t], options.stackSize - SimExecutor.stackColour(t), simCoroutineEntry, arg)
        }
        runnable = threadCount == 64 ? ~0 : (UInt64(1) << UInt64(threadCount)) - 1
        flushable = 0
        graceWaiters = 0
        lockPending = 0
        sharedPending = 0
        current = -1
        step = 0
        switches = 0
        skipFirst = false
        outcome = .completed
        hash = 0x6A09_E667_F3BC_C909
        self.dataSeed = dataSeed
        decisions.removeAll()
        stepLog.removeAll(keepingCapacity: true)
        mutations?.reset()
    }

    /// How far below its stack's top thread `t` starts. Stacks are
    /// page-aligned mappings, so without an offset every coroutine's frames
    /// would sit at the same offset within a page: the same L1 sets, and a
    /// switch's register pops from the new stack at the 4 KiB offset of the
    /// pushes just made to the old one (false store-to-load dependences).
    /// 17 cache lines apart, so that successive threads differ both in the
    /// page offset and in the L1 set.
    @inline(__always)
    static func stackColour(_ t: Int) -> Int { (t & 15) * 17 * 64 }

    // MARK: scheduling

    @inline(__always)
    static func bit(_ t: Int) -> UInt64 { UInt64(1) &<< UInt64(t) }

    /// The scheduling point before thread `t`'s next operation: returns when
    /// `t` has been chosen to perform it. A thread that is not runnable
    /// (about to take a held lock) stays here until it is and is chosen.
    @inline(__always)
    func point(_ t: Int) {
        if _slowPath(skipFirst) {
            skipFirst = false
            if runnable & SimExecutor.bit(t) != 0 { return }
        }
        decide(t, yielding: false)
    }

    /// Takes decisions at thread `t`'s scheduling point until `t` itself is
    /// chosen (flushes are performed on the spot; another thread is switched
    /// to, and `t` resumes when someone chooses it). With `yielding`, `t` is
    /// left out while anything else can move.
    ///
    /// Out of line: one copy instead of one inlined into every operation
    /// (the operations' code is then small enough to stay in the
    /// instruction cache, and every switch returns into the same place).
    @inline(never)
    func decide(_ t: Int, yielding: Bool) {
        guard running else { return }
        while true {
            step &+= 1
            if _slowPath(step > options.stepLimit) { end(.stepLimit, from: t) }
            var enabled = SimChoiceSet(runnable: runnable, flushable: flushable)
            var yielded = false
            if yielding && enabled.runnable & SimExecutor.bit(t) != 0 {
                let others = enabled.removing(.run(t))
                if !others.isEmpty {
                    enabled = others
                    yielded = true
                }
            }
            let c: SimChoice
            if _fastPath(enabled.hasSeveral) {
                c = ask(SimDecision(enabled: enabled, current: t, yielded: yielded, step: step))
                precondition(enabled.contains(c), "the scheduler chose \(c), which is not enabled")
                decisions.append(c)
            } else if !enabled.isEmpty {
                c = enabled.first.unsafelyUnwrapped
            } else {
                step &-= 1   // no step was taken
                end(allFinished ? .completed : .deadlock, from: t)
            }
            if c.isFlush {
                flushOldest(c.thread)
                continue
            }
            if c.thread == t { return }
            switchTo(c.thread, from: coros + t)
            return
        }
    }

    /// The scheduler's choice at decision `d`.
    @inline(__always)
    func ask(_ d: SimDecision) -> SimChoice {
        if let s = delayScheduler { return s._withUnsafeGuaranteedRef { $0.next(d) } }
        if let s = walkScheduler { return s._withUnsafeGuaranteedRef { $0.next(d) } }
        return scheduler.next(d)
    }

    var allFinished: Bool {
        for t in 0..<threadCount where status[t] != SimExecutor.finished { return false }
        return true
    }

    /// Resumes (or starts) thread `u`; returns when the caller's context is
    /// resumed in turn.
    @inline(__always)
    func switchTo(_ u: Int, from: UnsafeMutablePointer<mmut_coro>) {
        current = u
        switches &+= 1
        if status[u] == SimExecutor.notStarted {
            status[u] = SimExecutor.started
            skipFirst = true
        }
        mmut_coro_switch(from, coros + u)
    }

    /// Ends the execution: back to `run`, never to return to `t`.
    func end(_ o: SimOutcome, from t: Int) -> Never {
        outcome = o
        running = false
        skipFirst = false
        mmut_coro_switch(coros + t, mainContext)
        fatalError("mmutorture: an ended simulated execution was resumed")
    }

    /// Thread `t`'s body returned.
    func threadFinished(_ t: Int) -> Never {
        skipFirst = false
        status[t] = SimExecutor.finished
        runnable &= ~SimExecutor.bit(t)
        note(.finish, t, nil, 0, 0)
        // Not runnable any more: decide switches away for good (or ends).
        decide(t, yielding: false)
        fatalError("mmutorture: a finished simulated thread was resumed")
    }

    /// The `SimChoiceSet` as it stands (tests, diagnostics).
    var enabledNow: SimChoiceSet { SimChoiceSet(runnable: runnable, flushable: flushable) }

    // MARK: the step hash and log

    @inline(__always)
    static func mix(_ h: UInt64, _ x: UInt64) -> UInt64 {
        var z = (h ^ x) &* 0x9E37_79B9_7F4A_7C15
        z ^= z >> 29
        return z
    }

    /// Records thread `t`'s operation into the hash and (optionally) the log.
    @inline(__always)
    func note(_ op: SimOp, _ t: Int, _ address: UnsafeMutablePointer<UInt64>?, _ read: UInt64, _ written: UInt64) {
        // The trace hash of recorded reports: replay compares with it, so
        // the formula stays what it was when they were recorded.
        var h = SimExecutor.mix(hash, step ^ (UInt64(op.rawValue) << 56) ^ (UInt64(t) << 48))
        h = SimExecutor.mix(h, read)
        hash = SimExecutor.mix(h, written)
        lastOp[t] = op.rawValue &+ 1
        if options.recordSteps {
            stepLog.append(SimStep(step: step, thread: t, op: op, address: UInt(bitPattern: address),
                                   read: read, written: written))
        }
    }

    // MARK: reports

    func threadReports() -> [SimThreadReport] {
        (0..<threadCount).map { t in
            let st: SimThreadStatus
            if status[t] == SimExecutor.finished {
                st = .finished
            } else if status[t] == SimExecutor.notStarted && runnable & SimExecutor.bit(t) != 0 {
                st = .notStarted
            } else if let l = pendingLock[t], runnable & SimExecutor.bit(t) == 0 || l.pointee != 0 {
                st = .blockedOnLock(heldBy: l.pointee == 0 ? nil : Int(l.pointee) - 1)
            } else if graceWait[t] != 0 {
                st = .waitingForGracePeriod(readers: (0..<threadCount).filter { graceWait[t] & SimExecutor.bit($0) != 0 })
            } else {
                st = .runnable
            }
            return SimThreadReport(thread: t, status: st, rcuNesting: rcuNesting[t], locksHeld: locksHeld[t],
                                   bufferedStores: sbCount[t],
                                   lastOperation: lastOp[t] == 0 ? nil : SimOp(rawValue: lastOp[t] - 1))
        }
    }

    // MARK: coroutine entry

    /// Runs the body of the thread being started (`current`). Out of line so
    /// that every reference it takes is released before the final switch.
    ///
    /// The body is called through an unretained reference to its box (the
    /// executor keeps the box alive): a thread abandoned mid-body (deadlock,
    /// step limit) then holds no reference to the body's captures, which
    /// are released with the box when the next execution starts.
    @inline(never)
    static func runBody(_ arg: UnsafeMutableRawPointer) {
        Unmanaged<SimExecutor>.fromOpaque(arg)._withUnsafeGuaranteedRef { e in
            let t = e.current
            let p = SimPlatform(executor: e, threadIndex: t, state: e.states + t)
            Unmanaged.passUnretained(e.bodies[t])._withUnsafeGuaranteedRef { $0.body(p) }
        }
    }

    @inline(never)
    static func finishBody(_ arg: UnsafeMutableRawPointer) -> Never {
        Unmanaged<SimExecutor>.fromOpaque(arg)._withUnsafeGuaranteedRef { $0.threadFinished($0.current) }
    }
}

/// Where every simulated thread starts: `arg` is its executor (unretained).
private let simCoroutineEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
    SimExecutor.runBody(arg.unsafelyUnwrapped)
    SimExecutor.finishBody(arg.unsafelyUnwrapped)
}
