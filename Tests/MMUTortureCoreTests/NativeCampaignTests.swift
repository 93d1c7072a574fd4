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

    /// Every protocol on every paging mode it models, every RCU flavour:
    /// clean, and every racing path actually ran.
    func testEveryProtocolPagingModeAndFlavourRunsClean() {
        var i: UInt64 = 0
        for proto in ProtocolName.allCases {
            for paging in ModelledProtocols.type(for: proto).pagingModes {
                i += 1
                var p = params(protocolName: proto, seed: 100 + i, operations: 4_000_000)
                p.vm.paging = paging
                p.rcu = RCUFlavorName.allCases[Int(i) % RCUFlavorName.allCases.count]
                let r = NativeRunner.run(p)
                let what = "\(proto.rawValue)/\(paging.rawValue)/\(p.rcu.rawValue)"
                XCTAssertEqual(r.outcome, .pass, "\(what): " + (r.violations.first.map { "\($0.invariant.rawValue): \($0.message)" } ?? ""))
                for c in [Counter.fastFixed, .zaps, .shadowPagesFreed, .invalidations, .harvests, .emulatedWrites, .writeProtects] {
                    XCTAssertGreaterThan(r.counter(c), 0, "\(what): \(c.name)")
                }
            }
        }
    }

    /// A mutant in the scenario that exposes it (as `run --mutant` uses).
    func caught(_ mutant: MutantName, seed: UInt64) -> RunResult {
        NativeRunner.run(params(seed: seed, operations: 400_000_000).exposing(ProtocolVariants.info(mutant)!))
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
