import XCTest
@testable import MMUTortureCore

/// The guest's access through a TLB entry in deterministic mode
/// (docs/model.md, "Scheduling points").
final class SimGuestAccessTests: XCTestCase {
    /// A read through a TLB entry passes an in-flight point after the vCPU
    /// looked at its requests and before its checks and its access, so a
    /// host page freed after the look (after a flush that did not wait) is
    /// seen by host-page; freed after the access, it is not.
    func testATLBHitReadIsInFlightBeforeItsAccess() {
        let f = PathFixture()
        f.read(72)                                  // natively: the TLB now maps gfn 72
        let vm = f.vm, v = f.vcpu, checker = f.checker, log = f.log
        let pfn = Int(SPTE(raw: f.spte(72).pointee).pfn)
        let state = vm.pfnState + pfn
        let live = state.pointee
        XCTAssertEqual(live & VM.pfnFreed, 0)
        var o = SimExecutor.Options()
        o.recordSteps = true
        o.stackSize = 256 * 1024
        let ex = SimExecutor(threadCount: 2, options: o)
        let bodies: [SimExecutor.Body] = [
            { p in
                vm.handleRequests(p, v)             // the look (a load: a point)
                XCTAssertTrue(vm.guestAccess(p, v, addr: 72, gfn: 72, write: false, checker: checker).done)
            },
            { p in p.store(state, VM.pfnFreed) },   // the host frees the page
        ]
        var seenAfterLook = 0, unseenAfterAccess = 0, reportedBefore = 0
        let n = ex.explore(scheduler: BoundedDFSScheduler(preemptionBound: nil),
                           makeBodies: { state.pointee = live; return bodies }) { e in
            XCTAssertEqual(e.outcome, .completed)
            let total = log.records().count
            let reported = total > reportedBefore
            reportedBefore = total
            let steps = e.stepLog
            guard let look = steps.firstIndex(where: { $0.thread == 0 && $0.op == .load }),
                  let inFlight = steps.firstIndex(where: { $0.thread == 0 && $0.op == .inFlight }),
                  let freed = steps.firstIndex(where: { $0.thread == 1 && $0.op == .flush }) else {
                XCTFail("missing steps: \(steps.map { "\($0.thread):\($0.op.name)" })")
                return false
            }
            XCTAssertLessThan(look, inFlight)
            if freed > look && reported { seenAfterLook += 1 }
            if freed > inFlight {
                // After the in-flight point nothing of the access is left to interleave with.
                XCTAssertFalse(reported)
                unseenAfterAccess += 1
            }
            return true
        }
        XCTAssertGreaterThan(n, 2)
        XCTAssertGreaterThan(seenAfterLook, 0, "a page freed between the look and the access is seen")
        XCTAssertGreaterThan(unseenAfterAccess, 0)
    }
}
