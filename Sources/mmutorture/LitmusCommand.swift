import ArgumentParser
import Foundation
import MMUTortureCore

/// `mmutorture litmus`: validates the deterministic platform's x86-TSO model
/// (issue 7) on the classic litmus tests, over every interleaving.
struct LitmusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "litmus",
        abstract: "Check the simulated x86-TSO memory model on the classic litmus tests.",
        discussion: """
        Each test is a few tiny threads on the simulated platform. Every
        interleaving of their steps and store-buffer flushes is run
        (exhaustive search), and the outcomes observed are compared with what
        x86-TSO allows (Sewell, Sarkar, Owens, Zappa Nardelli, Myreen, CACM
        2010): an outcome it forbids must never appear, and every outcome it
        allows must appear, the relaxed ones SC forbids (SB's 0/0) included.
        The same tests are also run under SC, where the relaxed outcomes must
        vanish. Exit status: 0 every test passed, 1 a test failed, 2 bad usage.
        """)

    @Argument(help: "Tests to run (default: all). See --list.") var tests: [String] = []
    @Flag(help: "List the tests and exit.") var list = false
    @Flag(name: .customLong("no-sc"), help: "Skip the SC cross-check.") var noSC = false
    @Flag(help: "Only one result line per test.") var quiet = false

    func run() throws {
        if list {
            let width = LitmusCatalog.all.map(\.name.count).max() ?? 0
            for t in LitmusCatalog.all { print(t.name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + t.summary) }
            return
        }
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
        var executions = 0, steps: UInt64 = 0, nanoseconds: UInt64 = 0
        for t in selected {
            let tso = t.explore(model: .tso)
            let sc = noSC ? nil : t.explore(model: .sc)
            for r in [tso] + (sc.map { [$0] } ?? []) {
                executions += r.executions
                steps += r.steps
                nanoseconds += r.elapsedNanoseconds
            }
            let ok = tso.passed && (sc?.passed ?? true)
            if !ok { failed.append(t.name) }
            print("\(ok ? "PASS" : "FAIL")  \(t.name): \(t.summary)  [\(tso.executions) interleavings]")
            if quiet && ok { continue }
            if !quiet { print("      \(t.source)") }
            report(t, tso, sc)
        }
        let seconds = Double(nanoseconds) / 1e9
        print("litmus: \(selected.count - failed.count)/\(selected.count) passed; \(executions) executions, \(steps) steps in "
              + String(format: "%.2f s (%.0f executions/s, %.2fM steps/s)", seconds,
                       Double(executions) / max(seconds, 1e-9), Double(steps) / max(seconds, 1e-9) / 1e6))
        if !failed.isEmpty {
            print("litmus: FAILED: " + failed.joined(separator: ", "))
            throw ExitCode(1)
        }
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
            var line = "      " + text.padding(toLength: width, withPad: " ", startingAt: 0)
            line += "  tso " + String(tso.counts[o] ?? 0).leftPadded(7)
            if let sc { line += "  sc " + String(sc.counts[o] ?? 0).leftPadded(7) }
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

private extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
