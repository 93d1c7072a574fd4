import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import XCTest
@testable import MMUTortureConfig

final class JUnitWriterTests: XCTestCase {
    static let violation = ReportViolation(
        invariant: "wp-safety", message: "gfn 7 writable <after> write-protect & \"flush\" 'done'", gfn: 7, vcpu: 1,
        thread: "mmu0", sptes: ["0x1003"],
        trace: [ReportTraceEntry(seq: 9, thread: "vcpu1", event: "fast-pf gfn=7"),
                ReportTraceEntry(seq: 10, thread: "mmu0", event: "wp gfn=7")])

    static let results = [
        ScenarioResult(name: "vcpu-id-tdp", repeatIndex: 0, seed: 1, result: .pass, durationSeconds: 3.0004,
                       counters: ["faults": 12, "accesses": 100], reproduce: "mmutorture run c.yaml --seed 1"),
        ScenarioResult(name: "vcpu-id-tdp", repeatIndex: 1, seed: 99, result: .fail, durationSeconds: 1.5,
                       counters: ["faults": 3], reproduce: "mmutorture run c.yaml --seed 99 --mutant no-wp-mb",
                       violations: [violation, ReportViolation(invariant: "tlb-coherence", message: "stale")]),
        ScenarioResult(name: "mmu-writable-tdp", repeatIndex: 0, seed: 5, result: .error, durationSeconds: 10,
                       reproduce: "mmutorture run c.yaml --seed 5", error: "watchdog: vcpu3 made no progress for 10s"),
    ]

    func render() -> String {
        JUnitWriter.render(campaignName: "ci", results: Self.results,
                           timestamp: Date(timeIntervalSince1970: 1_700_000_000), hostname: "builder<1>")
    }

    func testStructureParsesBackWithCountsAndAttributes() throws {
        let document = try XMLDocument(xmlString: render(), options: [])
        let root = try XCTUnwrap(document.rootElement())
        XCTAssertEqual(root.name, "testsuites")
        XCTAssertEqual(root.attribute(forName: "tests")?.stringValue, "3")
        let suites = root.elements(forName: "testsuite")
        XCTAssertEqual(suites.count, 1)
        let suite = suites[0]
        XCTAssertEqual(suite.attribute(forName: "name")?.stringValue, "ci")
        XCTAssertEqual(suite.attribute(forName: "tests")?.stringValue, "3")
        XCTAssertEqual(suite.attribute(forName: "failures")?.stringValue, "1")
        XCTAssertEqual(suite.attribute(forName: "errors")?.stringValue, "1")
        XCTAssertEqual(suite.attribute(forName: "time")?.stringValue, "14.500")
        XCTAssertEqual(suite.attribute(forName: "timestamp")?.stringValue, "2023-11-14T22:13:20")
        XCTAssertEqual(suite.attribute(forName: "hostname")?.stringValue, "builder<1>")

        let cases = suite.elements(forName: "testcase")
        XCTAssertEqual(cases.count, 3)
        XCTAssertEqual(cases.map { $0.attribute(forName: "classname")?.stringValue }, Array(repeating: "mmutorture.ci", count: 3))
        XCTAssertEqual(cases.map { $0.attribute(forName: "name")?.stringValue },
                       ["vcpu-id-tdp#0 seed=1", "vcpu-id-tdp#1 seed=99", "mmu-writable-tdp#0 seed=5"])
        XCTAssertEqual(cases[0].attribute(forName: "time")?.stringValue, "3.000")

        XCTAssertEqual(cases[0].elements(forName: "failure").count, 0)
        XCTAssertEqual(cases[0].elements(forName: "system-out").first?.stringValue,
                       "seed: 1\nresult: pass\naccesses: 100\nfaults: 12\n")

        let failures = cases[1].elements(forName: "failure")
        XCTAssertEqual(failures.count, 2)
        XCTAssertEqual(failures[0].attribute(forName: "type")?.stringValue, "wp-safety")
        XCTAssertEqual(failures[0].attribute(forName: "message")?.stringValue,
                       "wp-safety: gfn 7 writable <after> write-protect & \"flush\" 'done'")
        let text = try XCTUnwrap(failures[0].stringValue)
        XCTAssertTrue(text.contains("reproduce: mmutorture run c.yaml --seed 99 --mutant no-wp-mb"))
        XCTAssertTrue(text.contains("#9 vcpu1: fast-pf gfn=7\n  #10 mmu0: wp gfn=7"))
        XCTAssertTrue(text.contains("gfn 7, vcpu 1, seen by mmu0"))
        XCTAssertEqual(failures[1].attribute(forName: "type")?.stringValue, "tlb-coherence")

        let errors = cases[2].elements(forName: "error")
        XCTAssertEqual(errors.count, 1)
        XCTAssertEqual(errors[0].attribute(forName: "message")?.stringValue, "watchdog: vcpu3 made no progress for 10s")
        XCTAssertTrue(errors[0].stringValue?.contains("reproduce: mmutorture run c.yaml --seed 5") ?? false)
    }

    func testEscapingOfMarkupAndControlCharacters() throws {
        let nasty = "a<b>&c\"d'e\u{01}f\u{1B}[31mg\u{0B}\u{FFFE}h\ti\nj\rk"
        let result = ScenarioResult(name: nasty, seed: 1, result: .fail, durationSeconds: .infinity,
                                    counters: [nasty: 1], reproduce: nasty,
                                    violations: [ReportViolation(invariant: nasty, message: nasty,
                                                                 trace: [ReportTraceEntry(seq: 1, thread: nasty, event: nasty)])])
        let xml = JUnitWriter.render(campaignName: nasty, results: [result], hostname: nasty)
        XCTAssertFalse(xml.unicodeScalars.contains { !XMLEscaping.isAllowed($0) })
        let document = try XMLDocument(xmlString: xml, options: [])
        let suite = try XCTUnwrap(document.rootElement()?.elements(forName: "testsuite").first)
        let expected = "a<b>&c\"d'e\\x01f\\x1B[31mg\\x0B\\xFFFEh\ti\nj\rk"
        XCTAssertEqual(suite.attribute(forName: "name")?.stringValue, expected)
        let failure = try XCTUnwrap(suite.elements(forName: "testcase").first?.elements(forName: "failure").first)
        XCTAssertEqual(failure.attribute(forName: "type")?.stringValue, expected)
        XCTAssertTrue(failure.stringValue?.contains("reproduce: " + expected) ?? false)
        XCTAssertEqual(suite.elements(forName: "testcase").first?.attribute(forName: "time")?.stringValue, "0.000")
    }

    func testRenderingAReport() throws {
        let single = RunReport(result: .fail, config: CampaignConfig().with { $0.name = "solo"; $0.seed = 4 }, durationSeconds: 2,
                               counters: ["faults": 1], reproduce: "mmutorture run --seed 4",
                               violations: [Self.violation])
        XCTAssertEqual(single.scenarioResults.count, 1)
        XCTAssertEqual(single.scenarioResults[0].name, "solo")
        let document = try XMLDocument(xmlString: JUnitWriter.render(report: single), options: [])
        let testcase = try XCTUnwrap(document.rootElement()?.elements(forName: "testsuite").first?
            .elements(forName: "testcase").first)
        XCTAssertEqual(testcase.attribute(forName: "name")?.stringValue, "solo#0 seed=4")
        XCTAssertEqual(testcase.elements(forName: "failure").count, 1)

        var campaign = single
        campaign.scenarios = Self.results
        XCTAssertEqual(campaign.scenarioResults, Self.results)
    }

    func testEscapingFunctions() {
        XCTAssertEqual(XMLEscaping.text("<&>\"'"), "&lt;&amp;&gt;\"'")
        XCTAssertEqual(XMLEscaping.attribute("<&>\"'"), "&lt;&amp;&gt;&quot;&apos;")
        XCTAssertEqual(XMLEscaping.attribute("a\nb\tc"), "a&#10;b&#9;c")
        XCTAssertEqual(XMLEscaping.text("a\nb\tc"), "a\nb\tc")
        XCTAssertEqual(XMLEscaping.text("\u{00}\u{1F}"), "\\x00\\x1F")
        XCTAssertEqual(XMLEscaping.text("ünï ✓ 🐛"), "ünï ✓ 🐛")
    }

    func testFailWithoutViolationsAndEmptyCampaign() throws {
        let odd = ScenarioResult(name: "x", seed: 1, result: .fail, durationSeconds: 1, reproduce: "r")
        let document = try XMLDocument(xmlString: JUnitWriter.render(campaignName: "c", results: [odd]), options: [])
        let testcase = document.rootElement()?.elements(forName: "testsuite").first?.elements(forName: "testcase").first
        XCTAssertEqual(testcase?.elements(forName: "failure").count, 1)

        let empty = try XMLDocument(xmlString: JUnitWriter.render(campaignName: "c", results: []), options: [])
        XCTAssertEqual(empty.rootElement()?.elements(forName: "testsuite").first?.attribute(forName: "tests")?.stringValue, "0")
    }
}
