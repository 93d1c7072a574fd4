#if canImport(Glibc)
import Glibc
#endif
import URCUShim

/// Small measurements of the primitives the protocol is built from, taken
/// side by side in one process. Figures, never assertions.
public enum Microbench {
    /// Nanoseconds per iteration of `body`, best of `rounds` rounds.
    static func measure(iterations: Int, rounds: Int = 5, _ body: (Int) -> Void) -> Double {
        var best = Double.infinity
        for _ in 0..<rounds {
            let t0 = monotonicNanoseconds()
            body(iterations)
            let dt = Double(monotonicNanoseconds() - t0) / Double(iterations)
            best = min(best, dt)
        }
        return best
    }

    /// Read lock + unlock of flavour `R`, ns per pair, on a registered thread.
    public static func readLockUnlock<R: RCUFlavor>(_ flavor: R.Type, iterations: Int) -> Double {
        var result = 0.0
        let t = spawnRCUThread(R.self) {
            result = measure(iterations: iterations) { n in
                for _ in 0..<n {
                    R.readLock()
                    mmut_compiler_barrier()
                    R.readUnlock()
                }
            }
            if R.name == .qsbr { R.threadOffline() }
        }
        t.join()
        return result
    }

    /// An uncontended `lock cmpxchg` through the C shim, ns.
    public static func shimCmpxchg(iterations: Int) -> Double {
        let w = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        w.initialize(to: 0)
        defer { w.deallocate() }
        return measure(iterations: iterations) { n in
            for i in 0..<n {
                var e = UInt64(i)
                _ = mmut_cmpxchg(w, &e, UInt64(i + 1))
            }
        }
    }

    /// Which bare loop `bareFastPath` runs.
    public enum BareLoop: Sendable {
        /// The loop in Swift, generic over the RCU flavour as the paths are.
        case swift
        /// The same loop in C (`mmut_bare_fast_path_memb`, compiled -O2):
        /// the physical limit.
        case c
    }

    /// The bare fast path: RCU read lock, a 4-level walk, the spte load, the
    /// one-byte id store, smp_mb, the flag load, the final cmpxchg, a reset
    /// of the spte, unlock. No harness around it. Operations per second
    /// over all threads. `.c` always uses the memb flavour (inline).
    public static func bareFastPath<R: RCUFlavor>(_ flavor: R.Type, threads: Int, shared: Bool,
                                                  durationNanoseconds: UInt64, loop: BareLoop = .swift) -> Double {
        // A 4-level table in raw memory: 4 pages of 512 words per thread.
        let tables = shared ? 1 : threads
        let mem = UnsafeMutablePointer<UInt64>.allocate(capacity: tables * 4 * 512 + 8)
        mem.initialize(repeating: 0, count: tables * 4 * 512 + 8)
        defer { mem.deallocate() }
        let readOnly = SPTE.leaf(pfn: 7, writable: false, hostWritable: true).raw
        for t in 0..<tables {
            let base = t * 4 * 512
            for level in 0..<3 { mem[base + level * 512 + 5] = SPTE.nonLeaf(child: base / 512 + level + 1).raw }
            mem[base + 3 * 512 + 5] = readOnly
        }
        let flag = mem + tables * 4 * 512
        let counts = UnsafeMutablePointer<UInt64>.allocate(capacity: threads * 8)
        counts.initialize(repeating: 0, count: threads * 8)
        defer { counts.deallocate() }
        let stop = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        stop.initialize(to: 0)
        defer { stop.deallocate() }
        let workers = (0..<threads).map { t in
            spawnRCUThread(R.self) {
                let root = shared ? 0 : t * 4
                let id = UInt64(t + 1)
                switch loop {
                case .swift:
                    counts[t * 8] = swiftBareLoop(R.self, mem: mem, root: root, flag: flag, id: id, stop: stop)
                case .c:
                    counts[t * 8] = mmut_bare_fast_path_memb(mem, UInt64(root), flag, id, stop)
                }
                if R.name == .qsbr { R.threadOffline() }
            }
        }
        let t0 = monotonicNanoseconds()
        usleep(useconds_t(durationNanoseconds / 1000))
        mmut_store_release(stop, 1)
        workers.forEach { $0.join() }
        let dt = Double(monotonicNanoseconds() - t0) / 1e9
        var total: UInt64 = 0
        for t in 0..<threads { total &+= counts[t * 8] }
        return Double(total) / dt
    }

    /// The Swift bare loop (see `bareFastPath`); returns the successful cmpxchgs.
    @inline(never)
    static func swiftBareLoop<R: RCUFlavor>(_ flavor: R.Type, mem: UnsafeMutablePointer<UInt64>, root: Int,
                                            flag: UnsafeMutablePointer<UInt64>, id: UInt64,
                                            stop: UnsafeMutablePointer<UInt64>) -> UInt64 {
        let layout = IdentificationLayout.vmx
        var n: UInt64 = 0
        while mmut_load_relaxed(stop) == 0 {
            for _ in 0..<256 {
                R.readLock()
                var page = root
                for _ in 0..<3 { page = SPTE(raw: mmut_load_acquire(mem + (page &* 512 &+ 5))).childIndex }
                let sp = mem + (page &* 512 &+ 5)
                let spte = mmut_load_acquire(sp)
                let clean = layout.withoutIdentification(spte) & ~SPTE.writableMask
                let marked = layout.marked(clean, id: id)
                mmut_store_top_byte(sp, layout.topByte(marked))
                mmut_smp_mb()
                if mmut_load_acquire(flag) == 0 {
                    var e = marked
                    if mmut_cmpxchg(sp, &e, clean | SPTE.writableMask) { n &+= 1 }
                }
                mmut_store_release(sp, clean)   // reset for the next round
                R.readUnlock()
            }
            R.quiescentState()
        }
        return n
    }
}
