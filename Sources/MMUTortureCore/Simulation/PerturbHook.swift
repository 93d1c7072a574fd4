/// What the simulated threads tell the deterministic mode's schedulers,
/// one word each per thread:
/// - `slots`: `(pass << 8) | (point + 1)` while the thread is at a
///   perturbation point (`DelayScheduler`), the point bits 0 otherwise;
/// - `ops`: the thread's progress, for the shrinker's `SegmentScheduler`
///   ("thread t runs until it has made this much progress"), ordered as a
///   number: `(operations other than loads and relax) << 40 |
///   (spin iterations since) << 20 | (loads since)`. A thread that spins
///   for a shorter time than when the segment was recorded (the thread it
///   waited for was removed) reaches the target at its next real
///   operation, so the later segments stay aligned;
/// - `done`: 1 once the thread's body has returned from its loop.
final class PerturbHook {
    let slots: UnsafeMutablePointer<UInt64>
    let ops: UnsafeMutablePointer<UInt64>
    let done: UnsafeMutablePointer<UInt64>
    let count: Int

    init(threads: Int) {
        count = threads
        slots = .allocate(capacity: threads)
        slots.initialize(repeating: 0, count: threads)
        ops = .allocate(capacity: threads)
        ops.initialize(repeating: 0, count: threads)
        done = .allocate(capacity: threads)
        done.initialize(repeating: 0, count: threads)
    }

    deinit {
        slots.deallocate()
        ops.deallocate()
        done.deallocate()
    }

    func reset() {
        for t in 0..<count {
            slots[t] = 0
            ops[t] = 0
            done[t] = 0
        }
    }
}
