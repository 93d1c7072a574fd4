import XCTest
@testable import MMUTortureCore

/// The checker's records (`Platform.ghostAdd`, `ghostOr`) in deterministic
/// mode: ordered after the thread's earlier stores like a locked
/// instruction, but without draining them (docs/model.md, "The checker's
/// records").
final class SimGhostRecordTests: SimMemoryTestCase {
    /// A store then a record, against a reader of the record then the
    /// store: the record is never seen before the store (FIFO), yet the
    /// store can still be unseen by the reader after the record was made
    /// (the record did not drain it: as a locked add it would have).
    func testARecordIsOrderedAfterEarlierStoresWithoutDrainingThem() {
        let x = words!, count = words + 1, seen = words + 4
        var storeLateAfterRecord = 0
        let writer: SimExecutor.Body = { p in
            p.store(x, 7)
            p.ghostAdd(count, 1)
            seen[3] = 1                       // the record was made
        }
        let reader: SimExecutor.Body = { p in
            let made = seen[3]
            seen[0] = p.load(count)
            seen[1] = p.load(x)
            if made == 1 && seen[1] == 0 { seen[2] = 1 }
        }
        let n = everyInterleaving(executor(2), [writer, reader]) { _ in
            if seen[0] == 1 { XCTAssertEqual(seen[1], 7, "the record was seen before the store it follows") }
            if seen[2] == 1 { storeLateAfterRecord += 1 }
            seen[2] = 0; seen[3] = 0
            XCTAssertEqual(count.pointee, 1)
            XCTAssertEqual(x.pointee, 7)
        }
        XCTAssertGreaterThan(n, 3)
        XCTAssertGreaterThan(storeLateAfterRecord, 0, "the record drained the store before it")
    }

    /// The thread's own reads see its pending records at once, in order
    /// with its stores to the same word.
    func testTheThreadSeesItsOwnPendingRecords() {
        let c = words!, seen = words + 4
        let body: SimExecutor.Body = { p in
            p.store(c, 5)
            p.ghostAdd(c, UInt64.max)          // 5 - 1
            p.ghostOr(c, 0x100)
            seen[0] = c.pointee                // memory: nothing flushed yet
            seen[1] = p.peek(c)
            seen[2] = p.load(c)
            p.fullBarrier()
            seen[3] = c.pointee
        }
        let e = executor(1).run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])!
        XCTAssertEqual(e.outcome, .completed)
        XCTAssertEqual(seen[0], 0)
        XCTAssertEqual(seen[1], 0x104)
        XCTAssertEqual(seen[2], 0x104)
        XCTAssertEqual(seen[3], 0x104)
        XCTAssertEqual(e.stepLog.filter { $0.op == .flush }.map(\.written), [5, 4, 0x104])
    }

    /// Records of two threads and a locked update of a third land on
    /// whatever memory holds when they reach it: no update is lost, and a
    /// flag or-ed in keeps the protocol's bits beside it.
    func testRecordsApplyToMemoryWhenTheyArriveAndLoseNoUpdate() {
        let c = words!, flags = words + 1
        let a: SimExecutor.Body = { p in p.ghostAdd(c, 1); p.ghostOr(flags, 0x10) }
        let b: SimExecutor.Body = { p in p.ghostAdd(c, 2); _ = p.fetchOr(flags, 0x1) }
        let d: SimExecutor.Body = { p in _ = p.fetchAdd(c, 4); _ = p.compareExchange(flags, expected: 0x1, desired: 0x3) }
        let n = everyInterleaving(executor(3), [a, b, d]) { _ in
            XCTAssertEqual(c.pointee, 7)
            XCTAssertEqual(flags.pointee & 0x11, 0x11)
        }
        XCTAssertGreaterThan(n, 10)
    }

    /// A mutant that lets an operation overtake buffered stores counts as
    /// infected only by the protocol's stores, not by the checker's ghost
    /// entries (which a dropped barrier leaves buffered as well). The
    /// poison of a freed page counts: it stands for the allocator's writes.
    func testOnlyTheProtocolsBufferedStoresInfectADroppedBarrier() {
        let site = OperationSite(file: #filePath, line: 9_001, column: 1)
        let x = words!, ghost = words + 1
        func infected(_ body: @escaping SimExecutor.Body) -> Int {
            let ex = executor(1)
            ex.configureMutation(SimMutation(site: ReachedSite(site, .fullBarrier), operator: DropBarrier()),
                                 recordSites: false)
            XCTAssertEqual(ex.run(scheduler: BoundedDFSScheduler(preemptionBound: 0), [body])?.outcome, .completed)
            return ex.infectedExecutions
        }
        XCTAssertEqual(infected { p in
            p.ghostStore(ghost, 1); p.ghostAdd(ghost, 1); p.ghostOr(ghost + 1, 4); p.fullBarrier(at: site)
        }, 0)
        XCTAssertEqual(infected { p in p.ghostFill(ghost + 1, count: 2, 3); p.fullBarrier(at: site) }, 1)
        XCTAssertEqual(infected { p in p.ghostStore(ghost, 1); p.store(x, 1); p.fullBarrier(at: site) }, 1)
    }
}
