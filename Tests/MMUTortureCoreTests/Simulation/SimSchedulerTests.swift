import XCTest
@testable import MMUTortureCore

/// The strategies: exhaustive search enumerates exactly the schedules
/// within its bound; PCT and the random walk are seeded and find bugs.
final class SimSchedulerTests: XCTestCase {
    let words: UnsafeMutablePointer<UInt64> = {
        let w = UnsafeMutablePointer<UInt64>.allocate(capacity: 8)
        w.initialize(repeating: 0, count: 8)
        return w
    }()

    deinit { words.deallocate() }

    func count(_ bodies: [SimExecutor.Body], _ s: BoundedDFSScheduler, model: SimMemoryModel = .sc) -> [String] {
        var o = SimExecutor.Options()
        o.memoryModel = model
        let ex = SimExecutor(threadCount: bodies.count, options: o)
        var schedules: [String] = []
        ex.explore(scheduler: s, makeBodies: { bodies }) { e in
            schedules.append(e.schedule.description)
            return true
        }
        XCTAssertTrue(s.isExhausted)
        XCTAssertFalse(s.nondeterminismDetected)
        XCTAssertEqual(Set(schedules).count, schedules.count, "a schedule was explored twice")
        return schedules
    }

    /// Two threads of two loads: 6 interleavings; with at most one
    /// preemption 4 (AABB, BBAA, ABBA, BAAB); with none 2.
    func testExhaustiveSearchCountsInterleavings() {
        let x = words
        let body: SimExecutor.Body = { p in _ = p.load(x); _ = p.load(x) }
        XCTAssertEqual(count([body, body], BoundedDFSScheduler(preemptionBound: nil)).count, 6)
        XCTAssertEqual(count([body, body], BoundedDFSScheduler(preemptionBound: 2)).count, 6)
        XCTAssertEqual(count([body, body], BoundedDFSScheduler(preemptionBound: 1)).count, 4)
        XCTAssertEqual(count([body, body], BoundedDFSScheduler(preemptionBound: 0)).count, 2)
        // Three threads of one load each: 3! orders.
        let one: SimExecutor.Body = { p in _ = p.load(x) }
        XCTAssertEqual(count([one, one, one], BoundedDFSScheduler(preemptionBound: nil)).count, 6)
        // TSO adds the flushes as steps: SB has 80 interleavings.
        let sb = LitmusCatalog.sb.explore(model: .tso)
        XCTAssertEqual(sb.executions, 80)
    }

    func testExhaustiveSearchRespectsMaxExecutions() {
        let x = words
        let body: SimExecutor.Body = { p in _ = p.load(x); _ = p.load(x) }
        let s = BoundedDFSScheduler(preemptionBound: nil, maxExecutions: 4)
        let ex = SimExecutor(threadCount: 2)
        XCTAssertEqual(ex.explore(scheduler: s, makeBodies: { [body, body] }) { _ in true }, 4)
        XCTAssertFalse(s.isExhausted)
    }

    /// A program whose shape depends on something outside the schedule is
    /// flagged as nondeterministic.
    func testExhaustiveSearchDetectsNondeterminism() {
        let x = words
        var flip = false
        let ex = SimExecutor(threadCount: 2)
        let s = BoundedDFSScheduler(preemptionBound: nil)
        ex.explore(scheduler: s, makeBodies: {
            flip.toggle()
            let extra = flip
            return [{ p in _ = p.load(x); if extra { _ = p.load(x); _ = p.load(x) } }, { p in _ = p.load(x) }]
        }) { _ in true }
        XCTAssertTrue(s.nondeterminismDetected)
    }

    /// A depth-2 bug: thread 1's store must land between thread 0's two loads.
    func bodiesWithADepthTwoBug(found: UnsafeMutablePointer<UInt64>) -> [SimExecutor.Body] {
        let x = words
        return [
            { p in
                for _ in 0..<20 { _ = p.load(x + 1) }
                let a = p.load(x)
                let b = p.load(x)
                if a != b { found.pointee += 1 }
                for _ in 0..<20 { _ = p.load(x + 1) }
            },
            { p in for _ in 0..<20 { _ = p.load(x + 2) }; p.store(x, 1); for _ in 0..<20 { _ = p.load(x + 2) } },
        ]
    }

    func testPCTFindsADepthTwoBugAndIsSeeded() {
        let found = words + 7
        var o = SimExecutor.Options()
        o.memoryModel = .sc
        let ex = SimExecutor(threadCount: 2, options: o)
        func run(_ seed: UInt64) -> [String] {
            let s = PCTScheduler(seed: seed, depth: 2, estimatedSteps: 10, maxExecutions: 2_000)
            var out: [String] = []
            ex.explore(scheduler: s, makeBodies: {
                self.words.initialize(repeating: 0, count: 7)
                return bodiesWithADepthTwoBug(found: found)
            }) { e in out.append(e.schedule.description); return true }
            XCTAssertGreaterThanOrEqual(s.estimatedSteps, 80)
            return out
        }
        found.pointee = 0
        let a = run(1)
        // Here about 1/(2k), k ~ 83 (the higher-priority thread must be thread
        // 0 and the change point must fall between its two loads): ~10 in 2000.
        XCTAssertGreaterThan(found.pointee, 2)
        XCTAssertEqual(run(1), a)
        XCTAssertNotEqual(run(2), a)
    }

    func testRandomWalkCoversBothOrders() {
        let x = words
        let out = words + 6
        let bodies: [SimExecutor.Body] = [{ p in p.store(x, 1) }, { p in out.pointee = p.load(x) }]
        var o = SimExecutor.Options()
        o.memoryModel = .sc
        let ex = SimExecutor(threadCount: 2, options: o)
        var seen = Set<UInt64>()
        ex.explore(scheduler: RandomWalkScheduler(seed: 4, maxExecutions: 50),
                   makeBodies: { x.pointee = 0; return bodies }) { _ in seen.insert(out.pointee); return true }
        XCTAssertEqual(seen, [0, 1])
    }

    /// The choice sets' own bit count, n-th set bit and "several choices"
    /// test agree with the standard library's counting.
    func testChoiceSetCounting() {
        var r = Xoshiro256StarStar(seed: 3)
        let masks = Array(0..<UInt64(1024)) + (0..<1000).map { _ in r.next() } + [.max, 1 << 63]
        for m in masks {
            XCTAssertEqual(SimChoiceSet.bitCount(m), m.nonzeroBitCount, "mask \(m)")
            var rest = m
            for n in 0..<m.nonzeroBitCount {
                XCTAssertEqual(SimChoiceSet.nthSetBit(m, n), rest.trailingZeroBitCount, "mask \(m), n \(n)")
                rest &= rest - 1
            }
            for f in [0, 1, 6, m &* 3] {
                let set = SimChoiceSet(runnable: m, flushable: f)
                XCTAssertEqual(set.hasSeveral, m.nonzeroBitCount + f.nonzeroBitCount > 1, "masks \(m) \(f)")
            }
        }
    }

    func testChoiceSetCanonicalOrder() {
        let set = SimChoiceSet(runnable: 0b1010, flushable: 0b0110)
        XCTAssertEqual(Array(set), [.run(1), .run(3), .flush(1), .flush(2)])
        XCTAssertEqual((0..<set.count).map(set.choice(at:)), Array(set))
        XCTAssertEqual(set.index(of: .flush(2)), 3)
        XCTAssertNil(set.index(of: .run(0)))
        XCTAssertEqual(set.removing(.run(3)).count, 3)
        let d = SimDecision(enabled: set, current: 3, yielded: false, step: 1)
        XCTAssertEqual(d.nonPreemptiveChoice, .run(3))
        XCTAssertTrue(d.isPreemption(.flush(1)))
        XCTAssertFalse(SimDecision(enabled: set, current: 0, yielded: false, step: 1).isPreemption(.run(1)))
    }
}
