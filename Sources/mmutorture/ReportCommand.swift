import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore

/// `mmutorture report merge|html`: work on reports already written.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Merge shard reports; render a report as HTML.",
        subcommands: [ReportMergeCommand.self, ReportHTMLCommand.self])
}

/// Reads a JSON report; a missing, unreadable or foreign file is exit 2
/// naming it.
func readReport(_ path: String) throws -> RunReport {
    try withInputErrorsReported {
        guard FileManager.default.fileExists(atPath: path) else { throw UsageFailure(description: "\(path): no such file") }
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageFailure(description: "\(path): cannot read: \(error.localizedDescription)")
        }
        do { return try RunReport(jsonData: data) } catch {
            throw UsageFailure(description: "\(path): not an mmutorture JSON report: \(error)")
        }
    }
}

/// `mmutorture report merge A.json B.json ...`.
struct ReportMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Merge the reports of a campaign's shards into one report.",
        discussion: """
        The reports must be of one campaign; shard reports (written with
        --shard K/N) must be of one N, each K once, none missing. The merged
        report lists the runs in campaign order with the shard that ran each,
        sums the counters and histograms, and has the result of the whole
        campaign. Exit status: that result's (0 pass, 1 violation, 3 harness
        failure), 2 for a bad or missing report.
        """)

    @Argument(help: "Shard reports written by `run --report` or `mutants verify --report`.") var reports: [String]
    @OptionGroup var output: ReportOptions

    func run() throws {
        guard !reports.isEmpty else {
            printError("mmutorture: report merge: give the shard reports to merge")
            throw ExitCode(2)
        }
        try output.checkWritable()
        let inputs = try reports.map { ($0, try readReport($0)) }
        let merged = try withInputErrorsReported { () throws -> RunReport in
            do { return try CampaignReport.merge(inputs) } catch let e as MergeError {
                throw UsageFailure(description: e.message)
            }
        }
        try output.write(merged)
        let failing = merged.scenarioResults.filter { $0.result != .pass }
        print("report merge: \(merged.campaign): \(reports.count) reports, \(merged.scenarioResults.count) runs, "
              + "\(merged.violations.count) violations: \(merged.result.rawValue)")
        if !output.quiet {
            for s in failing { print("  \(s.result.rawValue)  \(s.name)#\(s.repeatIndex)  seed \(s.seed)  reproduce: \(s.reproduce)") }
        }
        if merged.result == .pass && merged.interrupted { throw ExitCode(130) }
        throw ExitCode(merged.result.exitStatus)
    }
}

/// `mmutorture report html REPORT.json -o OUT.html`.
struct ReportHTMLCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "html",
        abstract: "Render a JSON report as one self-contained HTML page.")

    @Argument(help: "A JSON report.") var report: String
    @Option(name: .shortAndLong, help: ArgumentHelp("The page to write.", valueName: "OUT.html")) var output: String

    func run() throws {
        try withInputErrorsReported { try AtomicFileWriter.checkWritable(path: output) }
        let r = try readReport(report)
        try ReportOptions.write(r, to: ReportOutputs(html: output))
    }
}
