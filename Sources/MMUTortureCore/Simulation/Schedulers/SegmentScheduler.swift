/// Replays segments: the segment's thread runs while it has fewer
/// operations than the segment's target (others move only while it is
/// blocked or spinning), a flush segment flushes while entries remain;
/// past the last segment the thread that ran continues (non-preemptive).
final class SegmentScheduler: SimScheduler {
    let segments: [Segment]
    let dataSeed: UInt64
    let hook: PerturbHook
    var index = 0
    var flushesLeft: UInt64 = 0
    var began = false
    var data = Xoshiro256StarStar(seed: 0)

    init(segments: [Segment], dataSeed: UInt64, hook: PerturbHook) {
        self.segments = segments
        self.dataSeed = dataSeed
        self.hook = hook
    }

    func beginExecution(threadCount: Int) -> Bool {
        if began { return false }
        began = true
        data = Xoshiro256StarStar(seed: dataSeed)
        index = 0
        flushesLeft = segments.first.map { $0.choice.isFlush ? $0.target : 0 } ?? 0
        return true
    }

    func nextRandom() -> UInt64 { data.next() }

    func advance() {
        index += 1
        if index < segments.count && segments[index].choice.isFlush { flushesLeft = segments[index].target }
    }

    func next(_ d: SimDecision) -> SimChoice {
        while index < segments.count {
            let s = segments[index]
            let t = s.choice.thread
            if s.choice.isFlush {
                if flushesLeft > 0 && d.enabled.contains(s.choice) {
                    flushesLeft -= 1
                    if flushesLeft == 0 { advance() }
                    return s.choice
                }
                advance()
                continue
            }
            if t >= hook.count || hook.ops[t] >= s.target || hook.done[t] != 0 {
                advance()
                continue
            }
            if d.enabled.canRun(t) { return .run(t) }
            // Blocked or spinning: the others move meanwhile.
            return d.nonPreemptiveChoice
        }
        return d.nonPreemptiveChoice
    }
}
