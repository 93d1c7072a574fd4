/// The decisions of the execution in progress, run-length encoded as
/// `SimSchedule` keeps them, in raw memory the executor owns and reuses
/// from one execution to the next: recording a decision (nearly every step)
/// is then a compare and a store, with no array uniqueness check and no
/// reallocation once the buffer has grown to an execution's length.
/// `schedule` copies it out once, at the end of the execution.
struct DecisionLog {
    private(set) var runs: UnsafeMutablePointer<SimSchedule.Run>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 1024) {
        self.capacity = max(1, capacity)
        runs = .allocate(capacity: self.capacity)
    }

    /// Frees the buffer (the owner's deinit).
    func deallocate() { runs.deallocate() }

    /// Empties the log, keeping its memory.
    @inline(__always)
    mutating func removeAll() { count = 0 }

    /// Appends one decision (merging it into the last run when equal), as
    /// `SimSchedule.append` does.
    @inline(__always)
    mutating func append(_ c: SimChoice) {
        if count > 0 && runs[count &- 1].choice == c {
            runs[count &- 1].count &+= 1
            return
        }
        if _slowPath(count == capacity) { grow() }
        (runs + count).initialize(to: SimSchedule.Run(choice: c, count: 1))
        count &+= 1
    }

    @inline(never)
    private mutating func grow() {
        let bigger = UnsafeMutablePointer<SimSchedule.Run>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: runs, count: count)
        runs.deallocate()
        runs = bigger
        capacity *= 2
    }

    /// The schedule these decisions make.
    func schedule(threadCount: Int, dataSeed: UInt64) -> SimSchedule {
        SimSchedule(threadCount: threadCount, dataSeed: dataSeed,
                    runs: Array(UnsafeBufferPointer(start: runs, count: count)))
    }
}
