/// One segment of a schedule: thread `choice.thread` runs until it has
/// completed `target` operations (a run), or its store buffer flushes
/// `target` entries (a flush). `step`: where it began in the execution it
/// was recorded from.
struct Segment: Equatable {
    var choice: SimChoice
    var target: UInt64
    var step: UInt64

    /// This segment with thread `r` removed: nil for r's own, renumbered after it.
    func removingThread(_ r: Int) -> Segment? {
        let t = choice.thread
        if t == r { return nil }
        if t < r { return self }
        var s = self
        s.choice = choice.isFlush ? .flush(t - 1) : .run(t - 1)
        return s
    }
}
