import XCTest
import URCUShim
@testable import MMUTortureCore

final class PlacementTests: XCTestCase {
    /// Round robin puts the mmu-lock threads first, then the vCPUs; `os` pins nothing.
    func testRoundRobinOrder() {
        let allowed: [Int32] = [0, 1]
        let rr = (0..<5).map { Placement.roundRobin.cpu(forThread: $0, vcpus: 4, mmuThreads: 1, allowed: allowed) }
        // vCPUs 0-3 take slots 1-4, the mmu thread (index 4) slot 0.
        XCTAssertEqual(rr, [1, 0, 1, 0, 0])
        XCTAssertEqual(Placement.roundRobin.cpu(forThread: 0, vcpus: 1, mmuThreads: 1, allowed: [3, 5]), 5)
        XCTAssertEqual(Placement.roundRobin.cpu(forThread: 1, vcpus: 1, mmuThreads: 1, allowed: [3, 5]), 3)
        XCTAssertNil(Placement.os.cpu(forThread: 0, vcpus: 4, mmuThreads: 1, allowed: allowed))
        XCTAssertNil(Placement.roundRobin.cpu(forThread: 0, vcpus: 4, mmuThreads: 1, allowed: []))
    }

    /// A pinned thread runs on its CPU only.
    func testPinnedThreadStaysOnItsCPU() {
        let allowed = Placement.allowedCPUs
        XCTAssertFalse(allowed.isEmpty)
        let target = allowed[allowed.count - 1]
        var pinned = false
        var seen = Set<Int32>()
        let t = NativeThread(stackSize: 1 << 20) {
            pinned = Placement.pin(toCPU: target)
            for _ in 0..<1000 {
                seen.insert(mmut_current_cpu())
                sched_yield()
            }
        }
        t.join()
        XCTAssertTrue(pinned)
        XCTAssertEqual(seen, [target])
        XCTAssertFalse(Placement.pin(toCPU: -1), "an impossible CPU is refused")
    }
}
