import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

/// The HTML page's parts, per kind of report. (A strict HTML5 parser and a
/// headless browser check the pages of real runs in scripts/html-e2e.sh.)
final class HTMLReportTests: XCTestCase {
    func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }

    func position(_ needle: String, in text: String) -> Int? {
        text.range(of: needle).map { text.distance(from: text.startIndex, to: $0.lowerBound) }
    }

    func testPassingRun() throws {
        let report = RunReport(config: CampaignConfig(), durationSeconds: 1.5,
                               counters: ["accesses": 1_234_567, "fast_fixed": 10, "violations": 0],
                               histograms: ["fast_path_outcomes": ["fixed": 10, "spurious": 2, "to-slow": 1],
                                            "fast_path_retries": ["0": 10, "1": 2, "7+": 1]],
                               reproduce: "mmutorture run --seed 1")
        let html = HTMLReport.render(report)
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.contains("class=\"verdict pass\""))
        // Verdict and reproduce command come before everything else.
        let verdict = try XCTUnwrap(position("id=\"verdict\"", in: html))
        let reproduce = try XCTUnwrap(position("id=\"reproduce\"", in: html))
        let facts = try XCTUnwrap(position("id=\"facts\"", in: html))
        XCTAssertLessThan(verdict, facts)
        XCTAssertLessThan(reproduce, facts)
        XCTAssertEqual(count("class=\"bar-chart\"", in: html), 2)
        XCTAssertEqual(count("<rect class=\"bar\"", in: html), 6, "one bar per bucket")
        // Retries in numeric order, outcomes in the path's order.
        XCTAssertLessThan(try XCTUnwrap(position(">0</text>", in: html)), try XCTUnwrap(position(">7+</text>", in: html)))
        XCTAssertLessThan(try XCTUnwrap(position(">spurious</text>", in: html)), try XCTUnwrap(position(">to-slow</text>", in: html)))
        XCTAssertTrue(html.contains("1\u{2009}234\u{2009}567"), "counters grouped by thousands")
        XCTAssertFalse(html.contains("id=\"violations\""))
        XCTAssertFalse(html.contains("class=\"lanes\""))
        // Self-contained: nothing fetched.
        for external in ["<script", "src=", "href=", "@import", "url("] { XCTAssertFalse(html.contains(external), external) }
    }

    func testNativeViolationHasTheTraceAsATable() throws {
        var report = RunReportTests.sampleReport()
        report.violations[0].message = "bad <b>&</b> \u{1}"
        report.violations[0].trace.append(ReportTraceEntry(seq: 43, thread: "vcpu2", event: ">> VIOLATION gfn=12 spte=0x8003"))
        let html = HTMLReport.render(report)
        XCTAssertTrue(html.contains("class=\"verdict fail\""))
        XCTAssertTrue(html.contains("bad &lt;b&gt;&amp;&lt;/b&gt; \\x01"), "escaped, the control character made visible")
        XCTAssertEqual(count("<table class=\"trace\">", in: html), 1)
        XCTAssertEqual(count("<tr class=\"violating\">", in: html), 1, "the violating event marked")
        XCTAssertTrue(html.contains("spte=<code class=\"v\">0x8003</code>"))
        XCTAssertFalse(html.contains("class=\"lanes\""), "a native run has no timeline")
    }

    func deterministicReport(structured: Bool) -> RunReport {
        let rows = [
            TimelineRow(step: 5, thread: 0, threadName: "vcpu0", text: "store id 1 into spte(gfn 5) (one byte)",
                        violation: false, collapsedBefore: 0),
            TimelineRow(step: 9, thread: 2, threadName: "mmu0", text: "cmpxchg spte(gfn 5): 0x54a1(P A) -> 0x54a1",
                        violation: false, collapsedBefore: 3),
            TimelineRow(step: 12, thread: 1, threadName: "vcpu1", text: "load spte(gfn 5) = 0x54e3(P W) => VIOLATION",
                        violation: true, collapsedBefore: 2),
        ]
        var config = CampaignConfig()
        config.mode = .deterministic
        let trace = rows.map { ReportTraceEntry(seq: $0.step, thread: $0.threadName, event: ($0.violation ? ">> " : "") + $0.text) }
        return RunReport(result: .fail, config: config, reproduce: "mmutorture run --mode deterministic",
                         violations: [ReportViolation(invariant: "wp-safety", message: "m", gfn: 5, trace: trace)],
                         schedule: "s1.3.x",
                         timeline: structured ? ReportTimeline(columns: ["VCPU 0", "VCPU 1", "MMU"], rows: rows) : nil)
    }

    func testDeterministicViolationIsDrawnAsSwimlanes() throws {
        for structured in [true, false] {
            let html = HTMLReport.render(deterministicReport(structured: structured))
            XCTAssertEqual(count("class=\"lanes\"", in: html), 1)
            XCTAssertEqual(count("<div class=\"lane-head\">", in: html), 3, "one lane per thread")
            XCTAssertTrue(html.contains("--lanes:3"))
            XCTAssertEqual(count("class=\"lane act", in: html), 3, "one cell per drawn step")
            XCTAssertEqual(count("class=\"lane act violation", in: html), 1, "the violating step marked")
            XCTAssertTrue(html.contains("data-thread=\"vcpu1\" data-step=\"12\""))
            XCTAssertTrue(html.contains("<code class=\"v\">0x54e3(P W)</code> =&gt; VIOLATION"), "spte values set apart")
            XCTAssertEqual(count("<circle class=\"step-dot", in: html), 3)
            XCTAssertEqual(count("step-dot violation", in: html), 1)
            XCTAssertFalse(html.contains("<table class=\"trace\">"), "drawn, not listed")
            // Each step in its thread's column: VCPU 1's cell is the 2nd of 3.
            let row12 = try XCTUnwrap(html.components(separatedBy: "id=\"step-12\"").last?.components(separatedBy: "\n").first)
            XCTAssertTrue(row12.contains("<div class=\"lane\"></div><div class=\"lane act violation odd\""), row12)
            if structured {
                XCTAssertEqual(count("class=\"gap\"", in: html), 2, "collapsed steps said")
            }
        }
    }

    func testVerifyMatrix() throws {
        var results: [ScenarioResult] = []
        for (name, failing) in [("mutant:shared-id", -1), ("mutant:no-wp-mb", 1), ("correct:vcpu-id", -1)] {
            for i in 0..<3 {
                results.append(ScenarioResult(name: name, repeatIndex: i, seed: UInt64(1 + i),
                                              result: i == failing ? .fail : .pass, durationSeconds: 0.25 * Double(i + 1)))
            }
        }
        let html = HTMLReport.render(RunReport(result: .fail, campaign: "mutants-verify", config: CampaignConfig(),
                                               scenarios: results))
        XCTAssertEqual(count("<table class=\"matrix\">", in: html), 1)
        XCTAssertEqual(count("<th scope=\"row\">mutant:", in: html) + count("<th scope=\"row\">correct:", in: html), 3)
        XCTAssertTrue(html.contains("<th>seed 1</th><th>seed 2</th><th>seed 3</th>"))
        XCTAssertTrue(html.contains(">caught 0.50 s<"), "detection time")
        XCTAssertEqual(count(">missed<", in: html), 1)
        XCTAssertEqual(count(">clean<", in: html), 3)
    }

    func testMergedCampaignHasARowPerShardAndScenario() throws {
        let runs = ShardTests.records(total: 5, failing: [3])
        let shards = try (0..<2).map { k -> (file: String, report: RunReport) in
            let s = try ShardSpec(index: k, count: 2)
            return ("s\(k).json", CampaignReport.build(campaign: "c", runs: s.runs(of: 5).map { runs[$0] },
                                                       fallbackConfig: CampaignConfig(), totalRuns: 5, shard: s))
        }
        let html = HTMLReport.render(try CampaignReport.merge(shards))
        XCTAssertEqual(count("<table class=\"shards\">", in: html), 1)
        XCTAssertTrue(html.contains("<td>0/2</td>") && html.contains("<td>1/2</td>"))
        let runsTable = try XCTUnwrap(html.components(separatedBy: "<table class=\"runs\">").last)
        XCTAssertEqual(count("<tr class=", in: runsTable), 5, "one row per run")
        XCTAssertTrue(runsTable.contains("<th>shard</th>"))
        XCTAssertEqual(count("<tr class=\"fail\"><td>1</td>", in: runsTable), 1, "run 3 failed in shard 1")
    }

    func testValuesAreMarkedWithTheirDecoding() {
        XCTAssertEqual(HTMLReport.valuesMarked("cmpxchg spte(gfn 5): 0x54a1(P A HW pfn=5) -> 0x54a3 <x>"),
                       "cmpxchg spte(gfn 5): <code class=\"v\">0x54a1(P A HW pfn=5)</code> -&gt; <code class=\"v\">0x54a3</code> &lt;x&gt;")
        XCTAssertEqual(HTMLReport.valuesMarked("a0x12 0xzz 0x"), "a0x12 0xzz 0x", "not hex words")
    }

    func testPercentileChartWhenLatencyIsPresent() {
        var report = RunReport(config: CampaignConfig())
        report.histograms["fault_latency_ns"] = ["p50": 120, "p90": 300, "p99": 900, "p99.9": 4000, "max": 12000]
        let html = HTMLReport.render(report)
        XCTAssertEqual(count("class=\"percentile-chart\"", in: html), 1)
        XCTAssertEqual(count("<circle class=\"pt\"", in: html), 5)
        XCTAssertFalse(html.contains("class=\"bar-chart\""), "latency is not drawn as bars")
    }

    func testWritersShareOneProtocol() throws {
        let dir = try makeTemporaryDirectory(self)
        let report = RunReportTests.sampleReport()
        let outputs = ReportOutputs(json: dir.appendingPathComponent("r.json").path,
                                    junit: dir.appendingPathComponent("r.xml").path,
                                    html: dir.appendingPathComponent("r.html").path)
        XCTAssertEqual(outputs.files.map(\.writer.option), ["--report", "--junit", "--html"])
        try outputs.write(report)
        XCTAssertEqual(try RunReport(jsonData: Data(contentsOf: dir.appendingPathComponent("r.json"))), report)
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("r.xml"), encoding: .utf8).contains("<testsuite"))
        XCTAssertTrue(try String(contentsOf: dir.appendingPathComponent("r.html"), encoding: .utf8).contains("<!DOCTYPE html>"))
        let bad = ReportOutputs(html: dir.appendingPathComponent("missing/r.html").path)
        XCTAssertThrowsError(try bad.checkWritable()) { XCTAssertTrue("\($0)".contains("missing/r.html"), "\($0)") }
    }

    func testNewReportKeysAreOptional() throws {
        // Without shards or a timeline, the JSON is what older versions wrote.
        let plain = try XCTUnwrap(try JSONSerialization.jsonObject(with: RunReport(config: CampaignConfig()).jsonData())
                                  as? [String: Any])
        for key in ["shard", "shards", "timeline"] { XCTAssertNil(plain[key], key) }
        // An older report (no index, shard or timeline) still reads.
        let old = #"{"result": "fail", "scenarios": [{"name": "x", "seed": 3, "result": "fail"}]}"#
        let r = try RunReport(jsonData: Data(old.utf8))
        XCTAssertNil(r.scenarios[0].index)
        XCTAssertNil(r.timeline)
        // And the new ones survive a round trip.
        let det = deterministicReport(structured: true)
        XCTAssertEqual(try RunReport(jsonData: det.jsonData()), det)
    }
}
