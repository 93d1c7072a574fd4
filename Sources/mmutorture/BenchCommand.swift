import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore

/// `mmutorture bench`: the performance suite, ratios measured side by side.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "The performance suite: side-by-side ratios in one run.",
        discussion: """
        Every figure is a ratio of two things measured alternately in this
        process (or a latency distribution): the harness's fast path against a
        bare loop of the same primitives, the fast path against the locked
        path, the checker's cost, the RCU flavours against memb, fault latency
        (HdrHistogram), and RSS growth over a long run. Figures, not
        assertions: machines are shared and noisy.
        """)

    @Flag(help: "Short legs (about 30 s in all instead of about 2 minutes).") var quick = false
    @Option(help: "Write the figures as one JSON object here (atomically).") var json: String?

    func run() throws {
        if let json { try withInputErrorsReported { try AtomicFileWriter.checkWritable(path: json) } }
        print("mmutorture bench \(MMUTortureVersion.string)\(quick ? " --quick" : "") on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let figures = Benchmarks.run(options: .init(quick: quick), progress: { print("  measuring: \($0)"); fflush(stdout) },
                                     deterministic: DeterministicBench.measure)
        print("")
        print("figure".rightPad(34) + "value".leftPad(14) + "  target".rightPad(14) + "  detail")
        for f in figures {
            let v = abs(f.value) >= 1000 ? String(format: "%.0f", f.value) : String(format: "%.3f", f.value)
            print(f.name.rightPad(34) + v.leftPad(14) + ("  " + (f.target ?? "")).rightPad(14) + "  " + f.detail)
        }
        if let json {
            var object: [String: Double] = [:]
            for f in figures { object[f.name] = f.value }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            do { try AtomicFileWriter.write(data, to: json) } catch {
                printError("mmutorture: could not write \(json): \(error)")
                throw ExitCode(3)
            }
        }
    }
}

/// The deterministic mode's figures: simulated steps per second
/// and executions per second of the correct protocol's default scenario in
/// deterministic mode (the built-in default campaign, random-walk strategy),
/// measured for about a second.
enum DeterministicBench {
    static let measure: (() -> (Double, Double))? = {
        var config = CampaignConfig.default
        config.mode = .deterministic
        var params = RunParameters(config)
        params.durationNanoseconds = 1_000_000_000
        var settings = DeterministicSettings()
        settings.executions = Int.max
        settings.shrink = false
        let r = DeterministicRunner(params: params, settings: settings).run()
        return (r.stepsPerSecond, r.executionsPerSecond)
    }
}
