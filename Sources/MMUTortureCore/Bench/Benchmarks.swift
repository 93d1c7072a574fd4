#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Histogram
import URCUShim

/// One figure of `mmutorture bench`.
public struct BenchFigure: Sendable {
    public var name: String
    public var value: Double
    public var detail: String
    public var target: String?
}

/// The performance suite: every figure is a ratio of two things
/// measured side by side, alternating, in the same process.
public enum Benchmarks {
    /// How long each measured leg runs.
    public struct Options: Sendable {
        public var legNanoseconds: UInt64 = 1_000_000_000
        public var rounds = 2
        public var rssSeconds = 60.0
        public init(quick: Bool) {
            if quick {
                legNanoseconds = 300_000_000
                rounds = 1
                rssSeconds = 10
            }
        }
    }

    // MARK: the harness's own fast path in a tight loop

    /// Fast-path fixes per second per vCPU through the harness's real path
    /// functions (`VM.fastPageFault`, with tracing, counters and the
    /// rcu-lifetime checks on), each fix followed by a reset of the spte to
    /// read-only, like the bare loop. Optionally records each fault's
    /// latency in ns.
    /// `protocolName: .tdpMMU` with `fastPath: false` measures the TDP
    /// MMU's page fault under the mmu-lock held for read
    /// (`VM.tdpPageFault`), the vCPUs faulting in parallel.
    static func harnessFastPath<R: RCUFlavor>(_ flavor: R.Type, threads: Int, shared: Bool, durationNanoseconds: UInt64,
                                             fastPath: Bool = true, protocolName: ProtocolName = .vcpuID,
                                             latency: UnsafeMutablePointer<Histogram<UInt64>>? = nil) -> Double {
        var config = VMConfig()
        config.frames = 256
        config.vcpus = threads
        var ops = ProtocolOps(protocolName: protocolName)
        ops.fastPathEnabled = fastPath
        config.ops = ops
        let storage = VMStorage(config: config)
        let vm = storage.vm
        let log = ViolationLog()
        let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
        let states = UnsafeMutablePointer<ThreadState>.allocate(capacity: threads)
        let locals = UnsafeMutablePointer<VCPULocal>.allocate(capacity: threads)
        for t in 0..<threads {
            (states + t).initialize(to: ThreadState(depth: 64, seed: UInt64(t + 1)))
            (locals + t).initialize(to: VCPULocal(id: t, identification: UInt64(t + 1), tlbEntries: 16))
        }
        let counts = UnsafeMutablePointer<UInt64>.allocate(capacity: threads * 8)
        counts.initialize(repeating: 0, count: threads * 8)
        let stop = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        stop.initialize(to: 0)
        let ready = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        ready.initialize(to: 0)
        let tscPerNs = tscTicksPerNanosecond
        let workers = (0..<threads).map { t in
            spawnRCUThread(R.self) {
                let p = NativePlatform<R>(threadIndex: t, state: states + t, perturbation: .off)
                let v = locals + t
                // Disjoint sptes sit on separate cache lines.
                let gfn = shared ? 0 : t * 8
                let tdp = vm.isTDP
                if tdp {
                    while vm.tdpPageFault(p, v, addr: gfn, gfn: gfn, write: false, checker: checker) != .installed {}
                } else {
                    _ = vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: false, checker: checker)
                }
                _ = mmut_fetch_add(ready, 1)
                while mmut_load_acquire(ready) < UInt64(threads) { mmut_cpu_relax() }
                let sp = tdp ? vm.tdpWalk(p, root: v.pointee.root - 1, gfn: gfn, level: 1)!
                             : vm.sptep(global: vm.rmapEntry(gfn: gfn, 0))
                var n: UInt64 = 0
                while mmut_load_relaxed(stop) == 0 {
                    for _ in 0..<64 {
                        let t0 = latency == nil ? 0 : mmut_rdtsc()
                        let fixed: Bool
                        if fastPath {
                            fixed = vm.fastPageFault(p, v, addr: gfn, gfn: gfn, checker: checker) == .fixed
                        } else if tdp {
                            fixed = vm.tdpPageFault(p, v, addr: gfn, gfn: gfn, write: true, checker: checker) == .installed
                        } else {
                            fixed = vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: true, checker: checker) == .installed
                        }
                        if let latency {
                            latency.pointee.record(UInt64(Double(mmut_rdtsc() &- t0) / tscPerNs))
                        }
                        if fixed { n &+= 1 }
                        // Reset to read-only, as a dirty-log harvest would.
                        let cur = p.load(sp)
                        p.store(sp, cur & ~SPTE.writableMask)
                    }
                    R.quiescentState()
                }
                counts[t * 8] = n
                if R.name == .qsbr { R.threadOffline() }
            }
        }
        while mmut_load_acquire(ready) < UInt64(threads) { usleep(100) }
        let t0 = monotonicNanoseconds()
        usleep(useconds_t(durationNanoseconds / 1000))
        mmut_store_release(stop, 1)
        workers.forEach { $0.join() }
        let seconds = Double(monotonicNanoseconds() - t0) / 1e9
        var total: UInt64 = 0
        for t in 0..<threads { total &+= counts[t * 8] }
        for t in 0..<threads { states[t].ring.deallocate(); locals[t].deallocate() }
        states.deallocate(); locals.deallocate(); counts.deallocate(); stop.deallocate(); ready.deallocate()
        withExtendedLifetime(storage) {}
        return Double(total) / seconds / Double(threads)
    }

    /// TSC ticks per nanosecond, measured once against CLOCK_MONOTONIC.
    static let tscTicksPerNanosecond: Double = {
        let n0 = monotonicNanoseconds(), c0 = mmut_rdtsc()
        usleep(50_000)
        let n1 = monotonicNanoseconds(), c1 = mmut_rdtsc()
        return Double(c1 &- c0) / Double(n1 - n0)
    }()

    /// Alternates `a` and `b` `rounds` times and returns the best of each.
    static func sideBySide(rounds: Int, _ a: () -> Double, _ b: () -> Double) -> (Double, Double) {
        var bestA = 0.0, bestB = 0.0
        for _ in 0..<rounds {
            bestA = max(bestA, a())
            bestB = max(bestB, b())
        }
        return (bestA, bestB)
    }

    // MARK: full-harness runs

    static func runRate(_ params: RunParameters, _ counter: Counter) -> Double {
        let r = NativeRunner.run(params)
        return Double(r.counter(counter)) / max(r.durationSeconds, 1e-9)
    }

    static func residentBytes() -> Double {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var size = 0, resident = 0
        guard withUnsafeMutablePointer(to: &size, { s in
            withUnsafeMutablePointer(to: &resident) { r in vfscanf_statm(f, s, r) }
        }) else { return 0 }
        return Double(resident) * Double(sysconf(Int32(_SC_PAGESIZE)))
    }

    static func vfscanf_statm(_ f: UnsafeMutablePointer<FILE>, _ s: UnsafeMutablePointer<Int>, _ r: UnsafeMutablePointer<Int>) -> Bool {
        var buf = [CChar](repeating: 0, count: 256)
        guard fgets(&buf, 256, f) != nil else { return false }
        let parts = String(cString: buf).split(separator: " ")
        guard parts.count >= 2, let a = Int(parts[0]), let b = Int(parts[1]) else { return false }
        s.pointee = a; r.pointee = b
        return true
    }

    /// Runs the whole suite. `deterministic`, when given, measures the
    /// deterministic mode: (steps per second, executions per second).
    public static func run(options o: Options, progress: (String) -> Void,
                           deterministic: (() -> (Double, Double))? = nil) -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let leg = o.legNanoseconds

        // 1. fast_path_vs_limit
        for (threads, shared) in [(1, false), (2, false), (2, true)] {
            progress("fast path vs bare loop, \(threads) vCPU(s), \(shared ? "shared" : "disjoint") sptes")
            let (h, b) = sideBySide(rounds: o.rounds,
                                    { harnessFastPath(MembRCU.self, threads: threads, shared: shared, durationNanoseconds: leg) },
                                    { Microbench.bareFastPath(MembRCU.self, threads: threads, shared: shared, durationNanoseconds: leg) / Double(threads) })
            let name = "fast_path_vs_limit_\(threads)vcpu_\(shared ? "shared" : "disjoint")"
            figures.append(BenchFigure(name: name, value: h / b,
                                       detail: String(format: "harness %.2fM fixes/s/vCPU vs bare %.2fM/s/thread", h / 1e6, b / 1e6),
                                       target: ">= 0.30"))
        }
        if let first = figures.first {
            figures.insert(BenchFigure(name: "fast_path_vs_limit", value: first.value, detail: "= 1 vCPU, disjoint", target: ">= 0.30"), at: 0)
        }

        // 2. fast_vs_locked
        var fastVsLocked2 = 0.0
        for vcpus in [1, 2, 4] {
            progress("write faults with the fast path vs every fault under the mmu-lock, \(vcpus) vCPU(s)")
            // The same loop of write faults on read-only sptes, fixed by the
            // fast path, or by the slow path under the mmu-lock.
            let (f, l) = sideBySide(rounds: o.rounds,
                                    { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: true) },
                                    { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: false) })
            if vcpus == 2 { fastVsLocked2 = f / l }
            figures.append(BenchFigure(name: "fast_vs_locked_\(vcpus)vcpu", value: f / l,
                                       detail: String(format: "%.2fM vs %.2fM write faults fixed/s/vCPU", f / 1e6, l / 1e6),
                                       target: vcpus == 2 ? ">= 5" : nil))
        }
        figures.append(BenchFigure(name: "fast_vs_locked", value: fastVsLocked2, detail: "= 2 vCPUs", target: ">= 5"))

        // 2b. the TDP MMU's page fault under the read lock, beside the
        // rmap-era slow path under the exclusive lock (the same loop).
        for vcpus in [1, 2, 4] {
            progress("TDP MMU faults under the read lock vs rmap-era faults under the mmu-lock, \(vcpus) vCPU(s)")
            let (t, l) = sideBySide(rounds: o.rounds,
                                    { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg,
                                                      fastPath: false, protocolName: .tdpMMU) },
                                    { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: false) })
            figures.append(BenchFigure(name: "tdp_read_lock_faults_\(vcpus)vcpu", value: t / l,
                                       detail: String(format: "tdp-mmu %.2fM vs vcpu-id %.2fM write faults/s/vCPU", t / 1e6, l / 1e6)))
        }

        // 3. checker_overhead
        progress("the default campaign with the checker on vs off")
        // A steady mix (no invalidation storms, whose refault rate swings
        // from run to run), no perturbation, same seed on both sides.
        var on = RunParameters(), off = RunParameters()
        on.durationNanoseconds = leg; on.perturbProbability = 0
        on.mmu = .only(writeProtect: 4, unprotect: 4, dirtyLog: 1, audit: 1)
        off = on
        off.vm.checks = false
        off.mmu.audit = 0
        let (tOn, tOff) = sideBySide(rounds: o.rounds + 1, { runRate(on, .accesses) }, { runRate(off, .accesses) })
        figures.append(BenchFigure(name: "checker_overhead", value: 1 - tOn / tOff,
                                   detail: String(format: "%.2fM vs %.2fM accesses/s", tOn / 1e6, tOff / 1e6), target: "<= 0.15"))

        // 4. RCU flavours, ratio to memb, on the harness fast path (2 vCPUs).
        progress("RCU flavours on the fast path")
        var memb = 0.0
        var rates: [(RCUFlavorName, Double)] = []
        for _ in 0..<o.rounds {
            for (name, rate) in [(RCUFlavorName.memb, { harnessFastPath(MembRCU.self, threads: 2, shared: false, durationNanoseconds: leg) }),
                                 (.qsbr, { harnessFastPath(QSBRRCU.self, threads: 2, shared: false, durationNanoseconds: leg) }),
                                 (.mb, { harnessFastPath(MBRCU.self, threads: 2, shared: false, durationNanoseconds: leg) }),
                                 (.bp, { harnessFastPath(BPRCU.self, threads: 2, shared: false, durationNanoseconds: leg) })] {
                let r = rate()
                if let i = rates.firstIndex(where: { $0.0 == name }) { rates[i].1 = max(rates[i].1, r) } else { rates.append((name, r)) }
            }
        }
        memb = rates.first { $0.0 == .memb }?.1 ?? 1
        for (name, r) in rates {
            figures.append(BenchFigure(name: "rcu_\(name.rawValue)_vs_memb", value: r / memb,
                                       detail: String(format: "%.2fM fixes/s/vCPU", r / 1e6)))
        }

        // 5. deterministic mode
        if let deterministic {
            progress("deterministic mode")
            let (steps, execs) = deterministic()
            figures.append(BenchFigure(name: "deterministic_steps_per_s", value: steps, detail: "simulated steps per second", target: ">= 1000000"))
            figures.append(BenchFigure(name: "deterministic_executions_per_s", value: execs, detail: "executions per second"))
        }

        // 6. fault latency
        progress("fault latency (HdrHistogram)")
        let fastH = UnsafeMutablePointer<Histogram<UInt64>>.allocate(capacity: 1)
        fastH.initialize(to: Histogram<UInt64>(highestTrackableValue: 10_000_000_000))
        let slowH = UnsafeMutablePointer<Histogram<UInt64>>.allocate(capacity: 1)
        slowH.initialize(to: Histogram<UInt64>(highestTrackableValue: 10_000_000_000))
        _ = harnessFastPath(MembRCU.self, threads: 1, shared: false, durationNanoseconds: leg, fastPath: true, latency: fastH)
        _ = harnessFastPath(MembRCU.self, threads: 1, shared: false, durationNanoseconds: leg, fastPath: false, latency: slowH)
        for (label, h) in [("fast", fastH), ("slow", slowH)] {
            let d = h.pointee
            figures.append(BenchFigure(name: "p99_\(label)_ns", value: Double(d.valueAtPercentile(99)),
                                       detail: "p50 \(d.valueAtPercentile(50)) ns, p99 \(d.valueAtPercentile(99)) ns, p99.9 \(d.valueAtPercentile(99.9)) ns, \(d.totalCount) faults"))
        }
        fastH.deinitialize(count: 1); fastH.deallocate()
        slowH.deinitialize(count: 1); slowH.deallocate()

        // Primitive costs: read-side sections per flavour, and an
        // uncontended cmpxchg through the shim and through swift-atomics.
        progress("primitives")
        let n = o.rounds > 1 ? 20_000_000 : 5_000_000
        for (name, ns) in [("memb", Microbench.readLockUnlock(MembRCU.self, iterations: n)),
                           ("qsbr", Microbench.readLockUnlock(QSBRRCU.self, iterations: n)),
                           ("mb", Microbench.readLockUnlock(MBRCU.self, iterations: n)),
                           ("bp", Microbench.readLockUnlock(BPRCU.self, iterations: n))] {
            figures.append(BenchFigure(name: "rcu_read_lock_unlock_ns_\(name)", value: ns, detail: "one read-side section, ns"))
        }
        let shim = Microbench.shimCmpxchg(iterations: n)
        let swiftAtomics = AtomicsComparison.unsafeAtomicCmpxchg(iterations: n)
        figures.append(BenchFigure(name: "cmpxchg_ns_shim", value: shim, detail: "lock cmpxchg via the C shim's __atomic builtin"))
        figures.append(BenchFigure(name: "cmpxchg_ns_unsafe_atomic", value: swiftAtomics, detail: "lock cmpxchg via swift-atomics UnsafeAtomic"))

        // 7. memory: RSS growth over a long run, once warm.
        progress("memory: RSS over a \(Int(o.rssSeconds)) s run")
        var rssParams = RunParameters()
        rssParams.durationNanoseconds = UInt64(o.rssSeconds * 1e9)
        var warm = 0.0, end = 0.0, start = residentBytes()
        let warmAt = o.rssSeconds * 0.2
        _ = NativeRunner.run(rssParams, progress: { s in
            if warm == 0 && s.elapsedSeconds >= warmAt { warm = residentBytes() }
            end = residentBytes()
        })
        if warm == 0 { warm = start }
        let minutes = (o.rssSeconds - warmAt) / 60
        let growth = (end - warm) / max(warm, 1) / max(minutes, 1e-9)
        figures.append(BenchFigure(name: "rss_growth_fraction", value: growth,
                                   detail: String(format: "per minute once warm: start %.1f MiB, warm %.1f MiB, end %.1f MiB",
                                                  start / 1048576, warm / 1048576, end / 1048576),
                                   target: "<= 0.01"))
        start = 0
        return figures
    }
}
