import URCUShim

/// Measurements behind the deterministic mode's design ("choose the
/// thread-switch mechanism with care; measure the options"). Figures, never
/// assertions: nothing here is a timed test.
public enum SimBenchmark {
    /// One-way switches per second of each mechanism considered for the
    /// simulated threads: the assembly coroutine switch the executor uses,
    /// glibc's swapcontext, and hand-offs between two real threads (futex,
    /// POSIX semaphores), which is what a thread-per-simulated-thread design
    /// would pay at every scheduling point.
    public static func switchRates(switches: UInt64 = 4_000_000) -> [(name: String, switchesPerSecond: Double)] {
        let handoffs = max(2, switches / 40)
        return [
            ("asm coroutine (mmut_coro_switch)", 1e9 / mmut_coro_bench_asm(switches)),
            ("ucontext swapcontext", 1e9 / mmut_coro_bench_ucontext(max(2, switches / 10))),
            ("pthread hand-off, futex", 1e9 / mmut_coro_bench_futex(handoffs)),
            ("pthread hand-off, semaphores", 1e9 / mmut_coro_bench_semaphore(handoffs)),
        ]
    }

    /// Simulated steps per second of a synthetic workload: `threads` threads,
    /// each performing `operations` platform operations on a few shared words
    /// (loads, stores, a locked add every 8th, a full barrier every 16th),
    /// one execution under `scheduler`.
    public static func simulatedSteps(threads: Int = 4, operations: Int = 250_000, memoryModel: SimMemoryModel = .tso,
                                      scheduler: SimScheduler) -> (execution: SimExecution, stepsPerSecond: Double) {
        var options = SimExecutor.Options()
        options.memoryModel = memoryModel
        options.stepLimit = .max
        let executor = SimExecutor(threadCount: threads, options: options)
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 8)
        words.initialize(repeating: 0, count: 8)
        defer { words.deallocate() }
        let body: SimExecutor.Body = { p in
            let mine = words + (p.threadIndex & 3)
            var acc: UInt64 = 0
            for i in 0..<operations {
                switch i & 15 {
                case 7: acc &+= p.fetchAdd(words + 4, 1)
                case 15: p.fullBarrier()
                case 1, 3, 5, 9, 11, 13: p.store(mine, acc &+ UInt64(i))
                default: acc &+= p.load(words + (i & 3))
                }
            }
            words[5] = acc
        }
        let e = executor.run(scheduler: scheduler, Array(repeating: body, count: threads))!
        return (e, e.stepsPerSecond)
    }
}
