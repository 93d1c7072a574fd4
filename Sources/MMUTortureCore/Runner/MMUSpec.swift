/// What the mmu-lock threads do (config section `mmu`): how many there are
/// and the relative weights of their operations.
public struct MMUSpec: Hashable, Sendable {
    /// Number of mmu-lock threads, 1 ... 8. Key `threads`, default 1.
    public var threads = 1
    /// The operation weights (keys `write_protect`, `unprotect`, ...).
    public var weights = MMUWeights()

    public init() {}
}
