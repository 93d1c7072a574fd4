/// The scheduler an idle executor holds (never asked anything).
final class IdleScheduler: SimScheduler {
    func beginExecution(threadCount: Int) -> Bool { false }
    func next(_ decision: SimDecision) -> SimChoice { decision.nonPreemptiveChoice }
    var dataSeed: UInt64 { 0 }
    func nextRandom() -> UInt64 { 0 }
}
