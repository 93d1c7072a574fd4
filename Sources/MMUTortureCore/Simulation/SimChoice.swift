/// One scheduling decision of the deterministic mode: which simulated
/// thread performs its next operation, or which thread's store buffer
/// writes its oldest entry to memory (x86-TSO: the scheduler, not the
/// thread, decides when buffered stores become visible).
///
/// Encoded as one integer, `thread * 2 + (flush ? 1 : 0)`, so that recording
/// and comparing decisions is cheap.
@frozen
public struct SimChoice: Hashable, Sendable, CustomStringConvertible {
    public let raw: Int

    @inline(__always)
    public init(raw: Int) { self.raw = raw }

    /// Thread `thread` performs its next operation.
    @inline(__always)
    public static func run(_ thread: Int) -> SimChoice { SimChoice(raw: thread &<< 1) }

    /// The oldest entry of thread `thread`'s store buffer reaches memory.
    @inline(__always)
    public static func flush(_ thread: Int) -> SimChoice { SimChoice(raw: (thread &<< 1) | 1) }

    /// The thread this choice concerns.
    @inline(__always) public var thread: Int { raw &>> 1 }
    /// Whether this is a store-buffer flush rather than a thread step.
    @inline(__always) public var isFlush: Bool { raw & 1 != 0 }

    public var description: String { isFlush ? "flush(\(thread))" : "run(\(thread))" }
}

/// The choices enabled at a decision point: the runnable threads (not
/// finished, not blocked on the mmu-lock or a grace period) and the threads
/// whose store buffers hold entries. Two bit masks, so at most 64 threads.
///
/// Iteration order is canonical (every run choice by thread index, then
/// every flush choice by thread index): strategies that enumerate choices
/// (exhaustive search) rely on it being deterministic.
@frozen
public struct SimChoiceSet: Hashable, Sendable, Sequence, CustomStringConvertible {
    /// Bit t: thread t may run.
    public var runnable: UInt64
    /// Bit t: thread t's store buffer is not empty.
    public var flushable: UInt64

    @inline(__always)
    public init(runnable: UInt64, flushable: UInt64) {
        self.runnable = runnable
        self.flushable = flushable
    }

    @inline(__always) public var isEmpty: Bool { runnable | flushable == 0 }
    @inline(__always) public var count: Int { SimChoiceSet.bitCount(runnable) &+ SimChoiceSet.bitCount(flushable) }
    /// `count > 1`, without counting (no bit count instruction in the
    /// baseline x86-64 target; asked at every step).
    @inline(__always) public var hasSeveral: Bool {
        (runnable & (runnable &- 1)) | (flushable & (flushable &- 1)) != 0 || (runnable != 0 && flushable != 0)
    }

    @inline(__always)
    public func contains(_ c: SimChoice) -> Bool {
        let bit = UInt64(1) &<< UInt64(c.thread)
        return (c.isFlush ? flushable : runnable) & bit != 0
    }

    @inline(__always)
    public func canRun(_ thread: Int) -> Bool { thread >= 0 && runnable & (UInt64(1) &<< UInt64(thread)) != 0 }

    /// The `index`-th choice in canonical order (0 ..< count).
    @inline(__always)
    public func choice(at index: Int) -> SimChoice {
        let runs = SimChoiceSet.bitCount(runnable)
        if index < runs { return .run(SimChoiceSet.nthSetBit(runnable, index)) }
        return .flush(SimChoiceSet.nthSetBit(flushable, index &- runs))
    }

    /// The position of `c` in canonical order, nil when not enabled.
    public func index(of c: SimChoice) -> Int? {
        guard contains(c) else { return nil }
        let below = (UInt64(1) &<< UInt64(c.thread)) &- 1
        if c.isFlush { return runnable.nonzeroBitCount + (flushable & below).nonzeroBitCount }
        return (runnable & below).nonzeroBitCount
    }

    /// The first choice in canonical order (nil when empty).
    @inline(__always)
    public var first: SimChoice? {
        if runnable != 0 { return .run(runnable.trailingZeroBitCount) }
        if flushable != 0 { return .flush(flushable.trailingZeroBitCount) }
        return nil
    }

    /// Without `c`.
    @inline(__always)
    public func removing(_ c: SimChoice) -> SimChoiceSet {
        let bit = UInt64(1) &<< UInt64(c.thread)
        return c.isFlush ? SimChoiceSet(runnable: runnable, flushable: flushable & ~bit)
                         : SimChoiceSet(runnable: runnable & ~bit, flushable: flushable)
    }

    /// The number of bits set in `mask`. The random walk counts masks of a
    /// few threads at nearly every step, and the baseline x86-64 target has
    /// no bit count instruction (`nonzeroBitCount` is a dozen dependent
    /// vector instructions there): below 256, two four-bit counts from a
    /// table held in a constant.
    @inline(__always)
    public static func bitCount(_ mask: UInt64) -> Int {
        guard mask < 256 else { return mask.nonzeroBitCount }
        return nibbleBitCount(mask & 15) &+ nibbleBitCount(mask &>> 4)
    }

    /// The bits set in `nibble` (0...15): hex digit x of the constant.
    @inline(__always)
    static func nibbleBitCount(_ nibble: UInt64) -> Int {
        Int(truncatingIfNeeded: (0x4332_3221_3221_2110 as UInt64 &>> (nibble &<< 2)) & 15)
    }

    /// The position of the `n`-th (0-based) set bit of `mask`. `n` is a
    /// random index at nearly every step: a loop that ends after `n`
    /// rounds mispredicts its exit nearly every time. So for masks below 256
    /// no loop and no branch: the nibble that holds the bit, then the
    /// bit's place in that nibble from a table of 64 two-bit entries (entry
    /// 4 x + k: where the k-th set bit of x is) held in two constants.
    @inline(__always)
    static func nthSetBit(_ mask: UInt64, _ n: Int) -> Int {
        if mask < 256 {
            let low = mask & 15
            let lowCount = nibbleBitCount(low)
            let high = n >= lowCount
            let nibble = high ? mask &>> 4 : low
            let i = (nibble &<< 2) &+ UInt64(truncatingIfNeeded: high ? n &- lowCount : n)
            let table = i < 32 ? 0x2409_0802_0401_0000 as UInt64 : 0xE439_380E_340D_0C03
            let place = Int(truncatingIfNeeded: (table &>> ((i &<< 1) & 63)) & 3)
            return (high ? 4 : 0) &+ place
        }
        var m = mask
        var k = n
        while k > 0 { m &= m &- 1; k &-= 1 }
        return m.trailingZeroBitCount
    }

    public struct Iterator: IteratorProtocol {
        var runs: UInt64
        var flushes: UInt64
        public mutating func next() -> SimChoice? {
            if runs != 0 {
                let t = runs.trailingZeroBitCount
                runs &= runs &- 1
                return .run(t)
            }
            if flushes != 0 {
                let t = flushes.trailingZeroBitCount
                flushes &= flushes &- 1
                return .flush(t)
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(runs: runnable, flushes: flushable) }

    public var description: String { "{" + map(\.description).joined(separator: ", ") + "}" }
}

/// What a scheduler is told at a decision point. Decision points with a
/// single enabled choice are forced: the executor takes them without asking
/// (and without recording them), so a strategy sees only real choices.
@frozen
public struct SimDecision: Sendable {
    /// The enabled choices (at least two).
    public let enabled: SimChoiceSet
    /// The thread at whose scheduling point the decision is taken (the one
    /// that ran last), or -1 at the start of an execution.
    public let current: Int
    /// True when `current` had just called `relax()` (a spin-wait): it is
    /// left out of `enabled` for this decision, since running it again
    /// before anyone else moved could only repeat the same check.
    public let yielded: Bool
    /// The global step number this decision starts (1-based; counts every
    /// decision, forced ones included).
    public let step: UInt64

    @inline(__always)
    public init(enabled: SimChoiceSet, current: Int, yielded: Bool, step: UInt64) {
        self.enabled = enabled
        self.current = current
        self.yielded = yielded
        self.step = step
    }

    /// Whether `current` may continue (choosing anything else preempts it).
    @inline(__always) public var currentEnabled: Bool { enabled.canRun(current) }

    /// The choice of a non-preemptive scheduler: `current` continues when
    /// it can, else the lowest-numbered runnable thread, else the lowest
    /// flush. Used as the default by exhaustive search and by replay once a
    /// schedule runs out or no longer fits.
    @inline(__always)
    public var nonPreemptiveChoice: SimChoice {
        currentEnabled ? .run(current) : enabled.first!
    }

    /// Whether taking `c` here counts as a preemption: `current` could have
    /// continued and something else was chosen (a thread switch or an early
    /// store-buffer flush).
    @inline(__always)
    public func isPreemption(_ c: SimChoice) -> Bool { currentEnabled && c != .run(current) }
}
