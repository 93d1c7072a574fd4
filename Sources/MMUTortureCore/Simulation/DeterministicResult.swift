/// What a deterministic run found.
public struct DeterministicResult: Sendable {
    public var outcome: RunResult.Outcome
    public var strategy: DeterministicSettings.Strategy
    public var shape: ExecutionShape
    public var frames: Int
    /// Executions run by the search (shrinking not included).
    public var executions: Int
    /// Simulated steps of those executions.
    public var steps: UInt64
    /// Wall-clock seconds of the search.
    public var searchSeconds: Double
    /// Wall-clock seconds in all (search, shrinking, timeline).
    public var durationSeconds: Double
    /// Bounded DFS: every schedule within the bound was run.
    public var exhausted = false
    public var interrupted = false
    public var harnessError: String?
    /// Counters summed over the search's executions.
    public var counters: [(name: String, value: UInt64)]
    public var failure: DeterministicFailure?

    public var stepsPerSecond: Double { Double(steps) / max(searchSeconds, 1e-9) }
    public var executionsPerSecond: Double { Double(executions) / max(searchSeconds, 1e-9) }
    public var violations: [ViolationReport] { failure?.shrunk.violations ?? [] }
    public func counter(_ c: Counter) -> UInt64 { counters.first { $0.name == c.name }?.value ?? 0 }

    /// The native runner's result type, for the reports: the counters of
    /// the search (plus `executions` and `simulated_steps`), the shrunk
    /// execution's violations, the first one's trace being the timeline.
    public func runResult(seed: UInt64, activePerturbPoints: [PerturbPoint] = []) -> RunResult {
        var violations = failure.map { $0.shrunk.violations } ?? []
        if let f = failure, !violations.isEmpty, !f.timeline.rows.isEmpty {
            violations[0].trace = f.timeline.traceLines
        }
        var c = counters
        c.append((name: "executions", value: UInt64(executions)))
        c.append((name: "simulated_steps", value: steps))
        return RunResult(outcome: outcome, seed: seed, counters: c, histograms: [],
                         violations: violations, durationSeconds: durationSeconds,
                         activePerturbPoints: activePerturbPoints, interrupted: interrupted, harnessError: harnessError)
    }
}
