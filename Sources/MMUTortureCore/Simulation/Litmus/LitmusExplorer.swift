/// Runs a litmus program over every interleaving of its threads' steps and
/// store-buffer flushes (exhaustive search, no preemption bound) on the
/// simulated platform: the one exploration loop behind the built-in
/// catalogue (`LitmusTest`) and the herd7-format tests (`HerdLitmusTest`).
///
/// The program's state is `memoryWords` shared 64-bit locations and
/// `registerWords` private words; `reset` gives both their initial values
/// before each execution, `record` reads the final state after each
/// execution that completed.
public struct LitmusExplorer {
    /// What one exploration did, besides what `record` saw.
    public struct Totals: Sendable {
        public var executions = 0
        public var steps: UInt64 = 0
        /// Executions that did not complete (deadlock, step limit).
        public var incomplete = 0
        /// Every interleaving was covered and the program was deterministic.
        public var exhaustive = false
        public var elapsedNanoseconds: UInt64 = 0
    }

    public typealias Body = (SimPlatform, UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Void

    public let memoryWords: Int
    public let registerWords: Int
    public let model: SimMemoryModel
    public let stepLimit: UInt64

    public init(memoryWords: Int, registerWords: Int, model: SimMemoryModel = .tso, stepLimit: UInt64 = 10_000) {
        self.memoryWords = max(1, memoryWords)
        self.registerWords = max(1, registerWords)
        self.model = model
        self.stepLimit = stepLimit
    }

    /// Explores every interleaving of `threads` (each gets its platform, the
    /// memory and the register words).
    public func explore(threads: [Body],
                        reset: (UnsafeMutablePointer<UInt64>, UnsafeMutablePointer<UInt64>) -> Void,
                        record: (UnsafePointer<UInt64>, UnsafePointer<UInt64>) -> Void) -> Totals {
        var options = SimExecutor.Options()
        options.memoryModel = model
        options.stepLimit = stepLimit
        options.stackSize = 64 * 1024
        let executor = SimExecutor(threadCount: threads.count, options: options)
        let memory = UnsafeMutablePointer<UInt64>.allocate(capacity: memoryWords)
        let regs = UnsafeMutablePointer<UInt64>.allocate(capacity: registerWords)
        defer { memory.deallocate(); regs.deallocate() }
        let bodies: [SimExecutor.Body] = threads.map { body in { p in body(p, memory, regs) } }
        let dfs = BoundedDFSScheduler(preemptionBound: nil)
        var totals = Totals()
        let start = monotonicNanoseconds()
        executor.explore(scheduler: dfs, makeBodies: {
            memory.initialize(repeating: 0, count: memoryWords)
            regs.initialize(repeating: 0, count: registerWords)
            reset(memory, regs)
            return bodies
        }) { e in
            totals.executions += 1
            totals.steps += e.steps
            if e.outcome == .completed { record(memory, regs) } else { totals.incomplete += 1 }
            return true
        }
        totals.elapsedNanoseconds = monotonicNanoseconds() - start
        totals.exhaustive = dfs.isExhausted && !dfs.nondeterminismDetected
        return totals
    }
}
