import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore

/// `mmutorture litmus`: validates the deterministic platform's x86-TSO model
/// on litmus tests, over every interleaving: the built-in catalogue, or
/// tests in herd7's format checked against herdtools7's verdicts.
struct LitmusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "litmus",
        abstract: "Check the simulated x86-TSO memory model on litmus tests (built-in, or herd7 .litmus files).",
        discussion: """
        With no file, runs the built-in catalogue: each test is a few tiny
        threads on the simulated platform; every interleaving of their steps
        and store-buffer flushes is run (exhaustive search), and the outcomes
        observed are compared with what x86-TSO allows (Sewell, Sarkar, Owens,
        Zappa Nardelli, Myreen, CACM 2010): an outcome it forbids must never
        appear, and every outcome it allows must appear, the relaxed ones SC
        forbids (SB's 0/0) included. The same tests are also run under SC,
        where the relaxed outcomes must vanish.

        Given herd7 litmus files (X86 or X86_64, see README.md) or
        directories of them, runs each the same way and prints its final
        states with how many interleavings reached each, and the verdict:
        Allow if the condition can be reached, Forbid if not (for ~exists,
        the condition inside; for forall C, ~C). --expect compares the
        verdicts with a herdtools7 kinds file (NAME Allow|Forbid lines);
        tests it does not list are run but not judged.

        Exit status: 0 every test passed, 1 a test failed (a verdict that
        disagrees, an incomplete search), 2 bad usage or a test file that
        cannot be read (the message names the file and line).
        """)

    @Argument(help: "Catalogue test names (default: all; see --list), or herd7 .litmus files and directories of them.")
    var tests: [String] = []
    @Flag(help: "List the catalogue's tests and exit.") var list = false
    @Flag(name: .customLong("no-sc"), help: "Catalogue: skip the SC cross-check.") var noSC = false
    @Option(help: "herd7 files: a kinds file (NAME Allow|Forbid per line); exit 1 on any disagreement.")
    var expect: String?
    @OptionGroup(title: "Reports (one testcase per test)") var reports: ReportOptions
    var quiet: Bool { reports.quiet }

    func run() throws {
        if list {
            let width = LitmusCatalog.all.map(\.name.count).max() ?? 0
            for t in LitmusCatalog.all { print(t.name.rightPad(width) + "  " + t.summary) }
            return
        }
        let files = tests.filter(LitmusCommand.isFile)
        let herd = try withInputErrorsReported { () throws -> HerdRun? in
            try reports.outputs.checkWritable()
            guard !files.isEmpty else {
                if expect != nil { throw UsageFailure(description: "litmus: --expect applies to herd7 .litmus files only") }
                return nil
            }
            if let name = tests.first(where: { !LitmusCommand.isFile($0) }) {
                throw UsageFailure(description: "litmus: '\(name)' is neither a .litmus file nor a directory "
                                   + "(catalogue names and files cannot be mixed)")
            }
            return try HerdRun(paths: files, expect: expect)
        }
        let results = try herd.map { $0.run(quiet: quiet) } ?? runCatalogue()
        let failed = results.filter { $0.result != .pass }
        var config = CampaignConfig.default
        config.name = "litmus"
        config.mode = .deterministic
        let r = RunReport(result: failed.isEmpty ? .pass : .fail, campaign: "litmus", config: config,
                          durationSeconds: results.reduce(0) { $0 + $1.durationSeconds },
                          reproduce: (["mmutorture", "litmus"] + CommandLine.arguments.dropFirst(2)).joined(separator: " "),
                          violations: failed.flatMap(\.violations), scenarios: results)
        try reports.write(r)
        if results.contains(where: { $0.result != .pass }) { throw ExitCode(1) }
    }

    /// A herd7 test path rather than a catalogue name.
    static func isFile(_ argument: String) -> Bool {
        argument.contains("/") || argument.hasSuffix(".litmus")
            || (LitmusCatalog.named(argument) == nil && FileManager.default.fileExists(atPath: argument))
    }

    // MARK: the built-in catalogue

    func runCatalogue() throws -> [ScenarioResult] {
        var selected: [LitmusTest] = []
        for name in tests {
            guard let t = LitmusCatalog.named(name) else {
                printError("mmutorture: litmus: no test named '\(name)' (see 'mmutorture litmus --list')")
                throw ExitCode(2)
            }
            selected.append(t)
        }
        if selected.isEmpty { selected = LitmusCatalog.all }

        var failed: [String] = []
        var results: [ScenarioResult] = []
        var executions = 0, steps: UInt64 = 0, nanoseconds: UInt64 = 0
        for t in selected {
            let tso = t.explore(model: .tso)
            let sc = noSC ? nil : t.explore(model: .sc)
            let runs = [tso] + (sc.map { [$0] } ?? [])
            for r in runs {
                executions += r.executions
                steps += r.steps
                nanoseconds += r.elapsedNanoseconds
            }
            let ok = tso.passed && (sc?.passed ?? true)
            if !ok { failed.append(t.name) }
            results.append(ScenarioResult(
                name: t.name, seed: 0, result: ok ? .pass : .fail,
                durationSeconds: Double(runs.reduce(0) { $0 + $1.elapsedNanoseconds }) / 1e9,
                counters: ["executions": UInt64(runs.reduce(0) { $0 + $1.executions }),
                           "steps": runs.reduce(0) { $0 + $1.steps }],
                reproduce: "mmutorture litmus \(t.name)",
                violations: ok ? [] : [ReportViolation(invariant: "litmus-outcomes",
                                                       message: "\(t.name): the outcomes observed differ from those x86-TSO allows")]))
            print("\(ok ? "PASS" : "FAIL")  \(t.name): \(t.summary)  [\(tso.executions) interleavings]")
            if quiet && ok { continue }
            if !quiet { print("      \(t.source)") }
            report(t, tso, sc)
        }
        let seconds = Double(nanoseconds) / 1e9
        print("litmus: \(selected.count - failed.count)/\(selected.count) passed; \(executions) executions, \(steps) steps in "
              + String(format: "%.2f s (%.0f executions/s, %.2fM steps/s)", seconds,
                       Double(executions) / max(seconds, 1e-9), Double(steps) / max(seconds, 1e-9) / 1e6))
        if !failed.isEmpty { print("litmus: FAILED: " + failed.joined(separator: ", ")) }
        return results
    }

    /// One line per outcome: how often each model produced it, and its verdict.
    func report(_ t: LitmusTest, _ tso: LitmusResult, _ sc: LitmusResult?) {
        let outcomes = Set(t.allowed).union(tso.counts.keys).union(sc?.counts.keys.map { $0 } ?? []).sorted()
        let rendered = outcomes.map(t.render)
        let width = rendered.map(\.count).max() ?? 0
        for (o, text) in zip(outcomes, rendered) {
            let verdict: String
            if !t.allowed.contains(o) {
                verdict = "FORBIDDEN by x86-TSO"
            } else if t.tsoOnly.contains(o) {
                verdict = "allowed (x86-TSO only, not SC): must be observed"
            } else {
                verdict = "allowed"
            }
            var line = "      " + text.rightPad(width)
            line += "  tso " + String(tso.counts[o] ?? 0).leftPad(7)
            if let sc { line += "  sc " + String(sc.counts[o] ?? 0).leftPad(7) }
            line += "  " + verdict
            var problems: [String] = []
            if tso.unexpected.contains(o) { problems.append("observed under TSO") }
            if tso.missing.contains(o) { problems.append("never observed under TSO") }
            if let sc, sc.unexpected.contains(o) { problems.append("observed under SC") }
            if let sc, sc.missing.contains(o) { problems.append("never observed under SC") }
            if !problems.isEmpty { line += "  <-- WRONG: " + problems.joined(separator: ", ") }
            print(line)
        }
        for r in [tso] + (sc.map { [$0] } ?? []) where r.incomplete > 0 || !r.exhaustive {
            print("      <-- WRONG [\(r.model.rawValue)]: \(r.incomplete) executions did not complete"
                  + (r.exhaustive ? "" : "; the search was not exhaustive"))
        }
    }
}
