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

/// The `deterministic` section describes the search; the command line's
/// options override it key by key.
final class DeterministicSectionTests: XCTestCase {
    func testTheSectionSetsTheSearchAndOptionsOverrideIt() throws {
        let campaign = try ConfigLoader.parse(
            yaml: "mode: deterministic\nmutant: no-wp-mb\n"
                + "deterministic: { strategy: pct, depth: 2, executions: 50, accesses_per_vcpu: 128, "
                + "mmu_operations: 4, shrink: off }\n",
            file: "d.yaml")
        let config = try XCTUnwrap(campaign.runs.first?.config)
        let settings = DeterministicRunOptions().settings(for: config)
        XCTAssertEqual(settings.strategy, .pct(depth: 2))
        XCTAssertEqual(settings.executions, 50)
        XCTAssertEqual(settings.accessesPerVCPU, 128)
        XCTAssertEqual(settings.mmuOperations, 4)
        XCTAssertFalse(settings.shrink)
        XCTAssertEqual(settings.expectedInvariants, ProtocolVariants.info(.noWPMB)?.expectedInvariants)

        let overridden = DeterministicRunOptions(strategy: .dfs, preemptionBound: 1, executions: 7, shrink: false)
            .settings(for: config)
        XCTAssertEqual(overridden.strategy, .dfs(preemptionBound: 1))
        XCTAssertEqual(overridden.executions, 7)
        XCTAssertEqual(overridden.accessesPerVCPU, 128, "a key the command line does not set stays the file's")

        // The defaults are the runner's own.
        let plain = DeterministicRunOptions().settings(for: CampaignConfig())
        XCTAssertEqual(plain.strategy, DeterministicSettings().strategy)
        XCTAssertEqual(plain.executions, DeterministicSettings().executions)
        XCTAssertEqual(plain.accessesPerVCPU, DeterministicSettings().accessesPerVCPU)
        XCTAssertEqual(plain.mmuOperations, DeterministicSettings().mmuOperations)
    }

    func testOutOfRangeValuesNameTheirKey() {
        XCTAssertThrowsError(try ConfigLoader.parse(yaml: "deterministic:\n  depth: 0\n", file: "d.yaml")) { error in
            XCTAssertEqual("\(error)", "d.yaml:2: deterministic.depth: expected an integer between 1 and 64, got 0")
        }
        XCTAssertThrowsError(try ConfigLoader.parse(yaml: "deterministic: { strategy: pcd }\n", file: "d.yaml")) { error in
            XCTAssertTrue("\(error)".contains("deterministic.strategy"), "\(error)")
            XCTAssertTrue("\(error)".contains("did you mean 'pct'"), "\(error)")
        }
    }
}
