import XCTest
@testable import MMUTortureCore

/// Exact replay: a recorded schedule string reproduces the identical step
/// sequence; the same seed gives the same schedule.
final class SimReplayTests: XCTestCase {
    /// Four threads doing a seeded mix of every platform operation on a few
    /// shared words, under the mmu-lock and inside RCU read-side sections.
    final class Workload {
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 8)
        let lock = MMULock.allocate()
        let threads = 4
        init() { reset() }
        deinit { words.deallocate(); lock.deallocate() }

        func reset() {
            words.initialize(repeating: 0, count: 8)
            lock.owner.pointee = 0
        }

        func bodies(operations: Int = 300) -> [SimExecutor.Body] {
            let words = self.words, lock = self.lock
            let body: SimExecutor.Body = { p in
                for i in 0..<operations {
                    let w = words + p.state.pointee.rng.below(4)
                    switch p.state.pointee.rng.below(10) {
                    case 0: p.store(w, UInt64(p.threadIndex * 1000 + i))
                    case 1: p.storeTopByte(w, UInt8(truncatingIfNeeded: i))
                    case 2: _ = p.compareExchange(w, expected: p.load(w), desired: UInt64(i))
                    case 3: _ = p.fetchOr(w, 1 << UInt64(i & 7))
                    case 4: p.fullBarrier()
                    case 5:
                        p.lock(lock)
                        p.store(words + 4, p.load(words + 4) &+ 1)
                        p.unlock(lock)
                    case 6:
                        p.rcuReadLock()
                        _ = p.load(w)
                        p.rcuReadUnlock()
                    case 7 where p.threadIndex == 0: p.synchronizeRCU()
                    case 8: p.perturb(.afterSetID); _ = p.exchange(w, p.random() & 0xFF)
                    default: _ = p.load(w)
                    }
                }
            }
            return Array(repeating: body, count: threads)
        }
    }

    func executor(_ n: Int, record: Bool = true) -> SimExecutor {
        var o = SimExecutor.Options()
        o.recordSteps = record
        return SimExecutor(threadCount: n, options: o)
    }

    func testReplayReproducesARandomWalkExactly() throws {
        let w = Workload()
        let ex = executor(w.threads)
        let original = ex.run(scheduler: RandomWalkScheduler(seed: 42), w.bodies())!
        XCTAssertEqual(original.outcome, .completed)
        let finalMemory = (0..<8).map { w.words[$0] }
        XCTAssertEqual(w.words[4], w.words[4])   // the locked counter
        let text = original.schedule.description
        XCTAssertTrue(text.hasPrefix("s1.4."))

        w.reset()
        let replay = try ReplayScheduler(parsing: text)
        let again = ex.run(scheduler: replay, w.bodies())!
        XCTAssertTrue(replay.isExact, replay.firstMismatch ?? "ran past the end or stopped early")
        XCTAssertEqual(again.outcome, .completed)
        XCTAssertEqual(again.steps, original.steps)
        XCTAssertEqual(again.traceHash, original.traceHash)
        XCTAssertEqual(again.stepLog, original.stepLog)
        XCTAssertEqual(again.schedule.description, text)
        XCTAssertEqual((0..<8).map { w.words[$0] }, finalMemory)
    }

    func testReplayReproducesAFlushShyRandomWalk() throws {
        let w = Workload()
        let ex = executor(w.threads, record: false)
        let original = ex.run(scheduler: RandomWalkScheduler(seed: 5, flushProbability: 0.02), w.bodies())!
        w.reset()
        let replay = try ReplayScheduler(parsing: original.schedule.description)
        XCTAssertEqual(ex.run(scheduler: replay, w.bodies())!.traceHash, original.traceHash)
        XCTAssertTrue(replay.isExact)
        w.reset()
        XCTAssertNotEqual(ex.run(scheduler: RandomWalkScheduler(seed: 5), w.bodies())!.traceHash, original.traceHash)
    }

    func testReplayReproducesPCTExecutions() throws {
        let w = Workload()
        let ex = executor(w.threads, record: false)
        let pct = PCTScheduler(seed: 9, depth: 3)
        for _ in 0..<5 {
            w.reset()
            let original = ex.run(scheduler: pct, w.bodies(operations: 100))!
            w.reset()
            let replay = ReplayScheduler(schedule: try SimSchedule(parsing: original.schedule.description))
            let again = ex.run(scheduler: replay, w.bodies(operations: 100))!
            XCTAssertTrue(replay.isExact)
            XCTAssertEqual(again.traceHash, original.traceHash)
        }
    }

    func testSameSeedSameScheduleDifferentSeedDifferent() {
        let w = Workload()
        let ex = executor(w.threads, record: false)
        func schedules(_ seed: UInt64) -> [(String, UInt64)] {
            let s = RandomWalkScheduler(seed: seed)
            return (0..<3).map { _ in
                w.reset()
                let e = ex.run(scheduler: s, w.bodies(operations: 100))!
                return (e.schedule.description, e.traceHash)
            }
        }
        let a = schedules(7), b = schedules(7), c = schedules(8)
        XCTAssertEqual(a.map(\.0), b.map(\.0))
        XCTAssertEqual(a.map(\.1), b.map(\.1))
        XCTAssertNotEqual(a.map(\.0), c.map(\.0))
        // Execution i can be re-created on its own.
        let third = RandomWalkScheduler(seed: 7, startingAt: 2)
        w.reset()
        XCTAssertEqual(ex.run(scheduler: third, w.bodies(operations: 100))!.schedule.description, a[2].0)
        // A fresh executor gives the same too (no state leaks across executors).
        w.reset()
        let other = executor(w.threads, record: false).run(scheduler: RandomWalkScheduler(seed: 7), w.bodies(operations: 100))!
        XCTAssertEqual(other.schedule.description, a[0].0)
        XCTAssertEqual(other.traceHash, a[0].1)
    }

    func testScheduleStringRoundTrip() throws {
        let decisions: [SimChoice] = [.run(0), .run(0), .run(0), .flush(1), .run(25), .flush(25), .run(26), .run(26),
                                      .flush(40), .run(3)] + Array(repeating: .run(1), count: 12)
        let s = SimSchedule(threadCount: 41, dataSeed: 0xDEAD_BEEF, decisions: decisions)
        XCTAssertEqual(s.description, "s1.41.\(String(0xDEAD_BEEF as UInt64, radix: 36)).a3BzZ(26)2[40]db12")
        let parsed = try SimSchedule(parsing: s.description)
        XCTAssertEqual(parsed, s)
        XCTAssertEqual(parsed.decisions, decisions)
        XCTAssertEqual(try SimSchedule(parsing: "s1.2.0.a3\n b a").decisions, [.run(0), .run(0), .run(0), .run(1), .run(0)])
        XCTAssertEqual(try SimSchedule(parsing: "s1.1.0.").decisionCount, 0)
        for bad in ["", "s2.2.0.a", "s1.x.0.a", "s1.2.!.a", "s1.2.0.c", "s1.2.0.a0", "s1.2.0.(1", "s1.2.0.?", "s1.65.0."] {
            XCTAssertThrowsError(try SimSchedule(parsing: bad), bad)
        }
    }

    /// An edited schedule still runs to the end, and says where it stopped fitting.
    func testReplayOfAnEditedScheduleDegradesGracefully() {
        let w = Workload()
        let ex = executor(w.threads, record: false)
        let e = ex.run(scheduler: RandomWalkScheduler(seed: 3), w.bodies(operations: 50))!
        var edited = e.schedule
        edited.runs = Array(edited.runs.prefix(edited.runs.count / 2))
        w.reset()
        let replay = ReplayScheduler(schedule: edited)
        let again = ex.run(scheduler: replay, w.bodies(operations: 50))!
        XCTAssertEqual(again.outcome, .completed)
        XCTAssertFalse(replay.isExact)
        XCTAssertGreaterThan(replay.decisionsPastEnd, 0)
        // Prefix kept: the first half of the decisions is the same.
        XCTAssertEqual(Array(again.schedule.decisions.prefix(edited.decisionCount)), edited.decisions)
    }

    /// The data stream is part of the schedule: replays draw the same numbers.
    func testRandomDataIsReplayed() throws {
        let out = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        defer { out.deallocate() }
        let bodies: [SimExecutor.Body] = [{ p in out[0] = p.random() }, { p in out[1] = p.random() }]
        let ex = executor(2, record: false)
        let e = ex.run(scheduler: RandomWalkScheduler(seed: 11), bodies)!
        let first = (out[0], out[1])
        _ = ex.run(scheduler: try ReplayScheduler(parsing: e.schedule.description), bodies)
        XCTAssertEqual(first.0, out[0])
        XCTAssertEqual(first.1, out[1])
    }
    /// A simulated perturbation point is a scheduling point (a step, and a
    /// `perturb` in the log); a native-only one (`spte-update`) is nothing,
    /// so it leaves every schedule as it was.
    func testOnlySimulatedPerturbationPointsAreSteps() throws {
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        defer { words.deallocate() }
        func steps(_ point: PerturbPoint?) -> (UInt64, Int) {
            words.pointee = 0
            let bodies: [SimExecutor.Body] = [
                { p in _ = p.load(words); if let point { p.perturb(point) }; p.store(words, 1) },
                { p in _ = p.load(words) },
            ]
            let e = executor(2).run(scheduler: RandomWalkScheduler(seed: 5), bodies)!
            XCTAssertEqual(e.outcome, .completed)
            return (e.steps, e.stepLog.filter { $0.op == .perturb }.count)
        }
        let (plain, none) = steps(nil)
        XCTAssertEqual(none, 0)
        XCTAssertFalse(PerturbPoint.spteUpdate.simulated)
        XCTAssertEqual(steps(.spteUpdate).0, plain)
        XCTAssertEqual(steps(.spteUpdate).1, 0)
        XCTAssertTrue(PerturbPoint.wpScan.simulated)
        XCTAssertEqual(steps(.wpScan).0, plain + 1)
        XCTAssertEqual(steps(.wpScan).1, 1)
    }
}
