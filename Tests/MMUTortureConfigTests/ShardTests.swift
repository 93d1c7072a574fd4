import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

/// `--shard K/N`, the engines' environment variables, and `report merge`
/// (the README, "Scale-out").
final class ShardTests: XCTestCase {
    // MARK: - arithmetic

    func testEveryRunLandsInExactlyOneShard() throws {
        for n in 1...8 {
            for total in 0...23 {
                var owner = [Int?](repeating: nil, count: total)
                for k in 0..<n {
                    let shard = try ShardSpec(index: k, count: n)
                    for i in shard.runs(of: total) {
                        XCTAssertNil(owner[i], "run \(i) of \(total) is in shards \(owner[i] ?? -1) and \(k) of \(n)")
                        owner[i] = k
                        XCTAssertTrue(shard.contains(run: i))
                    }
                }
                XCTAssertEqual(owner.compactMap { $0 }.count, total, "N=\(n), \(total) runs: a run in no shard")
                // Balanced: shard sizes differ by at most one.
                let sizes = (0..<n).map { k in owner.filter { $0 == k }.count }
                XCTAssertLessThanOrEqual((sizes.max() ?? 0) - (sizes.min() ?? 0), 1)
            }
        }
    }

    func testParsing() throws {
        XCTAssertEqual(try ShardSpec(parsing: "0/1"), try ShardSpec(index: 0, count: 1))
        XCTAssertEqual(try ShardSpec(parsing: "3/4").description, "3/4")
        for bad in ["4/4", "-1/2", "1/0", "a/b", "1", "1/2/3", "", "/2", " 1/2"] {
            XCTAssertThrowsError(try ShardSpec(parsing: bad), bad)
        }
    }

    // MARK: - the engines' environment

    func resolve(_ env: [String: String], flag: String? = nil, shards: Int? = nil) throws -> ShardSpec? {
        try ShardSpec.resolve(flag: flag, shards: shards, environment: env)?.spec
    }

    func testEnvironment() throws {
        XCTAssertNil(try resolve([:]))
        XCTAssertEqual(try resolve(["JOB_COMPLETION_INDEX": "2"], shards: 5), try ShardSpec(index: 2, count: 5))
        XCTAssertEqual(try resolve(["JOB_COMPLETION_INDEX": "2", "MMUTORTURE_SHARDS": "3"]), try ShardSpec(index: 2, count: 3))
        XCTAssertEqual(try resolve(["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "4"]), try ShardSpec(index: 1, count: 4))
        // --array=1-4: task ids 1...4 are shards 0...3.
        XCTAssertEqual(try resolve(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"]),
                       try ShardSpec(index: 3, count: 4))
        // GitLab counts from 1.
        XCTAssertEqual(try resolve(["CI_NODE_INDEX": "1", "CI_NODE_TOTAL": "3"]), try ShardSpec(index: 0, count: 3))
        XCTAssertEqual(try resolve(["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"]), try ShardSpec(index: 2, count: 3))
        // The flag wins over the environment.
        XCTAssertEqual(try resolve(["CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"], flag: "0/2"), try ShardSpec(index: 0, count: 2))
    }

    func testBadEnvironmentNamesTheVariable() {
        let cases: [([String: String], Int?, String)] = [
            (["JOB_COMPLETION_INDEX": "2"], nil, "MMUTORTURE_SHARDS"),
            (["JOB_COMPLETION_INDEX": "5"], 5, "JOB_COMPLETION_INDEX=5"),
            (["JOB_COMPLETION_INDEX": "x"], 2, "JOB_COMPLETION_INDEX=x"),
            (["CI_NODE_INDEX": "0", "CI_NODE_TOTAL": "3"], nil, "CI_NODE_INDEX=0"),
            (["SLURM_ARRAY_TASK_ID": "1"], nil, "SLURM_ARRAY_TASK_COUNT"),
            ([:], 3, "--shards"),
        ]
        for (env, shards, needle) in cases {
            XCTAssertThrowsError(try resolve(env, shards: shards), "\(env)") { error in
                XCTAssertTrue("\(error)".contains(needle), "\(error) should name \(needle)")
            }
        }
        XCTAssertThrowsError(try resolve([:], flag: "2/2")) { XCTAssertTrue("\($0)".hasPrefix("--shard:"), "\($0)") }
    }

    // MARK: - merge = the unsharded campaign

    /// A campaign of `total` runs; the runs in `failing` find a violation,
    /// run 1 is deterministic (with a schedule when it fails).
    static func records(total: Int, failing: Set<Int>) -> [CampaignRunRecord] {
        (0..<total).map { i in
            var config = CampaignConfig()
            config.name = "scenario-\(i % 3)"
            config.seed = UInt64(100 + i)
            let violations = failing.contains(i)
                ? [ReportViolation(invariant: "wp-safety", message: "run \(i)", gfn: i, vcpu: 0, thread: "vcpu0",
                                   trace: [ReportTraceEntry(seq: 1, thread: "vcpu0", event: ">> violation")])]
                : []
            let result = ScenarioResult(name: config.name, repeatIndex: i / 3, seed: config.seed,
                                        result: violations.isEmpty ? .pass : .fail, durationSeconds: Double(i) + 0.5,
                                        counters: ["accesses": UInt64(1000 * (i + 1)), "fast_fixed": UInt64(i)],
                                        reproduce: "mmutorture run --seed \(100 + i) --only \(config.name)#\(i / 3)",
                                        violations: violations, index: i)
            let det = i == 1 ? DeterministicRecord(
                buckets: ["executions": 7, "steps": 99],
                schedule: failing.contains(i) ? "s1.2.abc" : nil,
                timeline: failing.contains(i)
                    ? ReportTimeline(columns: ["VCPU 0", "MMU"],
                                     rows: [TimelineRow(step: 3, thread: 0, threadName: "vcpu0", text: "load spte(gfn 1) = 0x1",
                                                        violation: true, collapsedBefore: 0)])
                    : nil) : nil
            return CampaignRunRecord(result: result, config: config,
                                     histograms: ["fast_path_outcomes": ["fixed": UInt64(i), "spurious": 1]],
                                     perturbPoints: ["wp-scan"], deterministic: det)
        }
    }

    /// The whole campaign's report, and the reports of its N shards
    /// (through JSON, as files carry them) merged.
    func unshardedAndMerged(total: Int, failing: Set<Int>, n: Int) throws -> (RunReport, RunReport) {
        let runs = Self.records(total: total, failing: failing)
        let whole = CampaignReport.build(campaign: "c", runs: runs, fallbackConfig: CampaignConfig(), totalRuns: total)
        let shards = try (0..<n).map { k -> (file: String, report: RunReport) in
            let shard = try ShardSpec(index: k, count: n)
            let part = shard.runs(of: total).map { runs[$0] }
            let report = CampaignReport.build(campaign: "c", runs: part, fallbackConfig: CampaignConfig(),
                                              totalRuns: total, shard: shard)
            return ("shard-\(k).json", try RunReport(jsonData: report.jsonData()))
        }
        // The order the files are given in does not matter.
        return (whole, try CampaignReport.merge(shards.reversed()))
    }

    /// `merged` with what only a merged report has taken out.
    func comparable(_ merged: RunReport) -> RunReport {
        var m = merged
        m.shards = []
        m.scenarios = m.scenarios.map { var s = $0; s.shard = nil; return s }
        return m
    }

    func testMergeOfShardsIsTheUnshardedRunPassing() throws {
        for n in 1...8 {
            let (whole, merged) = try unshardedAndMerged(total: 7, failing: [], n: n)
            XCTAssertEqual(comparable(merged), whole, "N=\(n)")
            XCTAssertEqual(merged.result.exitStatus, 0)
            XCTAssertEqual(merged.counters["accesses"], (1...7).reduce(0) { $0 + UInt64(1000 * $1) })
            XCTAssertEqual(merged.shards.map(\.index), Array(0..<n))
            XCTAssertEqual(merged.shards.map(\.runs).reduce(0, +), 7)
            XCTAssertEqual(merged.scenarios.map(\.seed), (0..<7).map { UInt64(100 + $0) }, "same runs, same seeds, in order")
            XCTAssertEqual(merged.scenarios.map(\.shard), (0..<7).map { $0 % n })
        }
    }

    func testMergeOfShardsIsTheUnshardedRunFailing() throws {
        for n in 1...8 {
            let (whole, merged) = try unshardedAndMerged(total: 7, failing: [1, 5], n: n)
            XCTAssertEqual(comparable(merged), whole, "N=\(n)")
            XCTAssertEqual(merged.result, .fail)
            XCTAssertEqual(merged.result.exitStatus, 1)
            XCTAssertEqual(merged.violations.map(\.message), ["run 1", "run 5"])
            XCTAssertEqual(merged.schedule, "s1.2.abc")
            XCTAssertEqual(merged.timeline?.rows.count, 1)
            XCTAssertEqual(merged.reproduce, whole.reproduce)
        }
    }

    func testMergeOfOneRunCampaign() throws {
        // Shards beyond the runs report nothing; the merge is the one run.
        let (whole, merged) = try unshardedAndMerged(total: 1, failing: [0], n: 3)
        XCTAssertEqual(comparable(merged), whole)
        XCTAssertTrue(merged.scenarios.isEmpty)
    }

    func testMergeRefusesReportsThatDoNotFit() throws {
        let runs = Self.records(total: 4, failing: [])
        func shard(_ k: Int, _ n: Int, campaign: String = "c") throws -> RunReport {
            let s = try ShardSpec(index: k, count: n)
            return CampaignReport.build(campaign: campaign, runs: s.runs(of: 4).map { runs[$0] },
                                        fallbackConfig: CampaignConfig(), totalRuns: 4, shard: s)
        }
        let cases: [([(String, RunReport)], String)] = [
            ([("a.json", try shard(0, 2)), ("b.json", try shard(1, 2, campaign: "other"))], "b.json: campaign 'other'"),
            ([("a.json", try shard(0, 3)), ("b.json", try shard(1, 3))], "shard 2/3 missing"),
            ([("a.json", try shard(0, 2)), ("b.json", try shard(0, 2)), ("c.json", try shard(1, 2))], "b.json: shard 0/2 is also in a.json"),
            ([("a.json", try shard(0, 2)), ("b.json", try shard(1, 3))], "b.json: shard 1/3"),
            ([], "no reports"),
        ]
        for (inputs, needle) in cases {
            XCTAssertThrowsError(try CampaignReport.merge(inputs.map { (file: $0.0, report: $0.1) })) { error in
                XCTAssertTrue("\(error)".contains(needle), "\(error) should say \(needle)")
            }
        }
    }

    func testShardReportListsItsRunsEvenWhenNone() throws {
        let s = try ShardSpec(index: 3, count: 4)
        let empty = CampaignReport.build(campaign: "c", runs: [], fallbackConfig: CampaignConfig(), totalRuns: 2, shard: s)
        let decoded = try RunReport(jsonData: empty.jsonData())
        XCTAssertEqual(decoded.shard, s)
        XCTAssertEqual(decoded.scenarioResults.count, 0, "no made-up run for an empty shard")
        XCTAssertEqual(decoded.result, .pass)
    }

    /// `mutants verify` in shards: the merged verdicts count every attempt
    /// and take the detection median over every caught one.
    func testMergeOfVerifyVerdicts() {
        func run(_ name: String, _ seconds: Double, _ pass: Bool) -> ScenarioResult {
            ScenarioResult(name: name, seed: 1, result: pass ? .pass : .fail, durationSeconds: seconds,
                           counters: ["executions": UInt64(seconds * 100)])
        }
        let a = [MutantVerdict(name: "x", expected: ["wp-safety"], invariantsSeen: ["wp-safety"], caught: 2, attempts: 2,
                               generic: GenericVerdict(caught: true, seconds: 1))]
        let b = [MutantVerdict(name: "x", expected: ["wp-safety"], invariantsSeen: ["tlb-coherence"], caught: 0, attempts: 1),
                 MutantVerdict(name: "y", expected: ["obsolete"], caught: 1, attempts: 1)]
        let results = [run("mutant:x", 0.5, true), run("mutant:x", 0.1, true), run("mutant:x", 9, false),
                       run("mutant:y", 0.3, true)]
        let m = MutantVerdict.merged([a, b], results: results)
        XCTAssertEqual(m.map(\.name), ["x", "y"])
        XCTAssertEqual(m[0].caught, 2)
        XCTAssertEqual(m[0].attempts, 3)
        XCTAssertEqual(m[0].invariantsSeen, ["tlb-coherence", "wp-safety"])
        XCTAssertEqual(m[0].medianSeconds, 0.5)
        XCTAssertEqual(m[0].maxSeconds, 0.5)
        XCTAssertEqual(m[0].maxExecutions, 50)
        XCTAssertEqual(m[0].generic?.caught, true)
        XCTAssertEqual(m[1].medianSeconds, 0.3)
    }
}
