/// A failing execution, before and after shrinking, drawn as a timeline.
public struct DeterministicFailure: Sendable {
    /// The execution the search found (its index is the search index).
    public var original: DeterministicExecution
    /// The shrunk one (the original when shrinking was off or found nothing smaller).
    public var shrunk: DeterministicExecution
    /// The invariant the shrinker preserved.
    public var invariant: Invariant
    /// Shrinking statistics.
    public var shrinkExecutions: Int
    public var shrinkSeconds: Double
    /// The shrunk execution drawn (from a recorded replay of it).
    public var timeline: Timeline
    /// The recorded replay reproduced the shrunk execution's trace hash.
    public var replayMatched: Bool
    /// Context switches (thread segments of the schedule) up to the
    /// violation: original, shrunk.
    public var originalContextSwitches: Int
    public var contextSwitches: Int

    public var schedule: SimSchedule { shrunk.execution.schedule }
    public var traceHash: UInt64 { shrunk.execution.traceHash }
    public var executionIndex: Int { original.index }
    public var stepLog: [SimStep] { timeline.stepLog }
}
