import URCUShim

/// How the deterministic mode searches: the strategy, the budgets
/// of the search and the size of each execution.
///
/// An *execution* is `vcpus` vCPU loops of `accessesPerVCPU` guest accesses
/// each plus the mmu-lock loop(s) of `mmuOperations` operations each, on a
/// fresh small VM, under one schedule. The search runs executions until one
/// violates an invariant, the `executions` budget or the wall-clock budget
/// (`RunParameters.durationNanoseconds`) runs out, or the strategy has
/// nothing left (bounded DFS).
public struct DeterministicSettings: Sendable, Equatable {
    public enum Strategy: Sendable, Equatable, CustomStringConvertible {
        /// Seeded random walk; `flushProbability` is the chance of flushing
        /// a store buffer when a flush and a thread step are both possible
        /// (small: stores linger in the buffers, as the barrier races need).
        case randomWalk(flushProbability: Double)
        /// PCT with `depth - 1` priority change points per execution.
        case pct(depth: Int)
        /// Bounded exhaustive search: every schedule with at most
        /// `preemptionBound` preemptions (one workload, from the master seed).
        case dfs(preemptionBound: Int)

        public static let defaultRandomWalk = Strategy.randomWalk(flushProbability: 0.02)

        /// `random`, `pct`, `dfs` (the CLI's `--strategy`).
        public var name: String {
            switch self {
            case .randomWalk: return "random"
            case .pct: return "pct"
            case .dfs: return "dfs"
            }
        }

        public var description: String {
            switch self {
            case .randomWalk(let p): return "random walk (flush probability \(p))"
            case .pct(let d): return "PCT depth \(d)"
            case .dfs(let b): return "bounded DFS, preemption bound \(b)"
            }
        }
    }

    public var strategy: Strategy = .defaultRandomWalk
    /// Random walk: the chance of parking a thread at an active
    /// perturbation point (when the run perturbs at all), and at any other
    /// step; the longest delay, in steps. See `DelayScheduler`.
    public var pointDelayProbability = 0.5
    public var spontaneousDelayProbability = 0.0005
    public var maxDelay = 16_384
    /// Executions to run at most (the search's budget).
    public var executions: Int = 100_000
    /// Random walk: the index of the first execution (execution i of seed S
    /// is the same whether the search starts at 0 or at i: what a
    /// reproduce line uses).
    public var firstExecution = 0
    /// vCPU threads per execution; nil = `RunParameters.vm.vcpus`.
    public var vcpus: Int?
    /// Guest accesses per vCPU per execution. The vCPU loop works in whole
    /// guest batches of `VM.guestBatch` (64) accesses: this is rounded up.
    public var accessesPerVCPU: UInt64 = 64
    /// Operations per mmu-lock thread per execution (its loop ends by this
    /// budget, never by polling the vCPUs: that would starve under PCT).
    public var mmuOperations: Int = 16
    /// The VM has `max(minFrames, hot frames)` frames (at most the config's;
    /// see `DeterministicRunner.frames`).
    public var minFrames: Int = 16
    /// Software TLB entries per vCPU.
    public var tlbEntries: Int = 4
    public var memoryModel: SimMemoryModel = .tso
    /// An execution this long is a harness error (a livelock), not a finding.
    public var stepLimit: UInt64 = 5_000_000
    /// Shrink a failing execution (fewer vCPUs, smaller budgets, fewer
    /// preemptions and steps).
    public var shrink = true
    /// The shrinker's budget, in executions and in simulated steps (about
    /// five seconds' worth), whichever runs out first.
    public var shrinkExecutions = 20_000
    public var shrinkSteps: UInt64 = 80_000_000
    /// Executions searched for each smaller configuration while shrinking.
    public var shrinkSearchExecutions = 3_000
    /// The invariants a mutant is expected to violate: the shrinker keeps
    /// the first of the failing execution's violations that is one of them
    /// (else its first violation).
    public var expectedInvariants: [Invariant] = []
    /// A full audit of every invariant at the end of every mmu-lock critical
    /// section (read without scheduling points: the schedule is unchanged).
    public var auditEveryCriticalSection = true
    /// Run the vCPUs at the identification layout's limit: of `n` vCPUs,
    /// the first `n - 1` take the layout's top identifications (up to 254
    /// under vmx, 127 under softmmu) and the last one is the first vCPU past
    /// the limit (it never takes the fast path), as the vCPUs numbered
    /// `limit - n + 1 ... limit` of a VM that has that many.
    public var atIdentificationLimit = false
    /// Rows of the timeline drawn at most (the last ones, up to the violation).
    public var timelineRows = Timeline.defaultMaxRows

    public init() {}
}

/// The size of one execution: what shrinking makes smaller, and what a
/// replay needs besides the schedule and the parameters.
public struct ExecutionShape: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var vcpus: Int
    public var accessesPerVCPU: UInt64
    public var mmuOperations: Int
    /// The workload stream of each vCPU: vCPU i draws its accesses from
    /// stream `vcpuStreams[i]` of the schedule's data seed. nil: stream i.
    /// (Shrinking removes a vCPU from the middle and keeps the others' workloads.)
    public var vcpuStreams: [Int]?

    public init(vcpus: Int, accessesPerVCPU: UInt64, mmuOperations: Int, vcpuStreams: [Int]? = nil) {
        self.vcpus = vcpus
        self.accessesPerVCPU = accessesPerVCPU
        self.mmuOperations = mmuOperations
        self.vcpuStreams = vcpuStreams
        normalize()
    }

    /// vCPU i's workload stream.
    @inline(__always)
    public func stream(_ i: Int) -> Int { vcpuStreams.map { i < $0.count ? $0[i] : i } ?? i }

    /// nil when the streams are 0, 1, 2, ... (so equal shapes compare equal).
    mutating func normalize() {
        if let s = vcpuStreams, s == Array(0..<s.count) && s.count >= vcpus { vcpuStreams = nil }
    }

    /// This shape without vCPU `r`: the later vCPUs move down one and keep their streams.
    public func removingVCPU(_ r: Int) -> ExecutionShape {
        var streams = (0..<vcpus).map(stream)
        streams.remove(at: r)
        var s = self
        s.vcpus -= 1
        s.vcpuStreams = streams
        s.normalize()
        return s
    }

    public var description: String {
        var d = "\(vcpus) vCPU\(vcpus == 1 ? "" : "s") x \(accessesPerVCPU) accesses, \(mmuOperations) mmu operations"
        if let s = vcpuStreams { d += " (workload streams " + s.prefix(vcpus).map(String.init).joined(separator: ",") + ")" }
        return d
    }
}

/// One execution of the VM under the simulated platform, as the runner saw it.
public struct DeterministicExecution: Sendable {
    /// Index in the search (0-based); -1 for a replay or a shrinking candidate.
    public var index: Int
    public var shape: ExecutionShape
    public var execution: SimExecution
    public var violations: [ViolationReport]
    /// Per violation: the step at which it was reported (the violating step).
    public var violationSteps: [UInt64]
    /// Per violation: the gfn it concerns, if any.
    public var violationGFNs: [Int?]
    public var counters: [(name: String, value: UInt64)]
    /// A deadlock or a step-limit hit: a harness finding, not a violation.
    public var harnessError: String?

    public var invariants: [Invariant] { violations.map(\.invariant) }

    /// The same with the first violation of `invariant` moved to the front.
    func leading(_ invariant: Invariant) -> DeterministicExecution {
        guard let i = violations.firstIndex(where: { $0.invariant == invariant }), i > 0 else { return self }
        var e = self
        e.violations.insert(e.violations.remove(at: i), at: 0)
        e.violationSteps.insert(e.violationSteps.remove(at: i), at: 0)
        e.violationGFNs.insert(e.violationGFNs.remove(at: i), at: 0)
        return e
    }
    public var firstViolationStep: UInt64? { violationSteps.first }
    public func counter(_ c: Counter) -> UInt64 { counters.first { $0.name == c.name }?.value ?? 0 }
}

/// What a deterministic run found.
public struct DeterministicResult: Sendable {
    public var outcome: RunResult.Outcome
    public var strategy: DeterministicSettings.Strategy
    public var shape: ExecutionShape
    public var frames: Int
    /// Executions run by the search (shrinking not included).
    public var executions: Int
    /// Simulated steps of those executions.
    public var steps: UInt64
    /// Wall-clock seconds of the search.
    public var searchSeconds: Double
    /// Wall-clock seconds in all (search, shrinking, timeline).
    public var durationSeconds: Double
    /// Bounded DFS: every schedule within the bound was run.
    public var exhausted = false
    public var interrupted = false
    public var harnessError: String?
    /// Counters summed over the search's executions.
    public var counters: [(name: String, value: UInt64)]
    public var failure: DeterministicFailure?

    public var stepsPerSecond: Double { Double(steps) / max(searchSeconds, 1e-9) }
    public var executionsPerSecond: Double { Double(executions) / max(searchSeconds, 1e-9) }
    public var violations: [ViolationReport] { failure?.shrunk.violations ?? [] }
    public func counter(_ c: Counter) -> UInt64 { counters.first { $0.name == c.name }?.value ?? 0 }

    /// The native runner's result type, for the reports: the counters of
    /// the search (plus `executions` and `simulated_steps`), the shrunk
    /// execution's violations, the first one's trace being the timeline.
    public func runResult(seed: UInt64, activePerturbPoints: [PerturbPoint] = []) -> RunResult {
        var violations = failure.map { $0.shrunk.violations } ?? []
        if let f = failure, !violations.isEmpty, !f.timeline.rows.isEmpty {
            violations[0].trace = f.timeline.traceLines
        }
        var c = counters
        c.append((name: "executions", value: UInt64(executions)))
        c.append((name: "simulated_steps", value: steps))
        return RunResult(outcome: outcome, seed: seed, counters: c, histograms: [],
                         violations: violations, durationSeconds: durationSeconds,
                         activePerturbPoints: activePerturbPoints, interrupted: interrupted, harnessError: harnessError)
    }
}

/// A failing execution, before and after shrinking, drawn as a timeline.
public struct DeterministicFailure: Sendable {
    /// The execution the search found (its index is the search index).
    public var original: DeterministicExecution
    /// The shrunk one (the original when shrinking was off or found nothing smaller).
    public var shrunk: DeterministicExecution
    /// The invariant the shrinker preserved.
    public var invariant: Invariant
    /// Shrinking statistics.
    public var shrinkExecutions: Int
    public var shrinkSeconds: Double
    /// The shrunk execution drawn (from a recorded replay of it).
    public var timeline: Timeline
    /// The recorded replay reproduced the shrunk execution's trace hash.
    public var replayMatched: Bool
    /// Context switches (thread segments of the schedule) up to the
    /// violation: original, shrunk.
    public var originalContextSwitches: Int
    public var contextSwitches: Int

    public var schedule: SimSchedule { shrunk.execution.schedule }
    public var traceHash: UInt64 { shrunk.execution.traceHash }
    public var executionIndex: Int { original.index }
    public var stepLog: [SimStep] { timeline.stepLog }
}

/// The result of `checkDeterminism`: one execution run several times.
public struct DeterminismCheck: Sendable {
    public var hashes: [UInt64]
    public var schedule: String
    public var matched: Bool { hashes.allSatisfy { $0 == hashes.first } }
}

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

    /// The perturbation points at which the random walk parks threads.
    public var delayPoints: [PerturbPoint] {
        params.perturb.probability > 0 ? params.activePerturbPoints() : []
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
        let timeline = h.kept.map { kept in
            Timeline.build(execution: r.execution, vm: kept.vm, names: h.names, layout: params.vm.layout,
                           events: kept.events, violationSteps: r.violationSteps, violationGFNs: r.violationGFNs,
                           violationTexts: r.violations.map { "[\($0.invariant.rawValue)] \($0.message)" },
                           memoryModel: settings.memoryModel, maxRows: settings.timelineRows)
        } ?? Timeline(columns: [], rows: [], stepLog: r.execution.stepLog, omittedRows: 0)
        h.kept = nil
        return (timeline, matched, r)
    }

    // MARK: replay and determinism

    /// Replays `schedule` exactly (the schedule's thread count gives the
    /// vCPUs; `settings` the access and operation budgets), recording the
    /// steps and drawing the timeline.
    public static func replay(schedule: SimSchedule, params: RunParameters,
                              settings: DeterministicSettings = DeterministicSettings()) -> Replay {
        var s = settings
        s.vcpus = max(1, schedule.threadCount - params.vm.mmuThreads)
        let runner = DeterministicRunner(params: params, settings: s)
        return runner.replay(schedule: schedule)
    }

    /// What a replay found.
    public struct Replay: Sendable {
        public var execution: DeterministicExecution
        /// Every recorded decision was taken, and no other.
        public var exact: Bool
        public var firstMismatch: String?
        public var timeline: Timeline
    }

    /// Replays `schedule` on `shape` (nil: this runner's budgets, the
    /// schedule's thread count) with step recording, and draws it.
    public func replay(schedule: SimSchedule, shape: ExecutionShape? = nil) -> Replay {
        let shape = shape ?? ExecutionShape(vcpus: max(1, schedule.threadCount - params.vm.mmuThreads),
                                            accessesPerVCPU: self.shape.accessesPerVCPU,
                                            mmuOperations: self.shape.mmuOperations)
        let h = harness(vcpus: shape.vcpus, recording: true)
        let replay = ReplayScheduler(schedule: schedule, maxExecutions: 1)
        let (r, _) = h.run(shape: shape, scheduler: replay, index: -1, keep: true)!
        let timeline = h.kept.map { kept in
            Timeline.build(execution: r.execution, vm: kept.vm, names: h.names, layout: params.vm.layout,
                           events: kept.events, violationSteps: r.violationSteps, violationGFNs: r.violationGFNs,
                           violationTexts: r.violations.map { "[\($0.invariant.rawValue)] \($0.message)" },
                           memoryModel: settings.memoryModel, maxRows: settings.timelineRows)
        } ?? Timeline(columns: [], rows: [], stepLog: r.execution.stepLog, omittedRows: 0)
        h.kept = nil
        return Replay(execution: r, exact: replay.isExact && schedule.threadCount == shape.vcpus + params.vm.mmuThreads,
                      firstMismatch: replay.firstMismatch, timeline: timeline)
    }

    /// Runs one execution `times` times and compares the trace hashes: the
    /// search's execution `index` re-created from the seed (random walk), and
    /// replays of its schedule (with and without step recording).
    public func checkDeterminism(schedule: SimSchedule? = nil, shape: ExecutionShape? = nil, index: Int = 0,
                                 times: Int = 2) -> DeterminismCheck {
        let shape = shape ?? self.shape
        var hashes: [UInt64] = []
        var sched: SimSchedule
        if let schedule {
            sched = schedule
        } else {
            // Execution `index` of the search, from the seed.
            let scheduler: SimScheduler
            switch settings.strategy {
            case .randomWalk:
                scheduler = makeScheduler(seed: params.seed, budget: 1, vcpus: shape.vcpus, first: index)
            default:
                scheduler = makeScheduler(seed: params.seed, budget: 1, vcpus: shape.vcpus)
            }
            let e = execute(shape: shape, scheduler: scheduler)!
            hashes.append(e.execution.traceHash)
            sched = e.execution.schedule
        }
        for i in 0..<max(1, times) {
            let replay = ReplayScheduler(schedule: sched, maxExecutions: 1)
            let e = execute(shape: shape, scheduler: replay, recording: i % 2 == 1)!
            hashes.append(e.execution.traceHash)
        }
        return DeterminismCheck(hashes: hashes, schedule: sched.description)
    }
}

// MARK: - the harness: one shape of threads, reused across executions

/// What a recording run keeps for the timeline.
struct KeptExecution {
    let storage: VMStorage
    var vm: VM { storage.vm }
    /// Every thread's trace events, in time order.
    let events: [TraceEvent]
}

/// The executor, thread states and vCPU locals for one thread count; runs
/// one execution per call on a fresh VM.
final class SimHarness {
    let params: RunParameters
    let settings: DeterministicSettings
    let frames: Int
    let hotFrames: Int
    let vcpus: Int
    let mmuThreads: Int
    let threadCount: Int
    let recording: Bool
    let executor: SimExecutor
    /// `threadCount + 1`: the last one for the end-of-execution checks.
    let states: UnsafeMutablePointer<ThreadState>
    let locals: UnsafeMutablePointer<VCPULocal>
    let finished: UnsafeMutablePointer<UInt64>
    let sampler: WorkloadSampler
    let vmConfig: VMConfig
    let names: ThreadNames
    let ringDepth: Int
    let hook: PerturbHook
    var kept: KeptExecution?

    init(params: RunParameters, settings: DeterministicSettings, frames: Int, hotFrames: Int, vcpus: Int, recording: Bool) {
        self.params = params
        self.settings = settings
        self.frames = frames
        self.hotFrames = hotFrames
        self.vcpus = vcpus
        self.recording = recording
        mmuThreads = params.vm.mmuThreads
        threadCount = vcpus + mmuThreads
        names = ThreadNames(vcpus: vcpus, mmuThreads: mmuThreads)
        var o = SimExecutor.Options()
        o.memoryModel = settings.memoryModel
        o.stepLimit = settings.stepLimit
        o.recordSteps = recording
        o.auditEveryCriticalSection = settings.auditEveryCriticalSection
        executor = SimExecutor(threadCount: threadCount, options: o)
        var c = params.vm
        c.vcpus = vcpus
        c.frames = frames
        c.tlbEntries = settings.tlbEntries
        vmConfig = c
        ringDepth = recording ? 1 << 16 : max(8, params.vm.traceDepth)
        states = .allocate(capacity: threadCount + 1)
        for t in 0...threadCount {
            (states + t).initialize(to: ThreadState(depth: ringDepth, seed: 0))
        }
        locals = .allocate(capacity: vcpus)
        for i in 0..<vcpus {
            let number = settings.atIdentificationLimit ? c.layout.fastVCPULimit - vcpus + 1 + i : i
            (locals + i).initialize(to: VCPULocal(id: i, identification: VCPULocal.identification(vcpu: number, layout: c.layout, ops: c.ops),
                                                  tlbEntries: c.tlbEntries))
        }
        finished = .allocate(capacity: 1)
        finished.initialize(to: 0)
        hook = PerturbHook(threads: threadCount)
        var spec = params.workload
        spec.hotFrames = hotFrames
        sampler = WorkloadSampler(spec: spec, frames: frames)
    }

    deinit {
        for t in 0...threadCount { states[t].ring.deallocate() }
        states.deinitialize(count: threadCount + 1)
        states.deallocate()
        for i in 0..<vcpus { locals[i].deallocate() }
        locals.deinitialize(count: vcpus)
        locals.deallocate()
        finished.deallocate()
        sampler.deallocate()
    }

    func resetThreadState(_ t: Int) {
        let s = states + t
        s.pointee.counters = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        s.pointee.retryHistogram = (0, 0, 0, 0, 0)
        s.pointee.ring.next = 0
        s.pointee.heartbeat = 0
        s.pointee.activity = 0
        s.pointee.tracing = vmConfig.checks
    }

    func resetLocal(_ i: Int) {
        let v = locals + i
        v.pointee.root = 0
        v.pointee.reloadGen = 0
        v.pointee.writeSeq = 0
        for k in 0...v.pointee.tlbMask {
            v.pointee.tlbTag[k] = 0
            v.pointee.tlbPFN[k] = 0
            v.pointee.tlbWritable[k] = false
            v.pointee.tlbGFN[k] = 0
            v.pointee.tlbFillEvent[k] = 0
        }
    }

    /// One execution. Returns the execution and its raw per-counter totals,
    /// nil when the scheduler has nothing left. `keep`: keep the VM and the
    /// merged trace events in `kept` (recording harnesses).
    func run(shape: ExecutionShape, scheduler: SimScheduler, index: Int, keep: Bool = false)
        -> (DeterministicExecution, [UInt64])? {
        precondition(shape.vcpus == vcpus)
        let storage = VMStorage(config: vmConfig)
        let vm = storage.vm
        let log = ViolationLog()
        log.stopOnFirst = true
        let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
        for t in 0...threadCount { resetThreadState(t) }
        for i in 0..<vcpus { resetLocal(i) }
        finished.pointee = 0
        let budget = shape.accessesPerVCPU
        let mmuOps = shape.mmuOperations
        let hot = hotFrames
        let weights = params.mmu
        let sampler = self.sampler, locals = self.locals, hook = self.hook
        hook.reset()
        var bodies: [SimExecutor.Body] = []
        bodies.reserveCapacity(threadCount)
        for i in 0..<vcpus {
            let stream = shape.stream(i)
            bodies.append { sp in
                // The workload stream comes from the schedule's data seed, so
                // a schedule string alone replays the execution.
                sp.state.pointee.rng = Xoshiro256StarStar(seed: deriveSeed(sp.executor.schedule.dataSeed, .vcpuWorkload, stream))
                let p = HookedPlatform(sp, hook: hook)
                vm.vcpuLoop(p, locals + i, sampler: sampler, budget: budget, checker: checker)
                hook.done[i] = 1
            }
        }
        let vcpus = self.vcpus
        for j in 0..<mmuThreads {
            bodies.append { sp in
                sp.state.pointee.rng = Xoshiro256StarStar(seed: deriveSeed(sp.executor.schedule.dataSeed, .mmuOperations, j))
                let p = HookedPlatform(sp, hook: hook)
                var done = 0
                vm.mmuLoop(p, weights: weights, hotFrames: hot, checker: checker, keepRunning: {
                    done += 1
                    return done <= mmuOps
                })
                hook.done[vcpus + j] = 1
            }
        }
        guard let e = executor.run(scheduler: scheduler, states: states, bodies) else { return nil }

        var harnessError: String?
        let beforeFinal = log.total
        switch e.outcome {
        case .completed:
            // The end of the "migration" and the end-of-run audit, every
            // vCPU stopped (as the native runner does).
            if log.total == 0 {
                let p = executor.platform(thread: vcpus < threadCount ? vcpus : 0, state: states + threadCount)
                if weights.dirtyLog > 0 { vm.finalDirtyLogCheck(p, checker: checker) }
                vm.audit(p, checker: checker)
            }
        case .deadlock:
            if log.total == 0 { harnessError = "deadlock after \(e.steps) steps:\n" + e.threadStates }
        case .stepLimit:
            if log.total == 0 { harnessError = "step limit (\(settings.stepLimit) steps) reached: a livelock?\n" + e.threadStates }
        }

        // Violations, rendered as the native runner renders them.
        let records = log.records()
        let rings = (0...threadCount).map { states[$0].ring.snapshot() }
        let traceNames = ThreadNames(vcpus: vcpus, mmuThreads: mmuThreads)
        var reports: [ViolationReport] = []
        for (k, r) in records.enumerated() {
            // Found by the end-of-execution checks: the main thread's, as natively.
            let afterEnd = k >= beforeFinal
            let trace = TraceRenderer.merge(rings: rings, until: r.time, limit: 40, names: traceNames, layout: vm.layout)
            var msg = r.detail.text
            if let gfn = r.gfn { msg += " (gfn \(gfn))" }
            reports.append(ViolationReport(invariant: r.invariant, message: msg, gfn: r.gfn, vcpu: r.vcpu,
                                           thread: afterEnd ? "main" : traceNames.name(r.thread),
                                           sptes: r.sptes.map { SPTE.describe($0, layout: vm.layout) }, trace: trace))
        }
        var raw = [UInt64](repeating: 0, count: Counter.allCases.count)
        for c in Counter.allCases {
            var total: UInt64 = 0
            for t in 0...threadCount { total &+= states[t].value(c) }
            raw[c.rawValue] = total
        }
        let result = DeterministicExecution(
            index: index, shape: shape, execution: e, violations: reports, violationSteps: records.map(\.time),
            violationGFNs: records.map(\.gfn), counters: zip(Counter.allCases, raw).map { (name: $0.0.name, value: $0.1) },
            harnessError: harnessError)
        if keep {
            var events = rings.flatMap { $0 }.filter { $0.time != 0 }
            events.sort { $0.time < $1.time || ($0.time == $1.time && $0.thread < $1.thread) }
            kept = KeptExecution(storage: storage, events: events)
        }
        withExtendedLifetime(storage) {}
        return (result, raw)
    }
}
