import URCUShim

extension DeterministicRunner {
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
        let timeline = drawKept(r, by: h)
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
