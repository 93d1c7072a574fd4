/// Bounded exhaustive search: across successive executions, every schedule
/// with at most `preemptionBound` preemptions, each exactly once (depth-first
/// over the tree of decisions, as in CHESS, Musuvathi and Qadeer, PLDI 2007).
/// With no bound, every interleaving: what `mmutorture litmus` uses.
///
/// A *preemption* is a decision where the thread that ran last could have
/// continued and something else was chosen: another thread, or a flush of a
/// store buffer. Switching away from a thread that finished, blocked (on the
/// mmu-lock, in a grace period) or spins (`relax()`) is free, and so is any
/// choice at such a point. Store-buffer entries that are never flushed
/// early are flushed when the thread fences or takes a locked instruction,
/// or at a free point; so with bound 0 the search still covers every order
/// in which the threads' non-preemptive runs can follow one another, and
/// each extra unit of bound buys one context switch or one early flush.
///
/// For tiny configurations only (2-3 threads, a few dozen steps): the number
/// of schedules grows like steps^bound. When `isExhausted` becomes true,
/// "no bug found" is a statement about every schedule within the bound.
///
/// The program must be deterministic for the search to be sound: each
/// execution replays the previous one's decisions up to the point it
/// changes, and the scheduler checks that it sees the same enabled sets on
/// the way (`nondeterminismDetected`).
public final class BoundedDFSScheduler: SimScheduler {
    /// nil: unbounded (every interleaving).
    public let preemptionBound: Int?
    public let maxExecutions: Int?
    public let dataSeed: UInt64
    /// Executions begun so far.
    public private(set) var executions = 0
    /// True once every schedule within the bound has been run.
    public private(set) var isExhausted = false
    /// A replayed prefix met a different enabled set than recorded: the
    /// program is not deterministic and the search is not exhaustive.
    public private(set) var nondeterminismDetected = false

    struct Entry {
        var enabled: SimChoiceSet
        var current: Int
        /// Whether choices other than "current continues" are allowed here.
        var mayPreempt: Bool
        var index: Int

        var optionCount: Int {
            guard enabled.canRun(current) else { return enabled.count }
            return mayPreempt ? enabled.count : 1
        }

        /// The options in search order: "current continues" first (when it
        /// can), then the others in canonical order.
        func option(_ i: Int) -> SimChoice {
            guard enabled.canRun(current) else { return enabled.choice(at: i) }
            return i == 0 ? .run(current) : enabled.removing(.run(current)).choice(at: i - 1)
        }
    }

    var stack: [Entry] = []
    var cursor = 0
    var preemptions = 0
    var data = Xoshiro256StarStar(seed: 0)

    public init(preemptionBound: Int? = 2, maxExecutions: Int? = nil, dataSeed: UInt64 = 0) {
        precondition(preemptionBound.map { $0 >= 0 } ?? true, "the preemption bound cannot be negative")
        self.preemptionBound = preemptionBound
        self.maxExecutions = maxExecutions
        self.dataSeed = dataSeed
    }

    public func beginExecution(threadCount: Int) -> Bool {
        if isExhausted { return false }
        if let m = maxExecutions, executions >= m { return false }
        if executions > 0 {
            // Backtrack: the deepest decision with an untried option.
            while let last = stack.last, last.index + 1 >= last.optionCount { stack.removeLast() }
            if stack.isEmpty {
                isExhausted = true
                return false
            }
            stack[stack.count - 1].index += 1
        }
        executions += 1
        cursor = 0
        preemptions = 0
        data = Xoshiro256StarStar(seed: dataSeed)
        return true
    }

    public func next(_ d: SimDecision) -> SimChoice {
        if cursor < stack.count {
            let e = stack[cursor]
            if e.enabled == d.enabled && e.current == d.current {
                cursor += 1
                let c = e.option(e.index)
                if d.isPreemption(c) { preemptions += 1 }
                return c
            }
            // Not the program we recorded: forget the rest of the branch.
            nondeterminismDetected = true
            stack.removeSubrange(cursor...)
        }
        let mayPreempt = preemptionBound.map { preemptions < $0 } ?? true
        stack.append(Entry(enabled: d.enabled, current: d.current, mayPreempt: mayPreempt, index: 0))
        cursor += 1
        let c = stack[stack.count - 1].option(0)
        if d.isPreemption(c) { preemptions += 1 }
        return c
    }

    public func endExecution(steps: UInt64, outcome: SimOutcome) {
        // Decisions recorded past where this execution stopped (it cannot
        // happen with a deterministic program) would be explored blindly.
        if cursor < stack.count {
            nondeterminismDetected = true
            stack.removeSubrange(cursor...)
        }
    }

    public func nextRandom() -> UInt64 { data.next() }
}
