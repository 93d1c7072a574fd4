import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore

/// The report options of every command that runs something (the README,
/// "Reports"): `--report`, `--junit`, `--html`, `--quiet`.
struct ReportOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Write a JSON report here (atomically).", valueName: "PATH.json")) var report: String?
    @Option(help: ArgumentHelp("Write a JUnit XML report here (atomically).", valueName: "PATH.xml")) var junit: String?
    @Option(help: ArgumentHelp("Write a self-contained HTML report here (atomically).", valueName: "PATH.html")) var html: String?
    @Flag(help: "No progress line and no summary tables; only the result lines.") var quiet = false

    var outputs: ReportOutputs { ReportOutputs(json: report, junit: junit, html: html) }

    /// Before a long run: every path can be written (exit 2 naming it if not).
    func checkWritable() throws {
        try withInputErrorsReported { try outputs.checkWritable() }
    }

    /// Writes every report asked for; a failure is a harness failure (exit 3).
    func write(_ r: RunReport) throws {
        try Self.write(r, to: outputs)
    }

    static func write(_ r: RunReport, to outputs: ReportOutputs) throws {
        do { try outputs.write(r) } catch {
            printError("mmutorture: could not write a report: \(error)")
            throw ExitCode(3)
        }
    }
}

/// `--shard K/N` and `--shards N` (the README, "Scale-out").
struct ShardOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Run only shard K of N (0-based): the runs i with i mod N = K. Without it, taken from "
                               + "JOB_COMPLETION_INDEX (Kubernetes), SLURM_ARRAY_TASK_ID/COUNT or CI_NODE_INDEX/TOTAL (GitLab).",
                               valueName: "K/N"))
    var shard: String?
    @Option(help: ArgumentHelp("The shard count N for a Kubernetes Indexed Job's JOB_COMPLETION_INDEX (or MMUTORTURE_SHARDS).",
                               valueName: "N"))
    var shards: Int?

    /// The shard to run, nil for all; prints which, of how many runs, and
    /// where it came from. A bad value is exit 2 naming the option or variable.
    func resolve(totalRuns: Int) throws -> ShardSpec? {
        let resolved = try withInputErrorsReported { () throws -> (spec: ShardSpec, source: String)? in
            do {
                return try ShardSpec.resolve(flag: shard, shards: shards, environment: ProcessInfo.processInfo.environment)
            } catch let e as ShardError {
                throw UsageFailure(description: e.message)
            }
        }
        guard let resolved else { return nil }
        print("shard \(resolved.spec) (from \(resolved.source)): \(resolved.spec.runs(of: totalRuns).count) of \(totalRuns) runs")
        return resolved.spec
    }
}
