import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

final class RunReportTests: XCTestCase {
    static func sampleReport() -> RunReport {
        let violation = ReportViolation(
            invariant: "wp-safety", message: "gfn 12 writable after write-protect", gfn: 12, vcpu: 2,
            thread: "mmu0", sptes: ["0x8000000000001003"],
            trace: [ReportTraceEntry(seq: 41, thread: "vcpu2", event: "fast-pf gfn=12 set-id"),
                    ReportTraceEntry(seq: 42, thread: "mmu0", event: "write-protect gfn=12")])
        let config = CampaignConfig().with { $0.mutant = .noWPMB; $0.seed = .max }
        return RunReport(
            result: .fail, interrupted: true, config: config, durationSeconds: 3.25,
            counters: ["faults": 10, "fast_path_fixed": .max],
            histograms: ["fast_path_outcome": ["fixed": 5, "retry": 2], "retries_per_fault": ["0": 9, "1": 1]],
            perturbPoints: ["after-set-id", "wp-scan"],
            reproduce: "mmutorture run configs/x.yaml --seed 18446744073709551615 --mutant no-wp-mb",
            violations: [violation],
            scenarios: [ScenarioResult(name: "x", repeatIndex: 1, seed: 3, result: .fail, durationSeconds: 1,
                                       counters: ["faults": 1], reproduce: "r", violations: [violation])],
            schedule: "s:1,2,3", error: nil)
    }

    func testJSONHasTheContractKeys() throws {
        let data = try Self.sampleReport().jsonData()
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        for key in ["tool", "version", "result", "interrupted", "seed", "mode", "protocol", "mutant", "config",
                    "duration_s", "counters", "histograms", "perturb_points", "reproduce", "violations",
                    "scenarios", "schedule", "error"] {
            XCTAssertNotNil(object[key], key)
        }
        XCTAssertEqual(object["tool"] as? String, "mmutorture")
        XCTAssertEqual(object["version"] as? String, MMUTortureVersion.string)
        XCTAssertEqual(object["result"] as? String, "fail")
        XCTAssertEqual(object["mutant"] as? String, "no-wp-mb")
        XCTAssertEqual(object["protocol"] as? String, "vcpu-id")
        XCTAssertTrue(object["error"] is NSNull, "null, not missing")

        let config = try XCTUnwrap(object["config"] as? [String: Any])
        XCTAssertEqual(config["duration"] as? String, "10s")
        XCTAssertEqual(config["trace_depth"] as? Int, 64)
        XCTAssertEqual((config["workload"] as? [String: Any])?["write_ratio"] as? Double, 0.5)
        XCTAssertEqual((config["perturb"] as? [String: Any])?["max_delay"] as? String, "20us")

        let violation = try XCTUnwrap((object["violations"] as? [[String: Any]])?.first)
        XCTAssertEqual(Set(violation.keys), ["invariant", "message", "gfn", "vcpu", "thread", "sptes", "trace"])
        let trace = try XCTUnwrap(violation["trace"] as? [[String: Any]])
        XCTAssertEqual(trace.first?["thread"] as? String, "vcpu2")
        XCTAssertEqual(trace.first?["seq"] as? Int, 41)

        let scenario = try XCTUnwrap((object["scenarios"] as? [[String: Any]])?.first)
        XCTAssertEqual(scenario["repeat"] as? Int, 1)
        XCTAssertNotNil(scenario["duration_s"])

        let text = String(decoding: data, as: UTF8.self)
        XCTAssertTrue(text.contains("\"seed\" : 18446744073709551615"), "the seed is exact in the JSON")
        XCTAssertTrue(text.contains("configs/x.yaml"), "slashes are not escaped")
    }

    func testUnknownViolationPlaceIsNull() throws {
        let data = try JSONEncoder().encode(ReportViolation(invariant: "obsolete", message: "m"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertTrue(object["gfn"] is NSNull)
        XCTAssertTrue(object["vcpu"] is NSNull)
    }

    func testRoundTrip() throws {
        let report = Self.sampleReport()
        XCTAssertEqual(try RunReport(jsonData: report.jsonData()), report)
        let passing = RunReport(config: .default)
        XCTAssertEqual(try RunReport(jsonData: passing.jsonData()), passing)
        XCTAssertEqual(passing.result, .pass)
        XCTAssertEqual(passing.campaign, "default")
    }

    func testDecodingIgnoresUnknownKeysAndDefaultsMissingOnes() throws {
        let json = """
            {"result": "error", "seed": 5, "error": "watchdog: vcpu3 stalled", "future_key": [1, 2],
             "config": {"vcpus": 2, "guest": {"paging": "shadow", "huge_pages": true}, "new_thing": 1},
             "violations": [{"invariant": "dirty-log", "message": "lost", "extra": 1}]}
            """
        let report = try RunReport(jsonData: Data(json.utf8))
        XCTAssertEqual(report.result, .error)
        XCTAssertEqual(report.seed, 5)
        XCTAssertEqual(report.error, "watchdog: vcpu3 stalled")
        XCTAssertEqual(report.config.vcpus, 2)
        XCTAssertEqual(report.config.guest.paging, .shadow)
        XCTAssertEqual(report.config.guest.frames, 4096)
        XCTAssertEqual(report.violations.first?.invariant, "dirty-log")
        XCTAssertNil(report.violations.first?.gfn)
        XCTAssertEqual(report.counters, [:])
        XCTAssertEqual(report.tool, "mmutorture")
    }

    func testConfigJSONRoundTripIncludingRandomSeedFlag() throws {
        var config = try parseConfig(String(contentsOf: repositoryRoot.appendingPathComponent("configs/soak.yaml")))
        config.seed = .max - 1
        let data = try JSONEncoder().encode(config)
        XCTAssertEqual(try JSONDecoder().decode(CampaignConfig.self, from: data), config)
        XCTAssertTrue(config.seedWasRandom)
    }

    func testNonFiniteDurationDoesNotLoseTheReport() throws {
        var report = RunReport(config: .default)
        report.durationSeconds = .nan
        XCTAssertEqual(try RunReport(jsonData: report.jsonData()).durationSeconds, 0)
    }

    func testCombinedResultAndExitStatus() {
        XCTAssertEqual(ReportResult.combined([.pass, .fail, .pass]), .fail)
        XCTAssertEqual(ReportResult.combined([.fail, .error]), .error)
        XCTAssertEqual(ReportResult.combined([]), .pass)
        XCTAssertEqual(ReportResult.allCases.map(\.exitStatus), [0, 1, 3])
    }
}
