import XCTest
import MMUTortureConfig
import MMUTortureCore
@testable import MMUTortureCampaign

/// The config's sections are the core's types: a value read from a file
/// reaches the runner's parameters unchanged.
final class ConfigMappingTests: XCTestCase {
    func testSectionsReachTheRunnerUnchanged() throws {
        var config = CampaignConfig()
        config.guest.frames = 1024
        config.guest.paging = .shadow32
        config.workload.pattern = .zipf
        config.workload.zipfS = 2.5
        config.workload.hotFrames = 7
        config.mmu.threads = 3
        config.mmu.weights.zapAll = 9
        config.perturb.points = [.wpScan]
        config.perturb.kinds = [.spin, .yield]
        config.perturb.maxDelay = .microseconds(5)
        config.checker.auditInterval = .milliseconds(3)
        config.watchdog = .seconds(4)
        let params = RunParameters(config)
        XCTAssertEqual(params.vm.guest, config.guest)
        XCTAssertEqual(params.vm.frames, 1024)
        XCTAssertEqual(params.vm.paging, .shadow32)
        XCTAssertEqual(params.workload, config.workload)
        XCTAssertEqual(params.mmu, config.mmu.weights)
        XCTAssertEqual(params.vm.mmuThreads, 3)
        XCTAssertEqual(params.perturb, config.perturb)
        XCTAssertEqual(params.perturb.kindMask, 0b110)
        XCTAssertEqual(params.checker, config.checker)
        XCTAssertEqual(params.watchdogNanoseconds, 4_000_000_000)
        XCTAssertEqual(params.activePerturbPoints(), config.perturb.activePoints(seed: config.seed))
    }
}
