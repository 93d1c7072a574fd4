/// A strategy with its data seed fixed: every execution draws the same
/// workload streams, only the schedule varies.
final class FixedDataScheduler: SimScheduler {
    let base: SimScheduler
    let dataSeed: UInt64
    var data = Xoshiro256StarStar(seed: 0)

    init(base: SimScheduler, dataSeed: UInt64) {
        self.base = base
        self.dataSeed = dataSeed
    }

    func beginExecution(threadCount: Int) -> Bool {
        data = Xoshiro256StarStar(seed: dataSeed)
        return base.beginExecution(threadCount: threadCount)
    }

    func next(_ d: SimDecision) -> SimChoice { base.next(d) }
    func nextRandom() -> UInt64 { data.next() }
    func endExecution(steps: UInt64, outcome: SimOutcome) { base.endExecution(steps: steps, outcome: outcome) }
}
