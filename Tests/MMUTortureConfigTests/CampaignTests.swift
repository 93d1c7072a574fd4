import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

final class CampaignTests: XCTestCase {
    func testScenarioReferenceParsing() throws {
        XCTAssertEqual(try ScenarioReference(parsing: "TREE01"), ScenarioReference(factor: 1, name: "TREE01"))
        XCTAssertEqual(try ScenarioReference(parsing: "5*TREE01"), ScenarioReference(factor: 5, name: "TREE01"))
        XCTAssertEqual(try ScenarioReference(parsing: " 2 * sub/x.yaml "), ScenarioReference(factor: 2, name: "sub/x.yaml"))
        for bad in ["", "*x", "0*x", "-1*x", "x*", "3*", "99999999999999999999*x", "10001*x", "a*b"] {
            XCTAssertThrowsError(try ScenarioReference(parsing: bad), bad)
        }
        let reference = ScenarioReference(name: "ci/tdp")
        XCTAssertEqual(reference.path(relativeTo: "configs"), "configs/ci/tdp.yaml")
        XCTAssertEqual(reference.path(relativeTo: ""), "ci/tdp.yaml")
        XCTAssertEqual(ScenarioReference(name: "a.yaml").path(relativeTo: "d/"), "d/a.yaml")
        XCTAssertEqual(ScenarioReference(name: "/abs/a.yml").path(relativeTo: "d"), "/abs/a.yml")
        XCTAssertEqual(reference.baseName, "tdp")
    }

    func testCampaignExpandsScenariosWithRepeatFactorsAndDerivedSeeds() throws {
        let directory = try makeTemporaryDirectory(self)
        try writeFile("protocol: vcpu-id\n", named: "one.yaml", in: directory)
        try writeFile("name: second\nseed: 7\nrepeat: 2\nguest: { paging: shadow }\n", named: "two.yaml", in: directory)
        let campaign = try writeFile("""
            name: nightly
            seed: 100
            duration: 3s
            guest: { frames: 1024 }
            scenarios:
              - one
              - 3*two.yaml
            """, named: "campaign.yaml", in: directory)

        let loaded = try ConfigLoader.load(path: campaign)
        XCTAssertEqual(loaded.name, "nightly")
        XCTAssertEqual(loaded.file, campaign)
        XCTAssertTrue(loaded.hasManyScenarios)
        XCTAssertEqual(loaded.runs.count, 1 + 3 * 2)
        XCTAssertEqual(loaded.scenarios.map(\.name), ["one", "second"])

        let one = loaded.runs[0]
        XCTAssertEqual(one.file, directory.appendingPathComponent("one.yaml").path)
        XCTAssertEqual(one.config.seed, 100)
        XCTAssertEqual(one.config.duration, .seconds(3), "base keys apply")
        XCTAssertEqual(one.config.guest.frames, 1024)
        XCTAssertEqual(one.repeatCount, 1)

        let twos = Array(loaded.runs.dropFirst())
        XCTAssertEqual(twos.map(\.repeatIndex), Array(0..<6))
        XCTAssertEqual(twos.map(\.repeatCount), Array(repeating: 6, count: 6))
        XCTAssertEqual(twos[0].config.seed, 7, "repeat 0 runs with the master seed")
        for run in twos.dropFirst() {
            XCTAssertEqual(run.config.seed, deriveSeed(7, .repeatSeed, run.repeatIndex))
            XCTAssertEqual(run.masterSeed, 7)
        }
        XCTAssertEqual(Set(twos.map(\.seed)).count, 6)
        // Deep merge: the scenario's paging over the base's frames.
        XCTAssertEqual(twos[0].config.guest.frames, 1024)
        XCTAssertEqual(twos[0].config.guest.paging, .shadow)
        XCTAssertEqual(twos[0].label, "second#0")
    }

    func testErrorsInAScenarioFileNameThatFile() throws {
        let directory = try makeTemporaryDirectory(self)
        let bad = try writeFile("name: bad\n\nworkload: { write_ratio: 2 }\n", named: "bad.yaml", in: directory)
        let campaign = try writeFile("duration: 1s\nscenarios: [bad]\n", named: "c.yaml", in: directory)
        XCTAssertThrowsError(try ConfigLoader.load(path: campaign)) { error in
            let error = error as? ConfigError
            XCTAssertEqual(error?.file, bad)
            XCTAssertEqual(error?.line, 3)
            XCTAssertEqual(error?.keyPath, "workload.write_ratio")
        }
    }

    func testABaseKeyThatBreaksARuleIsBlamedInTheCampaignFile() throws {
        let directory = try makeTemporaryDirectory(self)
        try writeFile("protocol: mmu-writable\n", named: "mw.yaml", in: directory)
        let campaign = try writeFile("mutant: shared-id\nscenarios: [mw]\n", named: "c.yaml", in: directory)
        XCTAssertThrowsError(try ConfigLoader.load(path: campaign)) { error in
            let error = error as? ConfigError
            XCTAssertEqual(error?.file, campaign)
            XCTAssertEqual(error?.keyPath, "mutant")
            XCTAssertEqual(error?.line, 1)
        }
    }

    func testMissingScenarioFileIsBlamedOnItsEntry() throws {
        let directory = try makeTemporaryDirectory(self)
        let campaign = try writeFile("name: c\nscenarios:\n  - here\n  - 2*gone\n", named: "c.yaml", in: directory)
        try writeFile("", named: "here.yaml", in: directory)
        XCTAssertThrowsError(try ConfigLoader.load(path: campaign)) { error in
            let error = error as? ConfigError
            XCTAssertEqual(error?.file, campaign)
            XCTAssertEqual(error?.line, 4)
            XCTAssertEqual(error?.keyPath, "scenarios")
            XCTAssertEqual(error?.message.contains("gone.yaml: no such file"), true)
        }
    }

    func testScenarioListErrors() throws {
        let directory = try makeTemporaryDirectory(self)
        try writeFile("scenarios: [x]\n", named: "nested.yaml", in: directory)
        let nesting = try writeFile("scenarios: [nested]\n", named: "c.yaml", in: directory)
        XCTAssertThrowsError(try ConfigLoader.load(path: nesting)) { error in
            XCTAssertEqual((error as? ConfigError)?.file, directory.appendingPathComponent("nested.yaml").path)
            XCTAssertEqual((error as? ConfigError)?.message.contains("cannot list scenarios"), true)
        }
        XCTAssertEqual(parseError("scenarios: []\n")?.keyPath, "scenarios")
        XCTAssertEqual(parseError("scenarios: x\n")?.keyPath, "scenarios")
        XCTAssertEqual(parseError("scenarios: [[x]]\n")?.keyPath, "scenarios[0]")
        XCTAssertEqual(parseError("scenarios:\n  - ok\n  - 0*x\n")?.line, 3)
    }

    func testRunLimit() throws {
        let directory = try makeTemporaryDirectory(self)
        try writeFile("repeat: 10000\n", named: "big.yaml", in: directory)
        let campaign = try writeFile("scenarios: [10000*big]\n", named: "c.yaml", in: directory)
        XCTAssertThrowsError(try ConfigLoader.load(path: campaign)) { error in
            XCTAssertEqual((error as? ConfigError)?.message.contains("more than 100000 runs"), true)
        }
    }

    func testSingleScenarioCampaignAndRepeat() throws {
        let campaign = try ConfigLoader.parse(yaml: "name: solo\nseed: 5\nrepeat: 3\n", file: "x/solo.yaml")
        XCTAssertEqual(campaign.name, "solo")
        XCTAssertFalse(campaign.hasManyScenarios)
        XCTAssertEqual(campaign.runs.map(\.seed),
                       [5, deriveSeed(5, .repeatSeed, 1), deriveSeed(5, .repeatSeed, 2)])
        XCTAssertEqual(campaign.runs.map(\.file), Array(repeating: "x/solo.yaml", count: 3))
        XCTAssertEqual(ResolvedScenario.seed(master: 5, repeatIndex: 0), 5)
    }

    func testBuiltInDefault() {
        let campaign = Campaign.builtInDefault
        XCTAssertEqual(campaign.name, "default")
        XCTAssertNil(campaign.file)
        XCTAssertEqual(campaign.runs.count, 1)
        XCTAssertEqual(campaign.runs[0].config, .default)
        XCTAssertEqual(campaign.warnings, [])
    }

    func testOverridesAreAppliedAndRevalidated() throws {
        let config = CampaignConfig().with { $0.seed = 3; $0.seedWasRandom = true }
        let changed = try config.applying(ConfigOverrides(
            seed: 9, duration: .seconds(30), operations: 5, vcpus: 8, protocol: .mmuWritable,
            mutant: .mmuWritableKeep, mode: .deterministic))
        XCTAssertEqual(changed.seed, 9)
        XCTAssertFalse(changed.seedWasRandom)
        XCTAssertEqual(changed.duration, .seconds(30))
        XCTAssertEqual(changed.operations, 5)
        XCTAssertEqual(changed.vcpus, 8)
        XCTAssertEqual(changed.protocol, .mmuWritable)
        XCTAssertEqual(changed.mutant, .mmuWritableKeep)
        XCTAssertEqual(changed.mode, .deterministic)
        XCTAssertEqual(try config.applying(ConfigOverrides()), config)

        XCTAssertThrowsError(try config.applying(ConfigOverrides(vcpus: 600))) { error in
            XCTAssertEqual((error as? ConfigError)?.description,
                           "command line: --vcpus: expected an integer between 1 and 512, got 600")
        }
        XCTAssertThrowsError(try config.applying(ConfigOverrides(vcpus: 300))) { error in
            XCTAssertEqual((error as? ConfigError)?.keyPath, "--vcpus")
        }
        // The override exposed a conflict with a key of the file: blame the option.
        let shared = CampaignConfig().with { $0.mutant = .sharedID }
        XCTAssertThrowsError(try shared.applying(ConfigOverrides(protocol: .mmuWritable))) { error in
            XCTAssertEqual((error as? ConfigError)?.keyPath, "--protocol")
        }
        XCTAssertEqual(ConfigOverrides(seed: 1, vcpus: 2, mode: .native).arguments,
                       ["--seed", "1", "--vcpus", "2", "--mode", "native"])
        XCTAssertTrue(ConfigOverrides().isEmpty)
    }

    func testCampaignOverridesRederiveRepeatSeeds() throws {
        let campaign = try ConfigLoader.parse(yaml: "seed: 5\nrepeat: 2\n", file: "r.yaml")
        let changed = try campaign.applying(ConfigOverrides(seed: 11, vcpus: 2))
        XCTAssertEqual(changed.runs.map(\.seed), [11, deriveSeed(11, .repeatSeed, 1)])
        XCTAssertEqual(changed.runs.map(\.config.vcpus), [2, 2])
        let unchangedSeed = try campaign.applying(ConfigOverrides(vcpus: 2))
        XCTAssertEqual(unchangedSeed.runs.map(\.seed), campaign.runs.map(\.seed))
    }

    func testWarnings() throws {
        let slow = try parseConfig("vcpus: 300\nallow_slow_vcpus: true\n")
        XCTAssertEqual(slow.warnings.count, 1)
        XCTAssertTrue(slow.warnings[0].contains("never take the fast path"))
        XCTAssertEqual(try parseConfig("mutant: ignore-quadrant\n").warnings.count, 1)
        XCTAssertEqual(try parseConfig("mutant: ignore-quadrant\nguest: {paging: shadow32}\n").warnings, [])
        let idle = try parseConfig("mmu: { write_protect: 0, unprotect: 0, dirty_log: 0, zap_all: 0, "
            + "invalidate_range: 0, invalidate_page: 0, audit: 0 }\n")
        XCTAssertEqual(idle.mmu.weights.totalWeight, 0)
        XCTAssertEqual(idle.warnings.count, 1)
        XCTAssertEqual(CampaignConfig.default.mmu.weights.totalWeight, 14)
    }

    func testSwarmChoosesASeededNonEmptySubset() {
        let perturb = PerturbSpec()
        var seen = Set<[PerturbPoint]>()
        for seed: UInt64 in 0..<64 {
            let active = perturb.activePoints(seed: seed)
            XCTAssertFalse(active.isEmpty)
            XCTAssertEqual(active, perturb.activePoints(seed: seed), "same seed, same choice")
            XCTAssertTrue(active.allSatisfy(perturb.points.contains))
            seen.insert(active)
        }
        XCTAssertGreaterThan(seen.count, 10)
        var all = PerturbSpec()
        all.swarm = false
        XCTAssertEqual(all.activePoints(seed: 1), PerturbPoint.allCases)
        var off = PerturbSpec()
        off.probability = 0
        XCTAssertEqual(off.activePoints(seed: 1), [])
    }

    /// A native-only point (`spte-update`) draws its coin after the
    /// deterministic mode's points, so it changes no seed's choice among
    /// them (the deterministic schedules a seed names stay the same); and
    /// a list of native-only points alone still keeps one on.
    func testNativeOnlyPointsLeaveTheSimulatedChoiceAlone() {
        let full = PerturbSpec()
        var simulatedOnly = PerturbSpec()
        simulatedOnly.points = PerturbPoint.allCases.filter(\.simulated)
        XCTAssertLessThan(simulatedOnly.points.count, full.points.count)
        var sawNativeOnly = false
        for seed: UInt64 in 0..<256 {
            let active = full.activePoints(seed: seed)
            XCTAssertEqual(active.filter(\.simulated), simulatedOnly.activePoints(seed: seed), "seed \(seed)")
            sawNativeOnly = sawNativeOnly || active.contains(.spteUpdate)
        }
        XCTAssertTrue(sawNativeOnly)
        var only = PerturbSpec()
        only.points = [.spteUpdate]
        for seed: UInt64 in 0..<16 { XCTAssertEqual(only.activePoints(seed: seed), [.spteUpdate]) }
    }

    func testValidateWithoutAFile() {
        XCTAssertNoThrow(try CampaignConfig.default.validate())
        var config = CampaignConfig.default
        config.workload.hotRatio = .nan
        XCTAssertThrowsError(try config.validate()) { error in
            XCTAssertEqual((error as? ConfigError)?.description, "workload.hot_ratio: expected a number between 0 and 1, got nan")
        }
    }
}
