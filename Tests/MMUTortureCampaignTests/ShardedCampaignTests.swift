import Foundation
import MMUTortureConfig
import MMUTortureCore
import XCTest
@testable import MMUTortureCampaign

/// Real campaigns run whole and in shards (the README, "Scale-out"). In
/// deterministic mode a run is a function of its seed, so the merge of the
/// shards' reports must be the unsharded report itself: same runs, same
/// seeds, same counters, same result and exit status, same replay data.
final class ShardedCampaignTests: XCTestCase {
    /// A deterministic campaign of `repeats` runs of the default scenario
    /// (or of the one that exposes `mutant`), each a bounded search.
    func campaign(mutant: MutantName, repeats: Int) throws -> Campaign {
        var config = ProtocolVariants.info(mutant).map { CampaignConfig().exposing($0) } ?? CampaignConfig()
        config.name = "sharded"
        config.mode = .deterministic
        config.repeat = repeats
        config.duration = .seconds(60)  // the execution bound ends each search first
        return try Campaign(single: config, file: nil)
    }

    func options(executions: Int) -> DeterministicRunOptions {
        DeterministicRunOptions(executions: executions, shrink: false)
    }

    /// The whole campaign's report, its exit status, and the merge of its
    /// N shards' reports with the merge's exit status.
    func wholeAndMerged(_ campaign: Campaign, executions: Int, shards n: Int)
        throws -> (RunReport, Int32, RunReport, Int32) {
        let total = campaign.runs.count
        let whole = CampaignRunner(campaign: campaign, quiet: true, deterministic: options(executions: executions)).run()
        var reports: [(file: String, report: RunReport)] = []
        var statuses: [Int32] = []
        for k in 0..<n {
            let shard = try ShardSpec(index: k, count: n)
            var part = campaign
            let indices = shard.runs(of: total)
            part.runs = indices.map { campaign.runs[$0] }
            let outcome = CampaignRunner(campaign: part, quiet: true, deterministic: options(executions: executions),
                                         runIndices: indices, totalRuns: total).run()
            statuses.append(outcome.exitStatus)
            reports.append(("shard-\(k).json", try RunReport(jsonData: outcome.report(campaign: campaign, totalRuns: total,
                                                                                       shard: shard).jsonData())))
        }
        let merged = try CampaignReport.merge(reports)
        XCTAssertEqual(statuses.contains(1), merged.result == .fail, "a shard fails exactly when the merge does")
        return (try RunReport(jsonData: whole.report(campaign: campaign, totalRuns: total, shard: nil).jsonData()),
                whole.exitStatus, merged, merged.result.exitStatus)
    }

    /// `r` without what wall clocks and merging add.
    func timeless(_ r: RunReport) -> RunReport {
        var r = r
        r.durationSeconds = 0
        r.shards = []
        r.scenarios = r.scenarios.map { var s = $0; s.durationSeconds = 0; s.shard = nil; return s }
        return r
    }

    func testPassingCampaignMergesToTheUnshardedRun() throws {
        let c = try campaign(mutant: .none, repeats: 3)
        for n in [2, 3] {
            let (whole, wholeStatus, merged, mergedStatus) = try wholeAndMerged(c, executions: 40, shards: n)
            XCTAssertEqual(whole.result, .pass)
            XCTAssertEqual(wholeStatus, 0)
            XCTAssertEqual(mergedStatus, 0)
            XCTAssertEqual(merged.scenarios.map(\.seed), c.runs.map(\.seed), "same runs, same derived seeds")
            XCTAssertGreaterThan(merged.counters["executions"] ?? 0, 0)
            XCTAssertEqual(timeless(merged), timeless(whole), "N=\(n)")
        }
    }

    func testFailingCampaignMergesToTheUnshardedRun() throws {
        let c = try campaign(mutant: .sharedID, repeats: 3)
        let (whole, wholeStatus, merged, mergedStatus) = try wholeAndMerged(c, executions: 3000, shards: 2)
        XCTAssertEqual(whole.result, .fail)
        XCTAssertEqual(wholeStatus, 1)
        XCTAssertEqual(mergedStatus, 1)
        XCTAssertNotNil(merged.schedule)
        XCTAssertFalse(merged.timeline?.rows.isEmpty ?? true, "the failing run's timeline reaches the merged report")
        XCTAssertEqual(timeless(merged), timeless(whole))
    }
}
