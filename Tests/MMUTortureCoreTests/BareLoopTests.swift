import XCTest
import URCUShim
@testable import MMUTortureCore

/// The bench's bare loops (Swift and C) do the same work on the same
/// encoding: fixes while the flag is clear, none while it is set, and the
/// spte reset to the read-only value after each round.
final class BareLoopTests: XCTestCase {
    /// Runs one loop on a registered memb thread for about 20 ms; returns
    /// its fixes and the leaf spte afterwards.
    func runLoop(inC: Bool, flagSet: Bool) -> (fixes: UInt64, leaf: UInt64, readOnly: UInt64) {
        let mem = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * 512 + 8)
        mem.initialize(repeating: 0, count: 4 * 512 + 8)
        defer { mem.deallocate() }
        let readOnly = SPTE.leaf(pfn: 7, writable: false, hostWritable: true).raw
        for level in 0..<3 { mem[level * 512 + 5] = SPTE.nonLeaf(child: level + 1).raw }
        mem[3 * 512 + 5] = readOnly
        let flag = mem + 4 * 512
        flag.pointee = flagSet ? 1 : 0
        let stop = mem + 4 * 512 + 1
        var fixes: UInt64 = 0
        let t = spawnRCUThread(MembRCU.self) {
            fixes = inC ? mmut_bare_fast_path_memb(mem, 0, flag, 3, stop)
                : Microbench.swiftBareLoop(MembRCU.self, mem: mem, root: 0, flag: flag, id: 3, stop: stop)
        }
        usleep(20_000)
        mmut_store_release(stop, 1)
        t.join()
        return (fixes, mem[3 * 512 + 5], readOnly)
    }

    func testBothLoopsFixWhileTheFlagIsClearAndResetTheSPTE() {
        for inC in [false, true] {
            let r = runLoop(inC: inC, flagSet: false)
            XCTAssertGreaterThan(r.fixes, 0, inC ? "C" : "Swift")
            XCTAssertEqual(r.fixes % 256, 0, "whole rounds of 256, every one fixed")
            XCTAssertEqual(r.leaf, r.readOnly, "reset to read-only, no identification left")
        }
    }

    func testNeitherLoopFixesWhileTheFlagIsSet() {
        for inC in [false, true] {
            let r = runLoop(inC: inC, flagSet: true)
            XCTAssertEqual(r.fixes, 0, inC ? "C" : "Swift")
            XCTAssertEqual(r.leaf, r.readOnly)
        }
    }
}
