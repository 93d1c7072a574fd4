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
        violation of the same invariant.

        A deterministic report carries the schedule string of its (shrunk)
        failing execution: replay runs that one execution exactly, once, and
        says whether the same violation came back and whether the trace hash
        matched. A passing deterministic report is re-run (the same search).

        Exit status 1 when the violation came back, 0 when it did not, 2 for a
        bad report, 3 when a deterministic replay's trace hash differs from the
        report's (or the schedule no longer fits the program).
        """)

    @Argument(help: "A report written by `mmutorture run --report`.") var report: String
    @Option(help: "Native mode: how many runs to try.") var attempts: Int = 5
    @Flag(help: "Keep going after the first reproduction.") var all = false
    @OptionGroup(title: "Reports") var reports: ReportOptions
    var quiet: Bool { reports.quiet }

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
            if config.mode == .deterministic, let text = r.schedule {
                do { _ = try SimSchedule(parsing: text) } catch {
                    throw UsageFailure(description: "\(report): schedule: \(error)")
                }
            }
            try config.validate()
            try reports.outputs.checkWritable()
            return (r, [(config, expected)])
        }
        let (config, expected) = cases[0]
        if config.mode == .deterministic {
            try replayDeterministic(runReport, config: config, expected: expected)
            return
        }
        print("replay: \(report): seed \(config.seed), protocol \(config.protocol.rawValue), mutant \(config.mutant.rawValue), "
              + "looking for \(expected ?? "any violation") (native: up to \(attempts) attempts)")
        var reproduced = 0, tried = 0
        var records: [CampaignRunRecord] = []
        for attempt in 1...attempts {
            if mmut_interrupt_signal() != 0 { break }
            tried += 1
            let result = NativeRunner.run(RunParameters(config))
            records.append(CampaignRunRecord(
                result: ScenarioResult(result, name: config.name, repeatIndex: attempt - 1, seed: config.seed,
                                       reproduce: reproduceLine, index: attempt - 1),
                config: config, histograms: result.histogramDictionary,
                perturbPoints: result.activePerturbPoints.map(\.name)))
            if let e = result.harnessError {
                printError("mmutorture: harness failure: \(e)")
                try writeReport(records, config: config, harnessError: e)
                throw ExitCode(3)
            }
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
        try writeReport(records, config: config)
        throw ExitCode(reproduced > 0 ? 1 : 0)
    }

    var reproduceLine: String { "mmutorture replay \(shellQuote(report))" }

    /// The replay's own report (`--report`, `--junit`, `--html`): its
    /// attempts as the runs of a campaign named after the replayed one.
    func writeReport(_ records: [CampaignRunRecord], config: CampaignConfig, harnessError: String? = nil) throws {
        try reports.write(CampaignReport.build(campaign: "replay", runs: records, fallbackConfig: config,
                                               totalRuns: records.count, interrupted: mmut_interrupt_signal() != 0,
                                               harnessError: harnessError))
    }

    /// A deterministic report: its schedule, replayed exactly, once.
    func replayDeterministic(_ r: RunReport, config: CampaignConfig, expected: String?) throws {
        let params = RunParameters(config)
        let data = DeterministicReportData(r.histograms[DeterministicReportData.histogram])
        guard let text = r.schedule else {
            // A passing run: the same search again (it is deterministic).
            var settings = config.deterministic.settings
            if let n = data?.executions, n > 0 { settings.executions = Int(n) }
            settings.shrink = false
            print("replay: \(report): deterministic, no failing schedule: the same search again, seed \(config.seed), "
                  + "up to \(settings.executions) executions")
            let d = DeterministicRunner(params: params, settings: settings).run()
            let run = ScenarioResult(d.runResult(seed: config.seed), name: config.name, repeatIndex: 0, seed: config.seed,
                                     reproduce: reproduceLine, index: 0)
            try writeReport([record(run, config: config,
                                    deterministic: DeterministicRecord(buckets: DeterministicReportData(d).buckets, schedule: nil, timeline: nil))],
                            config: config, harnessError: d.harnessError)
            if let e = d.harnessError { printError("mmutorture: harness failure: \(e)"); throw ExitCode(3) }
            let seen = Set(d.violations.map(\.invariant.rawValue)).sorted().joined(separator: ", ")
            print("replay: \(d.executions) executions, \(d.failure == nil ? "no violation" : "violation (\(seen)) at execution \(d.failure!.executionIndex)")")
            throw ExitCode(d.failure == nil ? 0 : 1)
        }
        let schedule = try SimSchedule(parsing: text)
        var settings = config.deterministic.settings
        if let shape = data?.shape {
            settings.accessesPerVCPU = shape.accessesPerVCPU
            settings.mmuOperations = shape.mmuOperations
        }
        let runner = DeterministicRunner(params: params, settings: settings)
        let shape = data?.shape ?? ExecutionShape(vcpus: max(1, schedule.threadCount - params.vm.mmuThreads),
                                                  accessesPerVCPU: settings.accessesPerVCPU,
                                                  mmuOperations: settings.mmuOperations)
        print("replay: \(report): deterministic, seed \(config.seed), protocol \(config.protocol.rawValue), "
              + "mutant \(config.mutant.rawValue), \(shape), looking for \(expected ?? "any violation")")
        print("  schedule \(text)")
        let replay = runner.replay(schedule: schedule, shape: shape)
        let e = replay.execution
        let result: ReportResult = e.harnessError != nil ? .error : (e.violations.isEmpty ? .pass : .fail)
        let run = ScenarioResult(name: config.name, seed: config.seed, result: result, durationSeconds: 0,
                                 counters: Dictionary(e.counters.map { ($0.name, $0.value) }, uniquingKeysWith: +),
                                 reproduce: reproduceLine, violations: e.violations.map(ReportViolation.init),
                                 error: e.harnessError, index: 0)
        var buckets = data?.buckets ?? [:]
        buckets["trace_hash"] = e.execution.traceHash
        try writeReport([record(run, config: config,
                                deterministic: DeterministicRecord(buckets: buckets, schedule: text,
                                                                   timeline: ReportTimeline(replay.timeline)))],
                        config: config, harnessError: e.harnessError)
        if let err = e.harnessError { printError("mmutorture: harness failure: \(err)"); throw ExitCode(3) }
        let hit = e.violations.contains { expected == nil || $0.invariant.rawValue == expected }
        let seen = Set(e.violations.map(\.invariant.rawValue)).sorted().joined(separator: ", ")
        let hashText = "0x" + String(e.execution.traceHash, radix: 16)
        let hashMatched = data?.traceHash.map { $0 == e.execution.traceHash }
        if hit && !quiet {
            if let v = e.violations.first(where: { expected == nil || $0.invariant.rawValue == expected }) {
                print("VIOLATION [\(v.invariant.rawValue)] \(v.message)")
            }
            print(replay.timeline.render())
        }
        print("replay: the violation \(hit ? "came back" : "did not come back")"
              + (seen.isEmpty ? "" : " (\(seen))") + "; "
              + (replay.exact ? "every recorded decision was taken" : "the schedule no longer fits: \(replay.firstMismatch ?? "different length")") + "; "
              + "trace hash \(hashText) "
              + (hashMatched.map { $0 ? "matches the report's" : "DIFFERS from the report's 0x\(String(data!.traceHash!, radix: 16))" }
                  ?? "(the report has none)"))
        if hashMatched == false || !replay.exact {
            printError("mmutorture: the replay is not the execution the report describes")
            throw ExitCode(3)
        }
        throw ExitCode(hit ? 1 : 0)
    }

    func record(_ r: ScenarioResult, config: CampaignConfig, deterministic: DeterministicRecord) -> CampaignRunRecord {
        var r = r
        if !r.violations.isEmpty, let timeline = deterministic.timeline, !timeline.rows.isEmpty {
            // As `run` reports it: the first violation's trace is the timeline.
            r.violations[0].trace = timeline.rows.map {
                ReportTraceEntry(seq: $0.step, thread: $0.threadName, event: ($0.violation ? ">> " : "") + $0.text)
            }
        }
        return CampaignRunRecord(result: r, config: config, deterministic: deterministic)
    }
}
