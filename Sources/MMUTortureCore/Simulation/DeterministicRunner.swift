import URCUShim

/// Runs the VM's thread bodies (`vm.vcpuLoop`, `vm.mmuLoop`, unchanged) on
/// the simulated platform, one execution after another, under a seeded
/// strategy; every random choice derives from the master seed (the
/// workload streams of an execution from its schedule's data seed, so a
/// schedule string replays it on its own).
public final class DeterministicRunner {
    public let params: RunParameters
    public let settings: DeterministicSettings
    /// The shape of the search's executions.
    public let shape: ExecutionShape
    /// Frames of the simulated VM.
    public let frames: Int
    public let hotFrames: Int
    var harnesses: [Int: SimHarness] = [:]
    var recordingHarnesses: [Int: SimHarness] = [:]

    /// Thread count limit of the simulated platform.
    public static let maxThreads = 64

    public init(params: RunParameters, settings: DeterministicSettings = DeterministicSettings()) {
        self.params = params
        self.settings = settings
        let vcpus = max(1, settings.vcpus ?? params.vm.vcpus)
        shape = ExecutionShape(vcpus: vcpus, accessesPerVCPU: max(1, settings.accessesPerVCPU),
                               mmuOperations: max(0, settings.mmuOperations))
        frames = DeterministicRunner.frames(params: params, settings: settings)
        hotFrames = max(1, min(params.workload.hotFrames, frames))
    }

    /// `max(minFrames, hot set)`, at most the config's frames, at least 16;
    /// at least 64 under shadow paging (its address permutation works in
    /// 64-frame blocks) and 1024 under shadow32 (so that both quadrants of
    /// a 4 MiB guest page are used).
    public static func frames(params: RunParameters, settings: DeterministicSettings) -> Int {
        var least = max(settings.minFrames, params.workload.hotFrames)
        switch params.vm.paging {
        case .tdp: break
        case .shadow: least = max(least, 64)
        case .shadow32: least = max(least, 1024)
        }
        return max(16, min(params.vm.frames, least))
    }

    /// Why these parameters cannot run deterministically, or nil.
    public static func unsupported(params: RunParameters, settings: DeterministicSettings) -> String? {
        let vcpus = settings.vcpus ?? params.vm.vcpus
        if vcpus + params.vm.mmuThreads > maxThreads {
            return "deterministic mode simulates at most \(maxThreads) threads: \(vcpus) vCPUs + "
                + "\(params.vm.mmuThreads) mmu thread(s) is too many"
        }
        if settings.executions < 1 { return "the executions budget must be at least 1" }
        if settings.firstExecution < 0 { return "the first execution cannot be negative" }
        if settings.firstExecution > 0 {
            if case .randomWalk = settings.strategy {} else {
                return "a first execution other than 0 needs the random strategy (PCT and DFS depend on the executions before)"
            }
        }
        switch settings.strategy {
        case .pct(let d) where d < 1: return "the PCT depth must be at least 1"
        case .dfs(let b) where b < 0: return "the preemption bound cannot be negative"
        default: return nil
        }
    }

    func harness(vcpus: Int, recording: Bool) -> SimHarness {
        if recording, let h = recordingHarnesses[vcpus] { return h }
        if !recording, let h = harnesses[vcpus] { return h }
        let h = SimHarness(params: params, settings: settings, frames: frames, hotFrames: hotFrames, vcpus: vcpus,
                           recording: recording)
        if recording { recordingHarnesses[vcpus] = h } else { harnesses[vcpus] = h }
        return h
    }

    /// The perturbation points at which the random walk parks threads (the
    /// run's active points that the deterministic mode has).
    public var delayPoints: [PerturbPoint] {
        params.perturb.probability > 0 ? params.activePerturbPoints().filter(\.simulated) : []
    }

    /// The strategy's scheduler for a search of `budget` executions of
    /// `vcpus` vCPUs from `seed`, starting at execution `first`.
    func makeScheduler(seed: UInt64, budget: Int, vcpus: Int? = nil, first: Int = 0) -> SimScheduler {
        switch settings.strategy {
        case .randomWalk(let fp):
            let walk = RandomWalkScheduler(seed: seed, startingAt: first, maxExecutions: budget, flushProbability: fp)
            let points = delayPoints
            if points.isEmpty && settings.spontaneousDelayProbability <= 0 { return walk }
            return DelayScheduler(base: walk, hook: harness(vcpus: vcpus ?? shape.vcpus, recording: false).hook,
                                  seed: seed, startingAt: first, activePoints: points,
                                  pointProbability: settings.pointDelayProbability,
                                  spontaneousProbability: settings.spontaneousDelayProbability, maxDelay: settings.maxDelay)
        case .pct(let depth):
            return PCTScheduler(seed: seed, depth: depth, estimatedSteps: 2_000, maxExecutions: budget)
        case .dfs(let bound):
            return BoundedDFSScheduler(preemptionBound: bound, maxExecutions: budget,
                                       dataSeed: deriveSeed(seed, .scheduler))
        }
    }

    // MARK: running

    /// One execution of `shape` under `scheduler` (nil when the scheduler has
    /// nothing left). `recording`: keep the step log and deep trace rings,
    /// and return the VM for the timeline.
    public func execute(shape: ExecutionShape, scheduler: SimScheduler, recording: Bool = false,
                        index: Int = -1) -> DeterministicExecution? {
        harness(vcpus: shape.vcpus, recording: recording).run(shape: shape, scheduler: scheduler, index: index)?.0
    }

    /// The search: executions until a violation, a harness error, or a
    /// budget runs out; then shrinking and the timeline.
    public func run(progress: ((_ executions: Int, _ steps: UInt64, _ seconds: Double) -> Void)? = nil) -> DeterministicResult {
        let start = monotonicNanoseconds()
        var result = DeterministicResult(outcome: .pass, strategy: settings.strategy, shape: shape, frames: frames,
                                         executions: 0, steps: 0, searchSeconds: 0, durationSeconds: 0, counters: [])
        if let why = DeterministicRunner.unsupported(params: params, settings: settings) {
            result.outcome = .error
            result.harnessError = why
            return result
        }
        let scheduler = makeScheduler(seed: params.seed, budget: settings.executions, first: settings.firstExecution)
        let h = harness(vcpus: shape.vcpus, recording: false)
        var totals = [UInt64](repeating: 0, count: Counter.allCases.count)
        var found: DeterministicExecution?
        var lastProgress = start
        while result.executions < settings.executions {
            if mmut_interrupt_signal() != 0 { result.interrupted = true; break }
            let now = monotonicNanoseconds()
            if params.durationNanoseconds > 0 && now - start >= params.durationNanoseconds { break }
            if let progress, now - lastProgress >= 500_000_000 {
                lastProgress = now
                progress(result.executions, result.steps, Double(now - start) / 1e9)
            }
            guard let (e, raw) = h.run(shape: shape, scheduler: scheduler,
                                       index: settings.firstExecution + result.executions) else {
                result.exhausted = true
                break
            }
            result.executions += 1
            result.steps &+= e.execution.steps
            for (i, v) in raw.enumerated() { totals[i] &+= v }
            if e.harnessError != nil || !e.violations.isEmpty {
                found = e
                break
            }
        }
        if let dfs = scheduler as? BoundedDFSScheduler, dfs.isExhausted { result.exhausted = true }
        result.searchSeconds = Double(monotonicNanoseconds() - start) / 1e9
        result.counters = zip(Counter.allCases, totals).map { (name: $0.0.name, value: $0.1) }
        if let e = found {
            if let err = e.harnessError {
                result.outcome = .error
                result.harnessError = "execution \(e.index) (schedule \(e.execution.schedule)): \(err)"
            } else {
                result.outcome = .fail
                result.failure = explain(e)
            }
        }
        result.durationSeconds = Double(monotonicNanoseconds() - start) / 1e9
        return result
    }

    /// Shrinks (when enabled) and draws a failing execution.
    public func explain(_ e: DeterministicExecution) -> DeterministicFailure {
        let t0 = monotonicNanoseconds()
        let invariant = e.violations.first { settings.expectedInvariants.contains($0.invariant) }?.invariant
            ?? e.violations[0].invariant
        var shrunk = e
        var spent = 0
        if settings.shrink {
            let s = Shrinker(runner: self, invariant: invariant, budget: settings.shrinkExecutions,
                             stepBudget: settings.shrinkSteps, searchExecutions: settings.shrinkSearchExecutions)
            shrunk = s.shrink(e)
            spent = s.spent
        }
        let shrinkSeconds = Double(monotonicNanoseconds() - t0) / 1e9
        shrunk = shrunk.leading(invariant)
        let (timeline, matched, replayed) = draw(shrunk, invariant: invariant)
        // The replay is the exact same execution; keep its reports (the
        // deep rings give longer traces).
        if matched, let r = replayed { shrunk.violations = r.violations }
        return DeterministicFailure(original: e.leading(invariant), shrunk: shrunk, invariant: invariant, shrinkExecutions: spent,
                                    shrinkSeconds: shrinkSeconds, timeline: timeline, replayMatched: matched,
                                    originalContextSwitches: contextSwitches(e), contextSwitches: contextSwitches(shrunk))
    }

    /// Context switches of `e` up to its first violation, counted on a replay.
    public func contextSwitches(_ e: DeterministicExecution) -> Int {
        let recorder = SegmentRecorder(base: ReplayScheduler(schedule: e.execution.schedule, maxExecutions: 1),
                                       hook: harness(vcpus: e.shape.vcpus, recording: false).hook)
        guard let r = execute(shape: e.shape, scheduler: recorder) else { return 0 }
        let stop = r.firstViolationStep ?? r.execution.steps
        return recorder.segments().filter { $0.step <= stop && !$0.choice.isFlush }.count
    }

    /// Replays `e` with recording on and draws it.
    func draw(_ e: DeterministicExecution, invariant: Invariant) -> (Timeline, Bool, DeterministicExecution?) {
        let h = harness(vcpus: e.shape.vcpus, recording: true)
        let replay = ReplayScheduler(schedule: e.execution.schedule, maxExecutions: 1)
        guard let (found, _) = h.run(shape: e.shape, scheduler: replay, index: e.index, keep: true) else {
            return (Timeline(columns: [], rows: [], stepLog: [], omittedRows: 0), false, nil)
        }
        let r = found.leading(invariant)
        let matched = r.execution.traceHash == e.execution.traceHash && replay.isExact
        let timeline = drawKept(r, by: h)
        return (timeline, matched, r)
    }

    /// The timeline of `r`, which `h` has just run with `keep: true`; the
    /// kept VM and events are released.
    func drawKept(_ r: DeterministicExecution, by h: SimHarness) -> Timeline {
        defer { h.kept = nil }
        guard let kept = h.kept else {
            return Timeline(columns: [], rows: [], stepLog: r.execution.stepLog, omittedRows: 0)
        }
        return Timeline.build(execution: r.execution, vm: kept.vm, names: h.names, layout: params.vm.layout,
                              events: kept.events, violationSteps: r.violationSteps, violationGFNs: r.violationGFNs,
                              violationTexts: r.violations.map { "[\($0.invariant.rawValue)] \($0.message)" },
                              memoryModel: settings.memoryModel, maxRows: settings.timelineRows)
    }
}

extension DeterministicRunner {
    /// The sites the executions so far reached (with `settings.recordSites`),
    /// shrinking and replays included.
    public var reachedSites: Set<ReachedSite> {
        var all = Set<ReachedSite>()
        for h in harnesses.values { all.formUnion(h.executor.reachedSites) }
        for h in recordingHarnesses.values { all.formUnion(h.executor.reachedSites) }
        return all
    }

    /// Executions of the search (not the shrinking) in which the mutant was
    /// infected (`SimExecutor.infectedExecutions`).
    public var infectedExecutions: Int {
        harnesses.values.reduce(0) { $0 + $1.executor.infectedExecutions }
    }
}
