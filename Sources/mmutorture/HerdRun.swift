import Foundation
import MMUTortureConfig
import MMUTortureCore

/// `mmutorture litmus FILE.litmus ... | DIR`: herd7-format tests, read
/// (all of them, before anything runs, so a bad file costs nothing), run
/// over every interleaving, printed, and judged against a kinds file.
struct HerdRun {
    let tests: [HerdLitmusTest]
    /// The kinds file's path and verdicts, with --expect.
    let kinds: (path: String, verdicts: [String: HerdVerdict])?

    /// Reads every test under `paths` and the kinds file; throws
    /// `HerdLitmusError` naming the file and line of the first problem.
    init(paths: [String], expect: String?) throws {
        tests = try paths.flatMap { try HerdLitmusParser.litmusFiles(at: $0) }.map { try HerdLitmusParser.load(path: $0) }
        kinds = try expect.map { ($0, try HerdKinds.load(path: $0)) }
    }

    /// Runs each test; prints one line per test (and, unless `quiet`, its
    /// final states); returns one result per test.
    func run(quiet: Bool) -> [ScenarioResult] {
        let start = monotonicNanoseconds()
        let nameWidth = tests.map(\.name.count).max() ?? 0
        var results: [ScenarioResult] = []
        var agree = 0, judged = 0, executions = 0, verdicts: [HerdVerdict: Int] = [:]
        for test in tests {
            let r = test.explore()
            executions += r.totals.executions
            verdicts[r.verdict, default: 0] += 1
            let expected = kinds?.verdicts[test.name]
            var problems: [String] = []
            if !r.complete {
                problems.append("the search was not exhaustive or \(r.totals.incomplete) executions did not complete")
            }
            if let expected {
                judged += 1
                if expected == r.verdict { agree += 1 } else {
                    problems.append("\(test.name): the simulator says \(r.verdict.rawValue), \(kinds!.path) says \(expected.rawValue)")
                }
            }
            let seconds = Double(r.totals.elapsedNanoseconds) / 1e9
            let mark = !problems.isEmpty ? "FAIL" : expected == nil ? "--  " : "ok  "
            let expectation = kinds == nil ? "" : expected.map { "  (expected \($0.rawValue))" } ?? "  (no expectation)"
            print("\(mark)  \(test.name.rightPad(nameWidth))  \(r.verdict.rawValue.rightPad(6))\(expectation)  "
                  + "\(test.conditionText)  [\(r.counts.count) states, \(r.totals.executions) interleavings, "
                  + String(format: "%.2f s]", seconds))
            if !quiet || !problems.isEmpty { printStates(r) }
            for p in problems { print("      <-- WRONG: \(p)") }
            results.append(ScenarioResult(
                name: "\(test.dialect.rawValue) \(test.name)", seed: 0, result: problems.isEmpty ? .pass : .fail,
                durationSeconds: seconds,
                counters: ["executions": UInt64(r.totals.executions), "steps": r.totals.steps,
                           "states": UInt64(r.counts.count), "positive": UInt64(r.positive),
                           "negative": UInt64(r.negative), "incomplete": UInt64(r.totals.incomplete)],
                reproduce: "mmutorture litmus \(test.file)" + (kinds.map { " --expect \($0.path)" } ?? ""),
                violations: problems.map { ReportViolation(invariant: "litmus-verdict", message: $0) }))
        }
        let wall = Double(monotonicNanoseconds() - start) / 1e9
        let failed = results.filter { $0.result != .pass }.map(\.name)
        var summary = "litmus: \(tests.count) herd7 tests: \(verdicts[.allow] ?? 0) Allow, \(verdicts[.forbid] ?? 0) Forbid"
        if let kinds { summary += "; \(agree)/\(judged) agree with \(kinds.path) (\(tests.count - judged) not listed there)" }
        print(summary + "; \(executions) executions in " + String(format: "%.2f s", wall))
        if !failed.isEmpty { print("litmus: FAILED: " + failed.joined(separator: ", ")) }
        return results
    }

    /// One line per final state: the values, the interleavings that ended
    /// there, and a mark where the condition holds; then herd's Observation.
    func printStates(_ r: HerdLitmusResult) {
        let rendered = r.states.map { (r.render($0), r.counts[$0]!, r.satisfies($0)) }
        let width = rendered.map(\.0.count).max() ?? 0
        for (text, count, holds) in rendered {
            print("      " + text.rightPad(width) + String(count).leftPad(9) + (holds ? "  * condition holds" : ""))
        }
        print("      Observation \(r.test.name) \(r.observation) \(r.positive) \(r.negative)")
    }
}
