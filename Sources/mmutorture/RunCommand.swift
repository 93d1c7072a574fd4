import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

extension ProtocolName: ExpressibleByArgument {}
extension MutantName: ExpressibleByArgument {}
extension ModeName: ExpressibleByArgument {}

/// `mmutorture run [CONFIG.yaml]`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a campaign (no file = the built-in default campaign).",
        discussion: """
        Options override the file. A run always prints its seed; a failing
        run prints the exact command line that reproduces it.
        Exit status: 0 clean, 1 violation, 2 bad usage/config, 3 harness failure,
        130 interrupted with nothing found.
        """)

    @Argument(help: "Campaign config file (YAML). Default: the built-in default campaign (configs/default.yaml).")
    var config: String?
    @OptionGroup var overrides: OverrideOptions
    @Option(help: "Write a JSON report here (atomically).") var report: String?
    @Option(help: "Write a JUnit XML report here (atomically).") var junit: String?
    @Option(help: "Run only the scenario run with this label (NAME#REPEAT), as printed by a failing run.")
    var only: String?
    @Flag(help: "No progress line and no summary table; only the result lines.") var quiet = false

    func run() throws {
        mmut_install_interrupt_handlers()
        let campaign = try withInputErrorsReported { () throws -> Campaign in
            var c = try config.map { try ConfigLoader.load(path: $0) } ?? Campaign.builtInDefault
            // No file and a mutant: the built-in campaign that exposes it.
            if config == nil, let m = overrides.mutant, let info = ProtocolVariants.info(m) {
                c = try Campaign(single: c.runs[0].config.exposing(info), file: nil)
            }
            c = try c.applying(overrides.configOverrides)
            if let only {
                c.runs = c.runs.filter { $0.label == only }
                if c.runs.isEmpty { throw UsageFailure(description: "--only: no scenario run is labelled '\(only)'") }
            }
            if let d = c.runs.first(where: { $0.config.mode == .deterministic }) {
                throw UsageFailure(description: "\(d.file ?? "config"): mode: 'deterministic' is not implemented yet (issue 7); use 'native'")
            }
            if let report { try AtomicFileWriter.checkWritable(path: report) }
            if let junit { try AtomicFileWriter.checkWritable(path: junit) }
            return c
        }
        for w in campaign.warnings { printError("mmutorture: warning: \(w)") }
        let outcome = CampaignRunner(campaign: campaign, configPath: config, overrides: overrides, only: only,
                                     quiet: quiet).run()
        try writeReports(outcome, campaign: campaign)
        throw ExitCode(outcome.exitStatus)
    }

    func writeReports(_ o: CampaignOutcome, campaign: Campaign) throws {
        do {
            if let report {
                try AtomicFileWriter.write(try o.report(campaign: campaign).jsonData(), to: report)
            }
            if let junit {
                try AtomicFileWriter.write(JUnitWriter.render(campaignName: campaign.name, results: o.scenarioResults), to: junit)
            }
        } catch {
            printError("mmutorture: could not write a report: \(error)")
            throw ExitCode(3)
        }
    }
}

/// The options that override a config file, shared by `run` and friends.
struct OverrideOptions: ParsableArguments {
    @Option(help: "Master seed.") var seed: UInt64?
    @Option(help: "Wall-clock budget: 30s, 2m, 500ms, 1h.") var duration: DurationSpec?
    @Option(help: "Guest accesses in total (0 = no operation budget).") var operations: UInt64?
    @Option(help: "Number of vCPU threads.") var vcpus: Int?
    @Option(help: "vcpu-id | mmu-writable") var `protocol`: ProtocolName?
    @Option(help: "A known-broken variant (see `mmutorture mutants list`).") var mutant: MutantName?
    @Option(help: "native | deterministic") var mode: ModeName?

    var configOverrides: ConfigOverrides {
        // A mutant of the merged protocol implies that protocol unless told otherwise.
        let implied = mutant.flatMap { ProtocolVariants.info($0)?.protocolName == .mmuWritable ? ProtocolName.mmuWritable : nil }
        return ConfigOverrides(seed: seed, duration: duration, operations: operations, vcpus: vcpus,
                               protocol: `protocol` ?? implied, mutant: mutant, mode: mode)
    }

    /// The override arguments except the seed, for reproduce lines.
    var argumentsWithoutSeed: [String] {
        var a: [String] = []
        if let duration { a += ["--duration", duration.description] }
        if let operations { a += ["--operations", String(operations)] }
        if let vcpus { a += ["--vcpus", String(vcpus)] }
        if let p = `protocol` { a += ["--protocol", p.rawValue] }
        if let mutant { a += ["--mutant", mutant.rawValue] }
        if let mode { a += ["--mode", mode.rawValue] }
        return a
    }
}
