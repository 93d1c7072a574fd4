import XCTest
import URCUShim
@testable import MMUTortureCore

/// The native trace clock (docs/model.md, "The trace clock"): a per-access
/// event takes a sequenced timestamp (one more than the later of the
/// thread's previous event and the latest published TSC reading; the TSC
/// now and then), every other event the TSC, which it publishes; a thread's
/// events stay strictly ordered either way, so the merge of the rings keeps
/// each thread's order.
final class TraceClockTests: XCTestCase {
    func testSequencedAndTimedEventsStayStrictlyOrderedPerThread() {
        let f = PathFixture()
        let p = f.p
        // More events than the ring holds, timed and sequenced interleaved
        // in runs of every length up to past the clock's refresh period.
        var recorded = 0
        for run in 0..<70 {
            for _ in 0..<run { p.trace(.accessFill, gfn: recorded); recorded += 1 }
            p.trace(.fault, gfn: recorded); recorded += 1
        }
        let events = f.state.pointee.ring.snapshot()
        XCTAssertEqual(events.count, 64)
        for (a, b) in zip(events, events.dropFirst()) {
            XCTAssertLessThan(a.time, b.time)
            XCTAssertEqual(a.gfn + 1, b.gfn)
        }
    }

    func testMergeKeepsEachThreadsOrder() {
        let f = PathFixture()
        let p = f.p
        for gfn in 0..<40 { p.trace(.accessFill, gfn: gfn) }
        p.trace(.fault, gfn: 40)
        let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
        state.initialize(to: ThreadState(depth: 64, seed: 2))
        defer { state.pointee.ring.deallocate(); state.deinitialize(count: 1); state.deallocate() }
        let other = NativePlatform<NoRCU>(threadIndex: 1, state: state, perturbation: .off)
        for gfn in 100..<140 { other.trace(.accessFill, gfn: gfn) }
        // A thread's first event reads the clock, sequenced or not.
        XCTAssertGreaterThan(state.pointee.ring.snapshot()[0].time, 1 << 20)
        let names = ThreadNames(vcpus: 2, mmuThreads: 0)
        let lines = TraceRenderer.merge(rings: [f.state.pointee.ring.snapshot(), state.pointee.ring.snapshot()],
                                        until: nil, limit: 200, names: names, layout: .vmx)
        XCTAssertEqual(lines.count, 81)
        for thread in [names.name(0), names.name(1)] {
            let gfns = lines.filter { $0.thread == thread }.map { Int($0.event.split(separator: "=")[1].split(separator: " ")[0])! }
            XCTAssertEqual(gfns, gfns.sorted())
        }
    }

    /// A per-access event on one thread that follows a clocked event on
    /// another is stamped after it (the published reading), and no per-access
    /// stamp is later than a TSC reading taken after the event.
    func testPerAccessEventsFollowThePublishedClock() {
        let f = PathFixture()
        let vcpu = f.p
        let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
        state.initialize(to: ThreadState(depth: 64, seed: 2))
        defer { state.pointee.ring.deallocate(); state.deinitialize(count: 1); state.deallocate() }
        let mmu = NativePlatform<NoRCU>(threadIndex: 1, state: state, perturbation: .off)
        XCTAssertTrue(EventKind.fastFixed.isPerAccess)
        XCTAssertFalse(EventKind.wpFlagSet.isPerAccess)
        vcpu.trace(.fault, gfn: 0)          // the first event reads the clock
        vcpu.trace(.fastSetID, gfn: 0)      // sequenced from the vCPU's own
        for round in 0..<10 {
            mmu.trace(.wpFlagSet, gfn: round)
            vcpu.trace(.fastFlagSeen, gfn: round)
            let after = mmut_rdtsc()
            let flagSet = state.pointee.ring.snapshot().last!
            let seen = f.state.pointee.ring.snapshot().last!
            XCTAssertEqual(flagSet.kind, EventKind.wpFlagSet.rawValue)
            XCTAssertEqual(seen.kind, EventKind.fastFlagSeen.rawValue)
            XCTAssertGreaterThan(seen.time, flagSet.time)
            XCTAssertLessThanOrEqual(seen.time, after)
        }
        let names = ThreadNames(vcpus: 1, mmuThreads: 1)
        let lines = TraceRenderer.merge(rings: [f.state.pointee.ring.snapshot(), state.pointee.ring.snapshot()],
                                        until: nil, limit: 200, names: names, layout: .vmx)
        // Merged: fault, set-id, then flag-set / flag-seen alternating.
        XCTAssertEqual(lines.count, 22)
        for (i, line) in lines.dropFirst(2).enumerated() {
            XCTAssertEqual(line.thread, names.name(i % 2 == 0 ? 1 : 0), "line \(i + 2): \(line.event)")
        }
    }
}
