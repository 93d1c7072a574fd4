#if canImport(Glibc)
import Glibc
#endif
import URCUShim

/// A live view of a run, for the progress line.
public struct ProgressSnapshot: Sendable {
    public var elapsedSeconds: Double
    public var budgetSeconds: Double
    public var accesses: UInt64
    public var faultsFixed: UInt64
    public var violations: Int
}

/// Runs one scenario on real threads: N vCPU threads and the mmu-lock
/// thread(s), every one registered with the configured liburcu flavour,
/// while the main thread keeps time, the watchdog and the progress line.
public enum NativeRunner {
    public static func run(_ params: RunParameters, progress: ((ProgressSnapshot) -> Void)? = nil) -> RunResult {
        switch params.rcu {
        case .memb: return run(MembRCU.self, params, progress)
        case .qsbr: return run(QSBRRCU.self, params, progress)
        case .mb: return run(MBRCU.self, params, progress)
        case .bp: return run(BPRCU.self, params, progress)
        }
    }

    static func run<R: RCUFlavor>(_ flavor: R.Type, _ params: RunParameters,
                                  _ progress: ((ProgressSnapshot) -> Void)?) -> RunResult {
        let storage = VMStorage(config: params.vm)
        let vm = storage.vm
        let log = ViolationLog()
        log.stopOnFirst = params.stopOnFirstViolation
        let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
        let vcpus = params.vm.vcpus, mmuThreads = params.vm.mmuThreads
        let threadCount = vcpus + mmuThreads + 1
        let names = ThreadNames(vcpus: vcpus, mmuThreads: mmuThreads)

        let states = UnsafeMutablePointer<ThreadState>.allocate(capacity: threadCount)
        for t in 0..<threadCount {
            let purpose: StreamPurpose = t < vcpus ? .vcpuWorkload : (t < vcpus + mmuThreads ? .mmuOperations : .host)
            let index = t < vcpus ? t : t - vcpus
            states.advanced(by: t).initialize(to: ThreadState(depth: params.vm.traceDepth,
                                                              seed: deriveSeed(params.seed, purpose, index),
                                                              perturbSeed: deriveSeed(params.seed, .perturbation, t)))
            states[t].tracing = params.vm.checks
        }
        let active = params.activePerturbPoints()
        let perturb = PerturbSettings(activePoints: active, probability: params.perturb.probability,
                                      maxDelayNanoseconds: params.perturb.maxDelay.nanoseconds,
                                      kinds: params.perturb.kindMask)
        let locals = UnsafeMutablePointer<VCPULocal>.allocate(capacity: vcpus)
        for i in 0..<vcpus {
            locals.advanced(by: i).initialize(to: VCPULocal(
                id: i, identification: VCPULocal.identification(vcpu: i, layout: vm.layout, ops: vm.ops),
                tlbEntries: params.vm.tlbEntries))
        }
        let sampler = WorkloadSampler(spec: params.workload, frames: vm.frames)
        let finished = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        finished.initialize(to: 0)
        let perVCPUBudget = params.operations == 0 ? 0 : max(1, params.operations / UInt64(vcpus))

        let allowedCPUs = params.placement == .os ? [] : Placement.allowedCPUs
        let cpu = { (t: Int) in params.placement.cpu(forThread: t, vcpus: vcpus, mmuThreads: mmuThreads, allowed: allowedCPUs) }
        let start = monotonicNanoseconds()
        var threads: [NativeThread] = []
        for i in 0..<vcpus {
            let pinTo = cpu(i)
            let p = NativePlatform<R>(threadIndex: i, state: states + i, perturbation: perturb)
            let v = locals + i
            let stallHere = params.injectStall && i == 0
            threads.append(spawnRCUThread(R.self) {
                if let pinTo { Placement.pin(toCPU: pinTo) }
                if stallHere {
                    // The watchdog's test: a reader that never leaves.
                    vm.vcpuLoop(p, v, sampler: sampler, budget: UInt64(VM.guestBatch), checker: checker)
                    p.rcuReadLock()
                    while true { usleep(1_000_000) }
                }
                vm.vcpuLoop(p, v, sampler: sampler, budget: perVCPUBudget, checker: checker)
                _ = mmut_fetch_add(finished, 1)
            })
        }
        // The run's mix (`mmu.swarm`: one subset for every mmu thread).
        let mix = params.activeMMUWeights()
        for j in 0..<mmuThreads {
            let p = NativePlatform<R>(threadIndex: vcpus + j, state: states + vcpus + j, perturbation: perturb)
            let pinTo = cpu(vcpus + j)
            threads.append(spawnRCUThread(R.self) {
                if let pinTo { Placement.pin(toCPU: pinTo) }
                vm.mmuLoop(p, weights: mix, hotFrames: params.workload.hotFrames, checker: checker,
                           keepRunning: { mmut_load_acquire(finished) < UInt64(vcpus) })
            })
        }

        // The main thread: time, budget, interrupts, watchdog, progress.
        let stop = vm.global(VM.Global.stop)
        var lastBeats = [UInt64](repeating: 0, count: threadCount)
        var lastChange = [UInt64](repeating: start, count: threadCount)
        var lastProgress = start
        var interrupted = false
        var stalled: String?
        // The main thread audits under the mmu-lock now and then; it never
        // reads under RCU, so it stays unregistered.
        let mainPlatform = NativePlatform<NoRCU>(threadIndex: threadCount - 1, state: states + (threadCount - 1),
                                                 perturbation: .off)
        var lastAudit = start
        let auditInterval = params.checker.auditInterval.nanoseconds
        while true {
            usleep(5_000)
            let now = monotonicNanoseconds()
            if mmut_load_acquire(stop) != 0 { break }
            if mmut_interrupt_signal() != 0 { interrupted = true; break }
            if params.durationNanoseconds > 0 && now - start >= params.durationNanoseconds { break }
            if mmut_load_acquire(finished) == UInt64(vcpus) { break }
            for t in 0..<(vcpus + mmuThreads) {
                let beat = withUnsafeMutablePointer(to: &states[t].heartbeat) { mmut_load_relaxed($0) }
                if beat != lastBeats[t] { lastBeats[t] = beat; lastChange[t] = now }
                let done = t < vcpus && perVCPUBudget > 0 && beat * UInt64(VM.guestBatch) >= perVCPUBudget
                if !done && now - lastChange[t] > params.watchdogNanoseconds && stalled == nil {
                    stalled = describeStall(vm: vm, thread: t, names: names, silentFor: now - lastChange[t],
                                            states: states, mmuThreads: mmuThreads)
                }
            }
            if stalled != nil { break }
            if params.vm.checks && auditInterval > 0 && now - lastAudit >= auditInterval {
                lastAudit = now
                vm.audit(mainPlatform, checker: checker)
            }
            if let progress, now - lastProgress >= 500_000_000 {
                lastProgress = now
                var acc: UInt64 = 0, fixed: UInt64 = 0
                for t in 0..<vcpus { acc &+= states[t].value(.accesses); fixed &+= states[t].value(.fastFixed) }
                progress(ProgressSnapshot(elapsedSeconds: Double(now - start) / 1e9,
                                          budgetSeconds: Double(params.durationNanoseconds) / 1e9,
                                          accesses: acc, faultsFixed: fixed, violations: log.total))
            }
        }
        mmut_store_release(stop, 1)
        if let stalled {
            // The stalled thread cannot be joined: keep everything alive and
            // let the caller exit 3 with the threads' states.
            _ = Unmanaged.passRetained(storage)
            return RunResult(outcome: .error, seed: params.seed, counters: [], histograms: [], violations: [],
                             durationSeconds: Double(monotonicNanoseconds() - start) / 1e9,
                             activePerturbPoints: active, interrupted: interrupted,
                             harnessError: "watchdog: " + stalled)
        }
        for t in threads { t.join() }
        let elapsed = Double(monotonicNanoseconds() - start) / 1e9

        // The end of the "migration" and the end-of-run audit, with every
        // vCPU stopped.
        if log.total == 0 || !params.stopOnFirstViolation {
            vm.endOfRunChecks(mainPlatform, vcpus: locals, dirtyLog: params.mmu.dirtyLog > 0 && !interrupted, checker: checker)
        }

        let result = collect(vm: vm, params: params, states: states, threadCount: threadCount, names: names,
                             log: log, elapsed: elapsed, active: active, interrupted: interrupted)
        for i in 0..<vcpus { locals[i].deallocate() }
        locals.deallocate()
        for t in 0..<threadCount { states[t].ring.deallocate() }
        states.deinitialize(count: threadCount)
        states.deallocate()
        finished.deallocate()
        sampler.deallocate()
        withExtendedLifetime(storage) {}
        return result
    }

    static func describeStall(vm: VM, thread: Int, names: ThreadNames, silentFor: UInt64,
                              states: UnsafeMutablePointer<ThreadState>, mmuThreads: Int) -> String {
        var lines = ["\(names.name(thread)) made no progress for \(silentFor / 1_000_000) ms; every thread's state:"]
        for v in 0..<vm.vcpuCount {
            let mode = mmut_load_relaxed(vm.vcpuWord(v, VM.VCPUWord.mode)) == VM.modeInGuest ? "in-guest" : "outside-guest"
            let req = String(mmut_load_relaxed(vm.vcpuWord(v, VM.VCPUWord.requests)), radix: 16)
            lines.append("  vcpu\(v): mode=\(mode) requests=0x\(req) batches=\(states[v].heartbeat)")
        }
        let ops = ["write-protect", "unprotect", "dirty-log", "zap-all (may wait for a grace period)",
                   "invalidate-range", "invalidate-page", "audit"]
        for j in 0..<mmuThreads {
            let t = vm.vcpuCount + j
            let a = Int(states[t].activity)
            let doing = a >= 1 && a <= ops.count ? ops[a - 1] : "starting"
            lines.append("  mmu\(j): last operation \(doing), operations=\(states[t].heartbeat)")
        }
        let owner = mmut_load_relaxed(vm.mmuLock.owner)
        lines.append("  mmu-lock: " + (owner == 0 ? "free" : "held by \(names.name(Int(owner) - 1))"))
        return lines.joined(separator: "\n")
    }

    static func collect(vm: VM, params: RunParameters, states: UnsafeMutablePointer<ThreadState>, threadCount: Int,
                        names: ThreadNames, log: ViolationLog, elapsed: Double, active: [PerturbPoint],
                        interrupted: Bool) -> RunResult {
        var counters: [(String, UInt64)] = []
        for c in Counter.allCases {
            var total: UInt64 = 0
            for t in 0..<threadCount { total &+= states[t].value(c) }
            counters.append((c.name, total))
        }
        var retries: [(String, UInt64)] = []
        for b in 0..<retryHistogramBuckets {
            var total: UInt64 = 0
            for t in 0..<threadCount { total &+= states[t].retries(b) }
            retries.append((b == retryHistogramBuckets - 1 ? "\(b)+" : "\(b)", total))
        }
        func value(_ c: Counter) -> UInt64 { counters.first { $0.0 == c.name }!.1 }
        let fastOutcomes: [(String, UInt64)] = [
            ("fixed", value(.fastFixed)), ("spurious", value(.fastSpurious)), ("flag-seen", value(.fastFlagSeen)),
            ("to-slow", value(.fastToSlow)), ("ineligible", value(.fastIneligible)),
        ]
        let rings = (0..<threadCount).map { states[$0].ring.snapshot() }
        let violations = log.records().map { r -> ViolationReport in
            let trace = TraceRenderer.merge(rings: rings, until: r.time, limit: 40, names: names, layout: vm.layout)
            var msg = r.detail.text
            if let gfn = r.gfn { msg += " (gfn \(gfn))" }
            return ViolationReport(invariant: r.invariant, message: msg, gfn: r.gfn, vcpu: r.vcpu,
                                   thread: names.name(r.thread),
                                   sptes: r.sptes.map { SPTE.describe($0, layout: vm.layout) }, trace: trace)
        }
        return RunResult(outcome: violations.isEmpty ? .pass : .fail, seed: params.seed,
                         counters: counters.map { (name: $0.0, value: $0.1) },
                         histograms: [(name: "fast_path_outcomes", buckets: fastOutcomes.map { (label: $0.0, count: $0.1) }),
                                      (name: "fast_path_retries", buckets: retries.map { (label: $0.0, count: $0.1) })],
                         violations: violations, durationSeconds: elapsed, activePerturbPoints: active,
                         interrupted: interrupted, harnessError: nil)
    }
}
