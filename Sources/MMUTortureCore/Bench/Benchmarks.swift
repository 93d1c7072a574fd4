#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Histogram
import URCUShim

/// One figure of `mmutorture bench`: the median over alternating rounds,
/// with the rounds' minimum and maximum, so a reader can tell signal from
/// noise.
public struct BenchFigure: Sendable {
    public var name: String
    /// The median of `samples`.
    public var value: Double
    public var detail: String
    public var target: String?
    /// One value per round (a ratio of two legs measured side by side, or a
    /// rate); empty for a single measurement.
    public var samples: [Double] = []

    public init(name: String, value: Double, detail: String, target: String? = nil) {
        self.name = name
        self.value = value
        self.detail = detail
        self.target = target
    }

    /// A figure of several rounds: its value is their median.
    public init(name: String, samples: [Double], detail: String, target: String? = nil) {
        self.init(name: name, value: Spread(samples).median, detail: detail, target: target)
        self.samples = samples
    }

    /// The rounds' spread (nil for a single measurement).
    public var spread: Spread? { samples.count > 1 ? Spread(samples) : nil }
}

/// Minimum, median and maximum of a figure's rounds.
public struct Spread: Sendable {
    public var min: Double
    public var median: Double
    public var max: Double

    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { min = 0; median = 0; max = 0; return }
        min = sorted[0]
        max = sorted[sorted.count - 1]
        let mid = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
}

/// The performance suite: every figure is a ratio of two things
/// measured side by side, alternating, in the same process.
public enum Benchmarks {
    /// How long each measured leg runs.
    public struct Options: Sendable {
        public var legNanoseconds: UInt64 = 1_000_000_000
        /// Rounds of alternating legs per figure (at least 3: a spread).
        public var rounds = 5
        public var rssSeconds = 60.0
        public init(quick: Bool) {
            if quick {
                legNanoseconds = 200_000_000
                rounds = 3
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
                                             latency: UnsafeMutablePointer<Histogram<UInt64>>? = nil,
                                             frames: Int = 256) -> Double {
        var config = VMConfig()
        config.frames = max(frames, threads * 8)
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

    /// Runs `legs` one after the other, `rounds` times (so every leg sees
    /// the same drift of a shared machine), and returns each leg's samples.
    static func alternate(rounds: Int, _ legs: [() -> Double]) -> [[Double]] {
        var samples = [[Double]](repeating: [], count: legs.count)
        for _ in 0..<rounds {
            for (i, leg) in legs.enumerated() { samples[i].append(leg()) }
        }
        return samples
    }

    /// Round-by-round ratios of two legs' samples.
    static func ratios(_ a: [Double], _ b: [Double]) -> [Double] {
        zip(a, b).map { $0 / max($1, 1e-12) }
    }

    /// `1.23M` for a rate.
    static func millions(_ samples: [Double]) -> String { String(format: "%.2fM", Spread(samples).median / 1e6) }

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

    /// Resets the kernel's record of this process's peak RSS (VmHWM), so the
    /// next `peakResidentBytes()` is the peak of what ran in between
    /// (`/proc/self/clear_refs`, Linux 4.0 and later). False if refused.
    @discardableResult
    static func resetPeakResident() -> Bool {
        guard let f = fopen("/proc/self/clear_refs", "w") else { return false }
        defer { fclose(f) }
        return fputs("5", f) >= 0
    }

    /// This process's peak RSS since the last reset (VmHWM), in bytes.
    static func peakResidentBytes() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kib = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kib * 1024
    }

    /// Runs `body` `rounds` times: its results, and the highest peak RSS
    /// any round reached (the peak is reset before each round).
    static func roundsWithPeakResident(_ rounds: Int, _ body: () -> Double) -> (samples: [Double], peak: Double) {
        var peak = 0.0
        let samples = (0..<rounds).map { _ in
            resetPeakResident()
            let value = body()
            peak = max(peak, peakResidentBytes())
            return value
        }
        return (samples, peak)
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
                           deterministic: ((DeterministicBenchCase, UInt64) -> DeterministicBenchRate)? = nil)
        -> [BenchFigure] {
        var figures: [BenchFigure] = []
        let leg = o.legNanoseconds

        // 1. fast_path_vs_limit: the harness against the bare loop of the
        // same primitives in C (the physical limit), and the bare loop in
        // Swift against the same C loop; three legs alternating.
        for (threads, shared) in [(1, false), (2, false), (2, true)] {
            progress("fast path vs bare loops (Swift, C), \(threads) vCPU(s), \(shared ? "shared" : "disjoint") sptes")
            let per = Double(threads)
            let legs = alternate(rounds: o.rounds, [
                { harnessFastPath(MembRCU.self, threads: threads, shared: shared, durationNanoseconds: leg) },
                { Microbench.bareFastPath(MembRCU.self, threads: threads, shared: shared, durationNanoseconds: leg,
                                          loop: .swift) / per },
                { Microbench.bareFastPath(MembRCU.self, threads: threads, shared: shared, durationNanoseconds: leg,
                                          loop: .c) / per },
            ])
            let (h, sw, c) = (legs[0], legs[1], legs[2])
            let suffix = "_\(threads)vcpu_\(shared ? "shared" : "disjoint")"
            let isFirst = threads == 1
            figures.append(BenchFigure(name: "fast_path_vs_limit" + (isFirst ? "" : suffix), samples: ratios(h, c),
                                       detail: "harness \(millions(h)) fixes/s/vCPU vs C bare loop \(millions(c))/s/thread"
                                           + (isFirst ? " (1 vCPU, disjoint)" : ""),
                                       target: isFirst ? ">= 0.5" : nil))
            figures.append(BenchFigure(name: "swift_bare_vs_c" + (isFirst ? "" : suffix), samples: ratios(sw, c),
                                       detail: "Swift bare loop \(millions(sw))/s/thread vs C \(millions(c))/s/thread",
                                       target: isFirst ? ">= 0.9" : nil))
        }

        // 2. fast_vs_locked
        for vcpus in [1, 2, 4] {
            progress("write faults with the fast path vs every fault under the mmu-lock, \(vcpus) vCPU(s)")
            // The same loop of write faults on read-only sptes, fixed by the
            // fast path, or by the slow path under the mmu-lock.
            let legs = alternate(rounds: o.rounds, [
                { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: true) },
                { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: false) },
            ])
            figures.append(BenchFigure(name: vcpus == 2 ? "fast_vs_locked" : "fast_vs_locked_\(vcpus)vcpu",
                                       samples: ratios(legs[0], legs[1]),
                                       detail: "\(millions(legs[0])) vs \(millions(legs[1])) write faults fixed/s/vCPU"
                                           + (vcpus == 2 ? " (2 vCPUs)" : ""),
                                       target: vcpus == 2 ? ">= 5" : nil))
        }

        // 2b. the TDP MMU's page fault under the read lock, beside the
        // rmap-era slow path under the exclusive lock (the same loop).
        for vcpus in [1, 2, 4] {
            progress("TDP MMU faults under the read lock vs rmap-era faults under the mmu-lock, \(vcpus) vCPU(s)")
            let legs = alternate(rounds: o.rounds, [
                { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg,
                                  fastPath: false, protocolName: .tdpMMU) },
                { harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg, fastPath: false) },
            ])
            figures.append(BenchFigure(name: "tdp_read_lock_faults_\(vcpus)vcpu", samples: ratios(legs[0], legs[1]),
                                       detail: "tdp-mmu \(millions(legs[0])) vs vcpu-id \(millions(legs[1])) write faults/s/vCPU"))
        }

        // 3. checker_overhead
        progress("the default campaign with the checker on vs off")
        // A steady mix (no invalidation storms, whose refault rate swings
        // from run to run), no perturbation, same seed on both sides.
        var on = RunParameters(), off = RunParameters()
        on.durationNanoseconds = leg; on.perturb.probability = 0
        on.mmu = .only(writeProtect: 4, unprotect: 4, dirtyLog: 1, audit: 1)
        off = on
        off.vm.checks = false
        off.mmu.audit = 0
        let checker = alternate(rounds: o.rounds, [{ runRate(on, .accesses) }, { runRate(off, .accesses) }])
        figures.append(BenchFigure(name: "checker_overhead", samples: ratios(checker[0], checker[1]).map { 1 - $0 },
                                   detail: "\(millions(checker[0])) vs \(millions(checker[1])) accesses/s", target: "<= 0.15"))
        // The same with one vCPU beside the mmu thread: two threads on two
        // cores, so the mmu-lock's convoys of four vCPUs descheduled while
        // waiting (which swing the figure above from round to round) do not
        // drown the checker's own cost.
        progress("one vCPU and the mmu thread with the checker on vs off")
        on.vm.vcpus = 1
        off.vm.vcpus = 1
        let single = alternate(rounds: o.rounds, [{ runRate(on, .accesses) }, { runRate(off, .accesses) }])
        figures.append(BenchFigure(name: "checker_overhead_1vcpu", samples: ratios(single[0], single[1]).map { 1 - $0 },
                                   detail: "\(millions(single[0])) vs \(millions(single[1])) accesses/s, 1 vCPU"))

        // 4. RCU flavours, ratio to memb, on the harness fast path (2 vCPUs).
        progress("RCU flavours on the fast path")
        let flavours = alternate(rounds: o.rounds, [
            { harnessFastPath(MembRCU.self, threads: 2, shared: false, durationNanoseconds: leg) },
            { harnessFastPath(QSBRRCU.self, threads: 2, shared: false, durationNanoseconds: leg) },
            { harnessFastPath(MBRCU.self, threads: 2, shared: false, durationNanoseconds: leg) },
            { harnessFastPath(BPRCU.self, threads: 2, shared: false, durationNanoseconds: leg) },
        ])
        for (i, name) in [RCUFlavorName.memb, .qsbr, .mb, .bp].enumerated() where i > 0 {
            figures.append(BenchFigure(name: "rcu_\(name.rawValue)_vs_memb", samples: ratios(flavours[i], flavours[0]),
                                       detail: "\(millions(flavours[i])) vs \(millions(flavours[0])) fixes/s/vCPU"))
        }

        // 5. How the fast path's cost grows with vCPUs and guest memory.
        for vcpus in [1, 2, 4, 8, 16] {
            progress("scaling: fast path with \(vcpus) vCPU(s)")
            let (rates, peak) = roundsWithPeakResident(o.rounds) {
                harnessFastPath(MembRCU.self, threads: vcpus, shared: false, durationNanoseconds: leg)
            }
            figures.append(BenchFigure(name: "scaling_fast_path_\(vcpus)vcpu", samples: rates,
                                       detail: "fixes/s/vCPU, disjoint sptes; peak RSS \(mebibytes(peak))"))
        }
        for frames in [4096, 65_536, 1 << 20] {
            progress("scaling: a native run over \(frames) guest frames")
            var params = RunParameters()
            params.durationNanoseconds = leg
            params.perturb.probability = 0
            params.vm.frames = frames
            params.workload.pattern = .uniform
            let (rates, peak) = roundsWithPeakResident(o.rounds) { runRate(params, .accesses) }
            figures.append(BenchFigure(name: "scaling_frames_\(frames / 1024)k", samples: rates,
                                       detail: "guest accesses/s, default run, uniform over the frames; peak RSS \(mebibytes(peak))"))
        }

        // 6. deterministic mode: the default scenario, then how an
        // execution's cost grows with threads and with accesses per vCPU.
        if let deterministic {
            progress("deterministic mode, default scenario")
            let runs = (0..<o.rounds).map { _ in deterministic(DeterministicBenchCase(), leg) }
            figures.append(BenchFigure(name: "deterministic_steps_per_s", samples: runs.map(\.steps),
                                       detail: "simulated steps per second", target: ">= 1000000"))
            figures.append(BenchFigure(name: "deterministic_executions_per_s", samples: runs.map(\.executions),
                                       detail: "executions per second, default deterministic scenario", target: ">= 3000"))
            for threads in [2, 4, 8, 16] {
                progress("scaling: deterministic, \(threads) threads")
                var c = DeterministicBenchCase()
                c.vcpus = threads - 1
                let (execs, peak) = roundsWithPeakResident(o.rounds) { deterministic(c, leg).executions }
                figures.append(BenchFigure(name: "scaling_deterministic_\(threads)threads", samples: execs,
                                           detail: "executions/s, \(threads - 1) vCPUs + 1 mmu thread; peak RSS \(mebibytes(peak))"))
            }
            for accesses: UInt64 in [64, 256, 1024] {
                progress("scaling: deterministic, \(accesses) accesses per vCPU")
                var c = DeterministicBenchCase()
                c.accessesPerVCPU = accesses
                let (execs, peak) = roundsWithPeakResident(o.rounds) { deterministic(c, leg).executions }
                figures.append(BenchFigure(name: "scaling_deterministic_\(accesses)accesses", samples: execs,
                                           detail: "executions/s, \(accesses) accesses per vCPU; peak RSS \(mebibytes(peak))"))
            }
        }

        // 7. fault latency
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
        let n = o.legNanoseconds >= 1_000_000_000 ? 20_000_000 : 5_000_000
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

        // 8. memory: RSS growth over a long run, once warm.
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

/// One deterministic-mode measurement of `mmutorture bench`: the default
/// deterministic scenario, with these changes.
public struct DeterministicBenchCase: Sendable {
    /// vCPUs (nil: the default scenario's).
    public var vcpus: Int?
    /// Guest accesses per vCPU per execution (nil: the default).
    public var accessesPerVCPU: UInt64?
    public init() {}
}

/// What a deterministic measurement gives: simulated steps and executions per second.
public struct DeterministicBenchRate: Sendable {
    public var steps: Double
    public var executions: Double
    public init(steps: Double, executions: Double) {
        self.steps = steps
        self.executions = executions
    }
}

/// `12.3 MiB`.
func mebibytes(_ bytes: Double) -> String { String(format: "%.1f MiB", bytes / 1_048_576) }
