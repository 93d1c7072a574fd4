import XCTest
import MMUTortureCore

/// Short native campaigns on real threads. Budgets are counted in guest
/// accesses, not seconds, and generous: a mutant that is caught at all on
/// this machine is caught in a small fraction of them.
final class NativeCampaignTests: XCTestCase {
    func params(mutant: MutantName = .none, protocolName: ProtocolName = .vcpuID, seed: UInt64, operations: UInt64) -> RunParameters {
        var p = RunParameters()
        p.seed = seed
        p.vm.vcpus = 4
        p.vm.ops = ProtocolVariants.ops(protocolName, mutant: mutant)
        p.workload.hotFrames = 16
        p.operations = operations
        p.durationNanoseconds = 0
        p.watchdogNanoseconds = 60_000_000_000
        return p
    }

    func testCorrectProtocolRunsClean() {
        for seed: UInt64 in [1, 2] {
            let r = NativeRunner.run(params(seed: seed, operations: 20_000_000))
            XCTAssertEqual(r.outcome, .pass, r.violations.first.map { "\($0.invariant.rawValue): \($0.message)" } ?? "")
            XCTAssertGreaterThan(r.counter(.fastFixed), 0, "the fast path must actually run")
            XCTAssertGreaterThan(r.counter(.writeProtects), 0)
            XCTAssertGreaterThan(r.counter(.emulatedWrites), 0)
            XCTAssertGreaterThanOrEqual(r.counter(.accesses) + r.counter(.emulatedWrites), 19_000_000)
        }
    }

    func caught(_ mutant: MutantName, seed: UInt64) -> RunResult {
        NativeRunner.run(params(mutant: mutant, seed: seed, operations: 400_000_000))
    }

    func testSharedIDIsCaught() {
        let r = caught(.sharedID, seed: 1)
        XCTAssertEqual(r.outcome, .fail)
        XCTAssertEqual(r.violations.first?.invariant, .wpSafety)
        XCTAssertFalse(r.violations.first?.trace.isEmpty ?? true, "a violation carries the merged trace")
    }

    func testWPIgnoresIDIsCaught() {
        let r = caught(.wpIgnoresID, seed: 1)
        XCTAssertEqual(r.outcome, .fail)
        XCTAssertEqual(r.violations.first?.invariant, .wpSafety)
    }
}
