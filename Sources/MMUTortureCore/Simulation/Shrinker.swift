/// Shrinks a failing deterministic execution while it still fails with the
/// same invariant, within a budget of executions.
///
/// The shrinker works on the execution's *segments*: "thread t runs until
/// it has completed its n-th operation", "the store buffer of thread u
/// flushes k entries", in order (`SegmentSchedule`). Unlike a list of
/// decisions, segments stay aligned with each thread's progress when
/// another thread's segments are removed or a context switch is deleted,
/// so an edited schedule still tells the same story.
///
/// 1. **Fewer threads**: a vCPU is removed (its segments dropped, the later
///    threads renumbered, every other vCPU keeping its own workload stream)
///    when the replay still fails; again and again. Where no vCPU can go,
///    a smaller configuration is searched afresh (the run's strategy, a
///    derived seed, a bounded number of executions).
/// 2. **Smaller budgets**: the smallest mmu-operation budget and access
///    budget (in whole guest batches) whose replay still fails (binary
///    search: the failure needs only the operations before it).
/// 3. **Fewer context switches and steps**: delta debugging (Zeller and
///    Hildebrandt, TSE 2002) over the segments before the violation:
///    chunks are deleted (their threads catch up in their next segments)
///    and a candidate is kept when it still violates the invariant with
///    fewer context switches, or as many in fewer steps.
///
/// After every kept candidate the segments are re-derived from the
/// execution that candidate actually produced, and its schedule string is
/// exact: every intermediate result replays byte for byte.
final class Shrinker {
    let runner: DeterministicRunner
    let invariant: Invariant
    let budget: Int
    let stepBudget: UInt64
    let searchExecutions: Int
    /// Executions and simulated steps spent so far.
    private(set) var spent = 0
    private(set) var spentSteps: UInt64 = 0

    init(runner: DeterministicRunner, invariant: Invariant, budget: Int, stepBudget: UInt64 = .max, searchExecutions: Int) {
        self.runner = runner
        self.invariant = invariant
        self.budget = budget
        self.stepBudget = stepBudget
        self.searchExecutions = searchExecutions
    }

    var exhausted: Bool { spent >= budget || spentSteps >= stepBudget }

    func count(_ e: DeterministicExecution) {
        spent += 1
        spentSteps &+= e.execution.steps
    }

    func fails(_ e: DeterministicExecution) -> Bool {
        e.harnessError == nil && e.invariants.contains(invariant)
    }

    /// A failing execution with its segments.
    struct Candidate {
        var execution: DeterministicExecution
        var segments: [Segment]
        var violationStep: UInt64 { execution.firstViolationStep ?? execution.execution.steps }
        /// Segments before the violation: the prefix the shrinker edits.
        var prefix: Int
        /// Context switches (thread segments) before the violation.
        var switches: Int
        var cost: (Int, UInt64) { (switches, violationStep) }
    }

    static func better(_ a: (Int, UInt64), than b: (Int, UInt64)) -> Bool {
        a.0 < b.0 || (a.0 == b.0 && a.1 < b.1)
    }

    func shrink(_ original: DeterministicExecution) -> DeterministicExecution {
        // The original's segments: replay its schedule, recording.
        guard var best = run(ReplayScheduler(schedule: original.execution.schedule, maxExecutions: 1),
                             shape: original.shape), fails(best.execution) else { return original }
        best = shrinkThreads(best)
        best = shrinkBudgets(best)
        best = shrinkSegments(best)
        var result = best.execution
        result.index = original.index
        return result
    }

    // MARK: running candidates

    /// One execution under `base` (a replay or a `SegmentScheduler`),
    /// recorded into segments.
    func run(_ base: SimScheduler, shape: ExecutionShape) -> Candidate? {
        guard !exhausted else { return nil }
        let hook = runner.harness(vcpus: shape.vcpus, recording: false).hook
        let recorder = SegmentRecorder(base: base, hook: hook)
        guard let e = runner.execute(shape: shape, scheduler: recorder) else { return nil }
        count(e)
        let stop = e.firstViolationStep ?? e.execution.steps
        let segments = recorder.segments()
        var prefix = 0, switches = 0
        for (i, s) in segments.enumerated() where s.step <= stop {
            prefix = i + 1
            if !s.choice.isFlush { switches += 1 }
        }
        return Candidate(execution: e, segments: segments, prefix: prefix, switches: switches)
    }

    func replay(_ segments: [Segment], dataSeed: UInt64, shape: ExecutionShape) -> Candidate? {
        let hook = runner.harness(vcpus: shape.vcpus, recording: false).hook
        return run(SegmentScheduler(segments: segments, dataSeed: dataSeed, hook: hook), shape: shape)
    }

    // MARK: 1. threads

    /// A fresh bounded search of `shape` (`executions` at most); with a
    /// `dataSeed`, every execution keeps that workload (only the schedule
    /// is searched).
    /// A fifth of both budgets stays for the later phases.
    var searchExhausted: Bool { spent >= budget - budget / 5 || spentSteps >= stepBudget - stepBudget / 5 }

    func search(_ shape: ExecutionShape, attempt: Int, executions: Int, dataSeed: UInt64? = nil) -> Candidate? {
        let n = min(executions, budget - spent)
        guard n > 0 else { return nil }
        var scheduler = runner.makeScheduler(seed: deriveSeed(runner.params.seed ^ 0x5348_5249_4E4B, .scheduler, attempt),
                                             budget: n, vcpus: shape.vcpus)
        if let dataSeed { scheduler = FixedDataScheduler(base: scheduler, dataSeed: dataSeed) }
        for _ in 0..<n where !searchExhausted {
            guard let r = runner.execute(shape: shape, scheduler: scheduler) else { return nil }
            count(r)
            if fails(r) {
                // Its segments, from a recorded replay.
                return run(ReplayScheduler(schedule: r.execution.schedule, maxExecutions: 1), shape: shape)
            }
        }
        return nil
    }

    func shrinkThreads(_ start: Candidate) -> Candidate {
        var best = start
        var attempt = 0
        outer: while best.execution.shape.vcpus > 1 && !exhausted {
            let shape = best.execution.shape
            let dataSeed = best.execution.execution.schedule.dataSeed
            // The same schedule without one vCPU (it works when that vCPU
            // did not interact with the story)...
            for r in stride(from: shape.vcpus - 1, through: 0, by: -1) where !exhausted {
                let segments = best.segments.compactMap { $0.removingThread(r) }
                if let c = replay(segments, dataSeed: dataSeed, shape: shape.removingVCPU(r)), fails(c.execution) {
                    best = c
                    continue outer
                }
            }
            // ...else the same workloads without one vCPU, schedules searched...
            let each = max(1, searchExecutions / shape.vcpus)
            for r in stride(from: shape.vcpus - 1, through: 0, by: -1) where !exhausted {
                attempt += 1
                if let c = search(shape.removingVCPU(r), attempt: attempt, executions: each, dataSeed: dataSeed),
                   fails(c.execution) {
                    best = c
                    continue outer
                }
            }
            // ...else any workload with one vCPU fewer.
            var s = shape
            s.vcpus -= 1
            s.vcpuStreams = nil
            attempt += 1
            if let c = search(s, attempt: attempt, executions: max(searchExecutions, budget - spent - budget / 5)),
               fails(c.execution) {
                best = c
                continue
            }
            break
        }
        return best
    }

    // MARK: 2. budgets

    func shrinkBudgets(_ start: Candidate) -> Candidate {
        var best = start
        func attempt(_ shape: ExecutionShape) -> Bool {
            guard let c = replay(best.segments, dataSeed: best.execution.execution.schedule.dataSeed, shape: shape),
                  fails(c.execution) else { return false }
            best = c
            return true
        }
        var lo = 0, hi = best.execution.shape.mmuOperations
        while lo < hi && !exhausted {
            let mid = (lo + hi) / 2
            var s = best.execution.shape
            s.mmuOperations = mid
            if attempt(s) { hi = mid } else { lo = mid + 1 }
        }
        // Accesses in whole guest batches: the vCPU loop's unit.
        let batch = UInt64(VM.guestBatch)
        var alo: UInt64 = 1, ahi = (best.execution.shape.accessesPerVCPU + batch - 1) / batch
        while alo < ahi && !exhausted {
            let mid = (alo + ahi) / 2
            var s = best.execution.shape
            s.accessesPerVCPU = mid * batch
            if attempt(s) { ahi = mid } else { alo = mid + 1 }
        }
        return best
    }

    // MARK: 3. segments

    func shrinkSegments(_ start: Candidate) -> Candidate {
        var best = start
        var chunks = 2
        while !exhausted {
            let n = best.prefix
            if n <= 1 { break }
            chunks = min(max(chunks, 2), n)
            let size = (n + chunks - 1) / chunks
            var improved = false
            var k = 0
            while k < n && !exhausted {
                let range = k..<min(k + size, n)
                k += size
                var segments = best.segments
                segments.removeSubrange(range)
                guard let c = replay(segments, dataSeed: best.execution.execution.schedule.dataSeed,
                                     shape: best.execution.shape) else { break }
                if fails(c.execution) && Shrinker.better(c.cost, than: best.cost) {
                    best = c
                    improved = true
                    break
                }
            }
            if improved {
                chunks = max(chunks - 1, 2)
            } else if size <= 1 {
                break
            } else {
                chunks = min(chunks * 2, n)
            }
        }
        return best
    }
}
