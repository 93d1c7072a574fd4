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
    /// The VM of the executions that are not kept, reset before each.
    let storage: VMStorage

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
        executor.configureMutation(settings.mutation, recordSites: settings.recordSites)
        var c = params.vm
        c.vcpus = vcpus
        c.frames = frames
        c.tlbEntries = settings.tlbEntries
        vmConfig = c
        storage = VMStorage(config: c)
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
        s.pointee.tdpRemovals = 0
        s.pointee.tdpWalkTable = 0
        s.pointee.tdpWalkIncarnation = 0
        s.pointee.tracing = vmConfig.checks
    }

    func resetLocal(_ i: Int) {
        let v = locals + i
        v.pointee.root = 0
        v.pointee.reloadGen = 0
        v.pointee.writeSeq = 0
        v.pointee.ackEvent = 0
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
        // A kept VM outlives the call: a fresh one. Otherwise the harness's
        // own, reset to the fresh state.
        let storage: VMStorage
        if keep {
            storage = VMStorage(config: vmConfig)
        } else {
            storage = self.storage
            storage.reset()
        }
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
                sp.state.pointee.rng = Xoshiro256StarStar(seed: deriveSeed(sp.executor.dataSeed, .vcpuWorkload, stream))
                let p = HookedPlatform(sp, hook: hook)
                vm.vcpuLoop(p, locals + i, sampler: sampler, budget: budget, checker: checker)
                hook.done[i] = 1
            }
        }
        let vcpus = self.vcpus
        for j in 0..<mmuThreads {
            bodies.append { sp in
                sp.state.pointee.rng = Xoshiro256StarStar(seed: deriveSeed(sp.executor.dataSeed, .mmuOperations, j))
                let p = HookedPlatform(sp, hook: hook)
                var done = 0
                // One subset for every mmu thread of the execution, drawn from
                // the schedule's data seed (a schedule string replays it).
                let mix = weights.swarmed(master: sp.executor.dataSeed)
                vm.mmuLoop(p, weights: mix, hotFrames: hot, checker: checker, keepRunning: {
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
                vm.endOfRunChecks(p, vcpus: locals, dirtyLog: weights.dirtyLog > 0, checker: checker)
            }
        case .deadlock:
            if log.total == 0 { harnessError = "deadlock after \(e.steps) steps:\n" + e.threadStates }
        case .stepLimit:
            if log.total == 0 { harnessError = "step limit (\(settings.stepLimit) steps) reached: a livelock?\n" + e.threadStates }
        }

        // Violations, rendered as the native runner renders them.
        let records = log.records()
        // The trace rings, only for what needs them (most executions are clean).
        let rings = records.isEmpty && !keep ? [] : (0...threadCount).map { states[$0].ring.snapshot() }
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
