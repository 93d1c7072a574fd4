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
        print("figure".rightPad(36) + "median".leftPad(10) + "  min..max".rightPad(24) + "  target".rightPad(12) + "  detail")
        for f in figures {
            let range = f.spread.map { "  " + number($0.min) + ".." + number($0.max) } ?? ""
            print(f.name.rightPad(36) + number(f.value).leftPad(10) + range.rightPad(24)
                  + ("  " + (f.target ?? "")).rightPad(12) + "  " + f.detail)
        }
        if let json {
            // Each figure's median under its name, and its rounds' spread
            // under NAME_min and NAME_max.
            var object: [String: Double] = [:]
            for f in figures {
                object[f.name] = f.value
                if let spread = f.spread {
                    object[f.name + "_min"] = spread.min
                    object[f.name + "_max"] = spread.max
                }
            }
            let data = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])
            do { try AtomicFileWriter.write(data, to: json) } catch {
                printError("mmutorture: could not write \(json): \(error)")
                throw ExitCode(3)
            }
        }
    }
}

/// The deterministic mode's figures: simulated steps per second and
/// executions per second of the correct protocol's default scenario in
/// deterministic mode (the built-in default campaign, random-walk strategy),
/// changed as the case says, measured for one leg.
enum DeterministicBench {
    static func measure(_ c: DeterministicBenchCase, _ nanoseconds: UInt64) -> DeterministicBenchRate {
        var config = CampaignConfig.default
        config.mode = .deterministic
        if let vcpus = c.vcpus { config.vcpus = vcpus }
        var params = RunParameters(config)
        params.durationNanoseconds = nanoseconds
        var settings = config.deterministic.settings
        settings.executions = Int.max
        settings.shrink = false
        if let accesses = c.accessesPerVCPU { settings.accessesPerVCPU = accesses }
        let r = DeterministicRunner(params: params, settings: settings).run()
        return DeterministicBenchRate(steps: r.stepsPerSecond, executions: r.executionsPerSecond)
    }
}

/// A figure's value as the table prints it: whole numbers from 1000 up.
private func number(_ value: Double) -> String {
    abs(value) >= 1000 ? String(format: "%.0f", value) : String(format: "%.3f", value)
}
