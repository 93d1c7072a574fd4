import XCTest
@testable import MMUTortureCore

/// x86-TSO store buffers: forwarding with byte-granular merging, visibility
/// only after a flush, fences and locked instructions draining, FIFO order.
final class SimStoreBufferTests: SimMemoryTestCase {
    /// A thread's load sees its own buffered stores merged byte by byte over
    /// memory, newest bytes winning; memory itself is untouched until flushed.
    func testOwnBufferForwardingMergesTheTopByte() {
        let x = words!, seen = words + 4
        let body: SimExecutor.Body = { p in
            p.store(x, 0x1122_3344_5566_7788)
            p.storeTopByte(x, 0xAB)
            seen[0] = x.pointee            // memory, before any flush
            seen[1] = p.load(x)            // through the buffer
            p.storeTopByte(x, 0xCD)
            seen[2] = p.load(x)
            p.fullBarrier()
            seen[3] = x.pointee            // drained
        }
        // Bound 0 never flushes early: everything stays buffered until the fence.
        let e = executor(1).run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])!
        XCTAssertEqual(e.outcome, .completed)
        XCTAssertEqual(seen[0], 0)
        XCTAssertEqual(seen[1], 0xAB22_3344_5566_7788)
        XCTAssertEqual(seen[2], 0xCD22_3344_5566_7788)
        XCTAssertEqual(seen[3], 0xCD22_3344_5566_7788)
        XCTAssertEqual(e.stepLog.filter { $0.op == .flush }.map(\.written),
                       [0x1122_3344_5566_7788, 0xAB22_3344_5566_7788, 0xCD22_3344_5566_7788])
    }

    /// However the flushes fall, the thread's own loads see its stores.
    func testForwardingHoldsInEveryInterleaving() {
        let x = words!, seen = words + 4
        let body: SimExecutor.Body = { p in
            p.store(x, 0x0000_0000_0000_0021)
            p.storeTopByte(x, 0x05)
            seen[0] = p.load(x)
            p.store(x + 1, 9)
            seen[1] = p.load(x)
        }
        let n = everyInterleaving(executor(1), [body]) { _ in
            XCTAssertEqual(seen[0], 0x0500_0000_0000_0021)
            XCTAssertEqual(seen[1], 0x0500_0000_0000_0021)
            XCTAssertEqual(x.pointee, 0x0500_0000_0000_0021)
        }
        XCTAssertGreaterThan(n, 3)
    }

    /// Another thread sees a store exactly when it has been flushed.
    func testOtherThreadsSeeAStoreOnlyAfterItsFlush() {
        let x = words!, seen = words + 4
        let bodies: [SimExecutor.Body] = [
            { p in p.store(x, 1); _ = p.load(x + 1) },
            { p in seen[0] = p.load(x) },
        ]
        var sawOld = false, sawNew = false
        _ = everyInterleaving(executor(2), bodies) { e in
            let flush = e.stepLog.first { $0.op == .flush && $0.thread == 0 }!.step
            let load = e.stepLog.first { $0.op == .load && $0.thread == 1 }!.step
            XCTAssertEqual(seen[0], load > flush ? 1 : 0, "load at step \(load), flush at step \(flush)")
            if seen[0] == 0 { sawOld = true } else { sawNew = true }
        }
        XCTAssertTrue(sawOld && sawNew)
    }

    /// A full barrier drains the buffer before the thread goes on.
    func testFullBarrierDrains() {
        let x = words!, seen = words + 4
        let bodies: [SimExecutor.Body] = [
            { p in p.store(x, 1); p.store(x + 1, 2); p.fullBarrier(); seen[2] = x.pointee &* 10 &+ x[1] },
            { p in seen[0] = p.load(x + 1); seen[1] = p.load(x) },
        ]
        _ = everyInterleaving(executor(2), bodies) { e in
            XCTAssertEqual(seen[2], 12, "memory after the fence")
            let fence = e.stepLog.first { $0.op == .fullBarrier }!.step
            let loads = e.stepLog.filter { $0.op == .load && $0.thread == 1 }.map(\.step)
            if loads[0] > fence { XCTAssertEqual(seen[0], 2) }
            if loads[1] > fence { XCTAssertEqual(seen[1], 1) }
            // FIFO: seeing y=2 implies seeing x=1 afterwards.
            if seen[0] == 2 { XCTAssertEqual(seen[1], 1) }
        }
    }

    /// Locked read-modify-writes drain the buffer first and then act on
    /// memory; a cmpxchg on a word with a buffered store compares against it.
    func testLockedReadModifyWritesDrain() {
        let x = words!, seen = words + 4
        let cases: [(String, (SimPlatform) -> Void)] = [
            ("cmpxchg", { p in _ = p.compareExchange(x + 2, expected: 0, desired: 1) }),
            ("xchg", { p in _ = p.exchange(x + 2, 1) }),
            ("lock or", { p in _ = p.fetchOr(x + 2, 1) }),
            ("lock and", { p in _ = p.fetchAnd(x + 2, 1) }),
            ("lock xadd", { p in _ = p.fetchAdd(x + 2, 1) }),
        ]
        for (name, rmw) in cases {
            let body: SimExecutor.Body = { p in
                p.store(x, 5)
                p.store(x + 1, 7)
                rmw(p)
                seen[0] = x.pointee
                seen[1] = x[1]
            }
            _ = everyInterleaving(executor(1), [body]) { _ in
                XCTAssertEqual(seen[0], 5, name)
                XCTAssertEqual(seen[1], 7, name)
            }
        }
        let cas: SimExecutor.Body = { p in
            p.store(x, 5)
            let r = p.compareExchange(x, expected: 5, desired: 6)
            seen[0] = r.exchanged ? 1 : 0
            seen[1] = r.original
        }
        _ = everyInterleaving(executor(1), [cas]) { _ in
            XCTAssertEqual(seen[0], 1)
            XCTAssertEqual(seen[1], 5)
            XCTAssertEqual(x.pointee, 6)
        }
    }

    /// The byte store does not clobber bits another thread set meanwhile.
    func testTopByteFlushLeavesTheOtherBytesAlone() {
        let x = words!
        let bodies: [SimExecutor.Body] = [
            { p in p.storeTopByte(x, 0x03) },
            { p in _ = p.fetchOr(x, 0x60) },
        ]
        _ = everyInterleaving(executor(2), bodies) { _ in XCTAssertEqual(x.pointee, 0x0300_0000_0000_0060) }
    }

    /// A full buffer writes its oldest entry before taking a new one.
    func testFullBufferFlushesItsOldest() {
        let x = words!, seen = words + 4
        let body: SimExecutor.Body = { p in
            p.store(x, 1); p.store(x + 1, 2); p.store(x + 2, 3)
            seen[0] = x.pointee; seen[1] = x[1]; seen[2] = x[2]
        }
        let e = executor(1, capacity: 2).run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])!
        XCTAssertEqual(e.outcome, .completed)
        XCTAssertEqual([seen[0], seen[1], seen[2]], [1, 0, 0])
        XCTAssertEqual([x[0], x[1], x[2]], [1, 2, 3])
    }

    /// SC: stores reach memory at once, no flush steps.
    func testSequentialConsistencyHasNoBuffers() {
        let x = words!, seen = words + 4
        let body: SimExecutor.Body = { p in p.store(x, 3); seen[0] = x.pointee; p.storeTopByte(x, 1); seen[1] = x.pointee }
        let e = executor(1, .sc).run(scheduler: RandomWalkScheduler(seed: 1), [body])!
        XCTAssertEqual(seen[0], 3)
        XCTAssertEqual(seen[1], 0x0100_0000_0000_0003)
        XCTAssertFalse(e.stepLog.contains { $0.op == .flush })
    }

    /// docs/model.md, "Scheduling points": under TSO a plain store, a fill
    /// and the checker's reads (`peek`, `ghostLoad`) take no step; a load
    /// and the guest write's in-flight point do. Under SC a store does.
    func testWhichOperationsAreSchedulingPoints() {
        let x = words!, seen = words + 4
        for model in [SimMemoryModel.tso, .sc] {
            let body: SimExecutor.Body = { p in
                _ = p.load(x)
                let t0 = p.timestamp()
                p.store(x, 1)
                p.storeTopByte(x + 1, 2)
                p.ghostStore(x + 2, 3)
                _ = p.peek(x)
                _ = p.ghostLoad(x + 1)
                let t1 = p.timestamp()
                p.instructionInFlight()
                let t2 = p.timestamp()
                _ = p.load(x + 3)
                let t3 = p.timestamp()
                seen[0] = t1 &- t0; seen[1] = t2 &- t1; seen[2] = t3 &- t2
            }
            let e = executor(1, model).run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])!
            XCTAssertEqual(e.outcome, .completed, "\(model)")
            // One thread and no flush chosen in between (preemption bound 0
            // runs the thread while it can): a point is one step.
            XCTAssertEqual(seen[0], model == .tso ? 0 : 3, "stores, \(model)")
            XCTAssertEqual(seen[1], 1, "in-flight, \(model)")
            XCTAssertGreaterThanOrEqual(seen[2], 1, "load, \(model)")
        }
    }

    /// A freed page's poison is one buffer entry: loads see all of it or
    /// none of it, and its flush writes every word.
    func testAFillIsOneBufferEntry() {
        let x = words!, seen = words + 6
        let body: SimExecutor.Body = { p in
            p.ghostFill(x, count: 4, 7)
            seen[0] = p.peek(x + 3)      // the thread's own buffer
            seen[1] = x[3]               // memory: not yet
        }
        let e = executor(1, capacity: 8).run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])!
        XCTAssertEqual(e.outcome, .completed)
        XCTAssertEqual([seen[0], seen[1]], [7, 0])
        XCTAssertEqual([x[0], x[1], x[2], x[3], x[4]], [7, 7, 7, 7, 0])
        XCTAssertEqual(e.stepLog.filter { $0.op == .flush }.count, 1)
    }

    /// At the end of an execution every buffer has drained.
    func testExecutionsEndWithEmptyBuffers() {
        let x = words!
        let bodies: [SimExecutor.Body] = [{ p in p.store(x, 1) }, { p in p.store(x + 1, 2) }]
        let ex = executor(2)
        for seed in 0..<20 as Range<UInt64> {
            words.initialize(repeating: 0, count: 8)
            let e = ex.run(scheduler: RandomWalkScheduler(seed: seed), bodies)!
            XCTAssertEqual(e.outcome, .completed)
            XCTAssertTrue(e.threads.allSatisfy { $0.bufferedStores == 0 && $0.status == .finished })
            XCTAssertEqual([x[0], x[1]], [1, 2])
        }
    }
}
