import XCTest
@testable import MMUTortureCore

/// What the store-buffer tests share: eight zeroed words of memory, an
/// executor that records its steps, and every interleaving of a few
/// bodies. It holds no tests of its own.
class SimMemoryTestCase: XCTestCase {
    var words: UnsafeMutablePointer<UInt64>!

    override func setUp() {
        words = .allocate(capacity: 8)
        words.initialize(repeating: 0, count: 8)
    }

    override func tearDown() { words.deallocate() }

    func executor(_ n: Int, _ model: SimMemoryModel = .tso, capacity: Int = 64) -> SimExecutor {
        var o = SimExecutor.Options()
        o.memoryModel = model
        o.recordSteps = true
        o.storeBufferCapacity = capacity
        o.stackSize = 64 * 1024
        return SimExecutor(threadCount: n, options: o)
    }

    /// Every interleaving of `bodies` (every choice of flushes included),
    /// with memory reset to zero each time; returns how many.
    func everyInterleaving(_ ex: SimExecutor, _ bodies: [SimExecutor.Body], _ check: (SimExecution) -> Void) -> Int {
        let words = self.words!
        return ex.explore(scheduler: BoundedDFSScheduler(preemptionBound: nil),
                          makeBodies: { words.initialize(repeating: 0, count: 8); return bodies }) { e in
            XCTAssertEqual(e.outcome, .completed)
            check(e)
            return true
        }
    }
}
