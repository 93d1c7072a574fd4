/// A scheduling strategy for the deterministic mode (shuttle-style): the
/// executor asks it, at every decision point with more than one enabled
/// choice, which thread moves next or which store buffer flushes.
///
/// The executor records every decision it is given into the execution's
/// `SimSchedule`, so any execution under any strategy can be printed as a
/// schedule string and replayed exactly with `ReplayScheduler`. A strategy
/// must therefore be a pure function of its own seeded state and the
/// decisions it was shown: no clocks, no addresses, no hashing order.
///
/// Strategies are classes (they carry state across executions) and are not
/// thread-safe: one executor, one OS thread.
public protocol SimScheduler: AnyObject {
    /// A new execution of `threadCount` threads starts. Returns false when
    /// the strategy has nothing left to explore (an exhaustive search is
    /// done); the executor then runs nothing.
    func beginExecution(threadCount: Int) -> Bool

    /// Picks one of `decision.enabled` (which holds at least two choices).
    func next(_ decision: SimDecision) -> SimChoice

    /// The seed of this execution's data stream (`nextRandom`), recorded in
    /// the schedule string so a replay draws the same numbers.
    var dataSeed: UInt64 { get }

    /// The next number of this execution's data stream, for random choices
    /// the simulated threads make through `SimPlatform.random()`. Drawn from
    /// a generator seeded by `dataSeed` at `beginExecution`: not explored by
    /// exhaustive search, only reproduced.
    func nextRandom() -> UInt64

    /// The execution ended after `steps` steps (forced ones included).
    func endExecution(steps: UInt64, outcome: SimOutcome)
}

extension SimScheduler {
    public func endExecution(steps: UInt64, outcome: SimOutcome) {}
}
