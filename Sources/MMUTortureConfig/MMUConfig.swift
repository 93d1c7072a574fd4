/// What the mmu-lock thread(s) do (config key `mmu`): how many there are and
/// the relative weights of their operations. Each operation is picked with
/// probability weight / `totalWeight`; a weight of 0 turns it off.
public struct MMUConfig: Codable, Equatable, Hashable, Sendable {
    /// Number of mmu-lock threads, 1 ... 8. Key `threads`, default 1.
    public var threads: Int
    /// Write-protect a gfn (docs/protocols.md). Key `write_protect`, default 4.
    public var writeProtect: Int
    /// Lift the write protection of a gfn. Key `unprotect`, default 4.
    public var unprotect: Int
    /// Harvest the dirty log (write-protect every dirty gfn). Key `dirty_log`, default 1.
    public var dirtyLog: Int
    /// Zap all shadow pages, making them obsolete (2.6). Key `zap_all`, default 1.
    public var zapAll: Int
    /// MMU-notifier invalidation of a range of host pages (2.7). Key `invalidate_range`, default 2.
    public var invalidateRange: Int
    /// MMU-notifier invalidation of one host page. Key `invalidate_page`, default 1.
    public var invalidatePage: Int
    /// An incremental audit of the invariants under the mmu-lock (64 gfns round
    /// robin and the hot set). Key `audit`, default 1.
    public var audit: Int

    /// The largest weight a config may give one operation.
    public static let maxWeight = 1_000_000

    /// An mmu section; every argument defaults to its documented default.
    public init(threads: Int = 1, writeProtect: Int = 4, unprotect: Int = 4, dirtyLog: Int = 1,
                zapAll: Int = 1, invalidateRange: Int = 2, invalidatePage: Int = 1, audit: Int = 1) {
        self.threads = threads
        self.writeProtect = writeProtect
        self.unprotect = unprotect
        self.dirtyLog = dirtyLog
        self.zapAll = zapAll
        self.invalidateRange = invalidateRange
        self.invalidatePage = invalidatePage
        self.audit = audit
    }

    /// The operation weights by their config key, in the config's order.
    public var weights: [(key: String, weight: Int)] {
        [("write_protect", writeProtect), ("unprotect", unprotect), ("dirty_log", dirtyLog),
         ("zap_all", zapAll), ("invalidate_range", invalidateRange),
         ("invalidate_page", invalidatePage), ("audit", audit)]
    }

    /// The sum of the weights (0 when every operation is off). Validated
    /// weights are at most `maxWeight` each, so this cannot overflow.
    public var totalWeight: Int {
        weights.reduce(0) { $0 &+ $1.weight }
    }

    enum CodingKeys: String, CodingKey {
        case threads
        case writeProtect = "write_protect"
        case unprotect
        case dirtyLog = "dirty_log"
        case zapAll = "zap_all"
        case invalidateRange = "invalidate_range"
        case invalidatePage = "invalidate_page"
        case audit
    }

    public init(from decoder: Decoder) throws {
        let d = MMUConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads) ?? d.threads
        writeProtect = try c.decodeIfPresent(Int.self, forKey: .writeProtect) ?? d.writeProtect
        unprotect = try c.decodeIfPresent(Int.self, forKey: .unprotect) ?? d.unprotect
        dirtyLog = try c.decodeIfPresent(Int.self, forKey: .dirtyLog) ?? d.dirtyLog
        zapAll = try c.decodeIfPresent(Int.self, forKey: .zapAll) ?? d.zapAll
        invalidateRange = try c.decodeIfPresent(Int.self, forKey: .invalidateRange) ?? d.invalidateRange
        invalidatePage = try c.decodeIfPresent(Int.self, forKey: .invalidatePage) ?? d.invalidatePage
        audit = try c.decodeIfPresent(Int.self, forKey: .audit) ?? d.audit
    }
}
