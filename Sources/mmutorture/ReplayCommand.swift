import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// `mmutorture replay REPORT.json`: re-runs the case a report describes.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-run the case a JSON report describes and say whether the violation came back.",
        discussion: """
        Native mode cannot replay OS timing: the same config and seed give the
        same workload and perturbation choices, but not the same interleaving,
        so replay makes up to --attempts runs and says how many reproduced a
        violation of the same invariant. Exit status 1 when it came back,
        0 when it did not, 2 for a bad report.
        """)

    @Argument(help: "A report written by `mmutorture run --report`.") var report: String
    @Option(help: "Native mode: how many runs to try.") var attempts: Int = 5
    @Flag(help: "Keep going after the first reproduction.") var all = false
    @Flag(help: "Only the result lines.") var quiet = false

    func run() throws {
        mmut_install_interrupt_handlers()
        let (runReport, cases) = try withInputErrorsReported { () throws -> (RunReport, [(CampaignConfig, String?)]) in
            guard FileManager.default.fileExists(atPath: report) else {
                throw UsageFailure(description: "\(report): no such file")
            }
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: report)) } catch {
                throw UsageFailure(description: "\(report): cannot read: \(error.localizedDescription)")
            }
            let r: RunReport
            do { r = try RunReport(jsonData: data) } catch {
                throw UsageFailure(description: "\(report): not an mmutorture JSON report: \(error)")
            }
            guard attempts >= 1 else { throw UsageFailure(description: "--attempts: must be at least 1") }
            // The failing scenario run, or the report's own config.
            var config = r.config
            var expected = r.violations.first?.invariant
            if let failing = r.scenarios.first(where: { $0.result == .fail }) {
                config.seed = failing.seed
                expected = failing.violations.first?.invariant
            }
            if config.mode == .deterministic {
                throw UsageFailure(description: "\(report): mode 'deterministic' is not implemented yet (issue 7)")
            }
            try config.validate()
            return (r, [(config, expected)])
        }
        _ = runReport
        let (config, expected) = cases[0]
        print("replay: \(report): seed \(config.seed), protocol \(config.protocol.rawValue), mutant \(config.mutant.rawValue), "
              + "looking for \(expected ?? "any violation") (native: up to \(attempts) attempts)")
        var reproduced = 0, tried = 0
        for attempt in 1...attempts {
            if mmut_interrupt_signal() != 0 { break }
            tried += 1
            let result = NativeRunner.run(RunParameters(config))
            if let e = result.harnessError { printError("mmutorture: harness failure: \(e)"); throw ExitCode(3) }
            let hit = result.violations.contains { expected == nil || $0.invariant.rawValue == expected }
            if hit { reproduced += 1 }
            let seen = Set(result.violations.map(\.invariant.rawValue)).sorted().joined(separator: ", ")
            print("  attempt \(attempt): \(hit ? "reproduced" : "not reproduced") in \(fmt(result.durationSeconds)) s"
                  + (seen.isEmpty ? "" : " (\(seen))"))
            if hit && !quiet, let v = result.violations.first(where: { expected == nil || $0.invariant.rawValue == expected }) {
                print(Summary.renderViolation(v, index: 0))
            }
            if hit && !all { break }
        }
        print("replay: reproduced \(reproduced)/\(tried)")
        throw ExitCode(reproduced > 0 ? 1 : 0)
    }
}
