/// Replays a recorded `SimSchedule`: the same program under the same
/// schedule string takes exactly the same steps (and draws the same data
/// stream), so the trace is the same byte for byte.
///
/// When the program no longer fits the schedule (a recorded choice is not
/// enabled, as when a shrinker edited the string, or the program changed)
/// the replay does not stop: it takes the non-preemptive choice instead
/// (`SimDecision.nonPreemptiveChoice`) and notes the first mismatch; after
/// the last recorded decision it continues non-preemptively too. `isExact`
/// says whether the execution followed the schedule to the letter.
///
/// Every execution replays the schedule from the start (`maxExecutions`
/// bounds how many; unbounded by default, so give one to `explore`).
public final class ReplayScheduler: SimScheduler {
    public let schedule: SimSchedule
    public let maxExecutions: Int?
    /// Executions begun so far.
    public private(set) var executions = 0
    let decisions: [SimChoice]
    var cursor = 0
    var data = Xoshiro256StarStar(seed: 0)

    /// Decisions where the recorded choice was not enabled (last execution).
    public private(set) var mismatches = 0
    /// The first of them, described.
    public private(set) var firstMismatch: String?
    /// Decisions taken after the schedule ran out (last execution).
    public private(set) var decisionsPastEnd = 0
    /// The execution's thread count differs from the schedule's.
    public private(set) var threadCountMismatch = false

    public init(schedule: SimSchedule, maxExecutions: Int? = nil) {
        self.schedule = schedule
        self.maxExecutions = maxExecutions
        decisions = schedule.decisions
    }

    public convenience init(parsing text: String, maxExecutions: Int? = nil) throws {
        self.init(schedule: try SimSchedule(parsing: text), maxExecutions: maxExecutions)
    }

    public var dataSeed: UInt64 { schedule.dataSeed }

    /// Recorded decisions the last execution did not reach.
    public var unusedDecisions: Int { decisions.count - cursor }

    /// Whether the last execution took exactly the recorded decisions.
    public var isExact: Bool {
        mismatches == 0 && decisionsPastEnd == 0 && unusedDecisions == 0 && !threadCountMismatch
    }

    public func beginExecution(threadCount: Int) -> Bool {
        if let m = maxExecutions, executions >= m { return false }
        executions += 1
        cursor = 0
        mismatches = 0
        firstMismatch = nil
        decisionsPastEnd = 0
        threadCountMismatch = threadCount != schedule.threadCount
        data = Xoshiro256StarStar(seed: schedule.dataSeed)
        return true
    }

    public func next(_ d: SimDecision) -> SimChoice {
        guard cursor < decisions.count else {
            decisionsPastEnd += 1
            return d.nonPreemptiveChoice
        }
        let c = decisions[cursor]
        cursor += 1
        if d.enabled.contains(c) { return c }
        mismatches += 1
        if firstMismatch == nil {
            firstMismatch = "decision \(cursor - 1) (step \(d.step)): recorded \(c) is not enabled; enabled \(d.enabled)"
        }
        return d.nonPreemptiveChoice
    }

    public func nextRandom() -> UInt64 { data.next() }
}
