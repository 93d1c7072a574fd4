/// Wraps a scheduler and records its decisions as segments, from the
/// threads' operation counts (`PerturbHook.ops`) at each decision.
final class SegmentRecorder: SimScheduler {
    let base: SimScheduler
    let hook: PerturbHook
    var out: [Segment] = []
    /// The open run segment's thread, -1 if none.
    var open = -1

    init(base: SimScheduler, hook: PerturbHook) {
        self.base = base
        self.hook = hook
    }

    var dataSeed: UInt64 { base.dataSeed }
    func nextRandom() -> UInt64 { base.nextRandom() }
    func beginExecution(threadCount: Int) -> Bool { base.beginExecution(threadCount: threadCount) }

    func endExecution(steps: UInt64, outcome: SimOutcome) {
        close()
        base.endExecution(steps: steps, outcome: outcome)
    }

    func close() {
        if open >= 0, let last = out.indices.last {
            out[last].target = hook.ops[open]
            open = -1
        }
    }

    func next(_ d: SimDecision) -> SimChoice {
        let c = base.next(d)
        if c.isFlush {
            close()
            if let last = out.indices.last, out[last].choice == c {
                out[last].target += 1
            } else {
                out.append(Segment(choice: c, target: 1, step: d.step))
            }
        } else if c.thread != open {
            close()
            out.append(Segment(choice: c, target: 0, step: d.step))
            open = c.thread
        }
        return c
    }

    /// The segments (after the execution ended).
    func segments() -> [Segment] {
        close()
        return out
    }
}
