import Foundation
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// What a campaign found, scenario run by scenario run.
struct CampaignOutcome {
    var runs: [(scenario: ResolvedScenario, result: RunResult, reproduce: String)] = []
    var interrupted = false
    var harnessError: String?

    var scenarioResults: [ScenarioResult] {
        runs.map { r in
            ScenarioResult(name: r.scenario.name, repeatIndex: r.scenario.repeatIndex, seed: r.scenario.seed,
                           result: r.result.reportResult, durationSeconds: r.result.durationSeconds,
                           counters: r.result.counterDictionary, reproduce: r.reproduce,
                           violations: r.result.violations.map(ReportViolation.init),
                           error: r.result.harnessError, interrupted: r.result.interrupted)
        }
    }

    var found: Bool { runs.contains { !$0.result.violations.isEmpty } }

    var exitStatus: Int32 {
        if harnessError != nil { return 3 }
        if found { return 1 }
        if interrupted { return 130 }
        return 0
    }

    /// The JSON report: one run's fields at the top; several runs also listed
    /// under `scenarios`, with counters summed.
    func report(campaign: Campaign) -> RunReport {
        let first = runs.first
        let config = first?.scenario.config ?? campaign.runs.first?.config ?? CampaignConfig.default
        var counters: [String: UInt64] = [:]
        var histograms: [String: [String: UInt64]] = [:]
        for r in runs {
            counters.merge(r.result.counterDictionary, uniquingKeysWith: +)
            for (name, buckets) in r.result.histogramDictionary {
                histograms[name, default: [:]].merge(buckets, uniquingKeysWith: +)
            }
        }
        let result: ReportResult = harnessError != nil ? .error : (found ? .fail : .pass)
        let failing = runs.first { !$0.result.violations.isEmpty }
        return RunReport(result: result, interrupted: interrupted, campaign: campaign.name, config: config,
                         durationSeconds: runs.reduce(0) { $0 + $1.result.durationSeconds },
                         counters: counters, histograms: histograms,
                         perturbPoints: (first?.result.activePerturbPoints ?? []).map(\.name),
                         reproduce: failing?.reproduce ?? first?.reproduce ?? "",
                         violations: runs.flatMap { $0.result.violations.map(ReportViolation.init) },
                         scenarios: runs.count > 1 ? scenarioResults : [],
                         schedule: nil, error: harnessError)
    }
}

/// Runs every scenario run of a campaign in order, printing as it goes.
struct CampaignRunner {
    let campaign: Campaign
    let configPath: String?
    let overrides: OverrideOptions
    let only: String?
    let quiet: Bool

    func reproduceLine(for s: ResolvedScenario) -> String {
        var args = ["mmutorture", "run"]
        if let configPath { args.append(shellQuote(configPath)) }
        args += ["--seed", String(s.masterSeed)]
        args += overrides.argumentsWithoutSeed
        if campaign.runs.count > 1 || only != nil || s.repeatIndex > 0 { args += ["--only", shellQuote(s.label)] }
        return args.joined(separator: " ")
    }

    func run() -> CampaignOutcome {
        var outcome = CampaignOutcome()
        let tty = isatty(1) != 0 && !quiet
        for s in campaign.runs {
            if mmut_interrupt_signal() != 0 { outcome.interrupted = true; break }
            let c = s.config
            let seedNote = c.seedWasRandom ? " (random)" : ""
            print("== \(s.label): seed \(s.seed)\(seedNote), protocol \(c.protocol.rawValue), mutant \(c.mutant.rawValue), "
                  + "mode \(c.mode.rawValue), \(c.vcpus) vCPUs, paging \(c.guest.paging.rawValue), rcu \(c.rcu.rawValue), "
                  + "budget \(c.duration)\(c.operations > 0 ? " / \(c.operations) accesses" : "")")
            let params = RunParameters(c)
            let result = NativeRunner.run(params, progress: tty ? { p in
                let line = "  \(fmt(p.elapsedSeconds))s / \(fmt(p.budgetSeconds))s  "
                    + "\(fmtRate(Double(p.accesses) / max(p.elapsedSeconds, 1e-9))) accesses/s  "
                    + "fixed \(p.faultsFixed)  violations \(p.violations)"
                print("\r" + line, terminator: "")
                fflush(stdout)
            } : nil)
            if tty { print("\r", terminator: "") }
            let reproduce = reproduceLine(for: s)
            outcome.runs.append((s, result, reproduce))
            if !quiet {
                print("  active perturbation points: "
                      + (result.activePerturbPoints.isEmpty ? "none" : result.activePerturbPoints.map(\.name).joined(separator: ", ")))
                print(Summary.render(result))
            }
            for (i, v) in result.violations.prefix(quiet ? 1 : 3).enumerated() {
                print(Summary.renderViolation(v, index: i))
            }
            if result.violations.count > 3 && !quiet {
                print("  (\(result.violations.count - 3) more violations in the JSON report)")
            }
            if let e = result.harnessError {
                printError("mmutorture: harness failure: \(e)")
                outcome.harnessError = e
                break
            }
            let accesses = result.counter(.accesses)
            print("result: \(result.outcome.rawValue)  \(s.label)  seed \(s.seed)  \(fmt(result.durationSeconds)) s  "
                  + "\(fmtRate(Double(accesses) / max(result.durationSeconds, 1e-9))) accesses/s  "
                  + "fast fixed \(result.counter(.fastFixed))  violations \(result.violations.count)"
                  + (result.interrupted ? "  (interrupted)" : ""))
            if !result.violations.isEmpty { print("reproduce: \(reproduce)") }
            if result.interrupted { outcome.interrupted = true; break }
        }
        if outcome.interrupted { printError("mmutorture: interrupted") }
        return outcome
    }
}

func fmt(_ d: Double) -> String { String(format: "%.1f", d) }
func fmtRate(_ d: Double) -> String {
    if d >= 1e6 { return String(format: "%.1fM", d / 1e6) }
    if d >= 1e3 { return String(format: "%.1fk", d / 1e3) }
    return String(format: "%.0f", d)
}

func shellQuote(_ s: String) -> String {
    if s.allSatisfy({ $0.isLetter || $0.isNumber || "-_./#=:".contains($0) }) { return s }
    return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
