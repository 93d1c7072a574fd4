/// What a thread did, kept in a small per-thread ring so that a violation can
/// be reported with every thread's recent events merged in order.
public enum EventKind: UInt32, CaseIterable, Sendable {
    case accessFill          // a TLB miss walked the sptes and filled the TLB (a = spte)
    case guestWrite          // a write landed in the host page (a = pfn, b = value)
    case fault               // a guest access faulted (a = spte seen, b = 1 if write)
    case fastSetID           // fast path stored its identification (a = snapshot, b = marked)
    case fastFlagSeen        // fast path saw PTE_LIST_WRITE_PROTECT: to the slow path (a = spte now)
    case fastFixed           // fast path's final cmpxchg made the spte writable (a = old, b = new)
    case fastRetry           // fast path's final cmpxchg failed (a = expected, b = found)
    case fastSpurious        // spte already writable (a = spte)
    case fastToSlow          // not eligible (not present, not host-writable, no id) (a = spte)
    case slowInstall         // slow path installed a leaf spte (a = old, b = new)
    case slowEmulate         // slow path emulated a write to a protected gfn (a = pfn)
    case slowRefault         // slow path saw an mmu-notifier change: refault
    case wpFlagSet           // write-protect set PTE_LIST_WRITE_PROTECT
    case wpClear             // write-protect cleared W / id (a = old, b = new)
    case wpDone              // write-protect returned (after its flush)
    case unprotect           // the gfn's protection ended
    case flushRequest        // remote TLB flush requested by this thread
    case flushDone           // every vCPU acknowledged
    case tlbFlushed          // a vCPU handled a flush request
    case rootReload          // a vCPU handled an MMU reload request
    case zapObsolete         // zap-all started (a = new generation)
    case pageFreed           // a zapped shadow page was freed (a = page index)
    case invalidateStart     // mmu notifier range start (gfn = first, a = count)
    case invalidateEnd       // mmu notifier range end
    case harvest             // dirty-log harvest (a = pages logged)
    case dirtyLogWP          // dirty-log write-protect cleared W (a = old, b = new)
    case violation           // the checker fired here
    case tdpInstall          // tdp-mmu: a fault's cmpxchg installed a spte (a = old, b = new)
    case tdpFrozen           // tdp-mmu: a spte was frozen (a = old)
    case tdpUnfrozen         // tdp-mmu: the freezer wrote the spte back (a = value found)
    case tdpZapLeaf          // tdp-mmu: a leaf was zapped or write-protected (a = old, b = new)
    case tdpYield            // tdp-mmu: an iterator yielded (a = 1 if a flush was pending)
    case tdpRootInvalidated  // tdp-mmu: a root was invalidated (a = page)
    case tdpRootPut          // tdp-mmu: a root reference was dropped (a = page, b = references left)
    case tdpPTRemoved        // tdp-mmu: handle_removed_pt unlinked a page table (a = page)
    case tdpRetry            // tdp-mmu: a fault returned RET_PF_RETRY (a = why: 1 stale root, 2 notifier, 3 frozen, 4 cmpxchg)

    public var name: String {
        switch self {
        case .accessFill: return "access-fill"
        case .guestWrite: return "guest-write"
        case .fault: return "fault"
        case .fastSetID: return "fast:set-id"
        case .fastFlagSeen: return "fast:flag-seen"
        case .fastFixed: return "fast:fixed"
        case .fastRetry: return "fast:retry"
        case .fastSpurious: return "fast:spurious"
        case .fastToSlow: return "fast:to-slow"
        case .slowInstall: return "slow:install"
        case .slowEmulate: return "slow:emulate"
        case .slowRefault: return "slow:refault"
        case .wpFlagSet: return "wp:flag-set"
        case .wpClear: return "wp:clear"
        case .wpDone: return "wp:done"
        case .unprotect: return "unprotect"
        case .flushRequest: return "flush:request"
        case .flushDone: return "flush:done"
        case .tlbFlushed: return "tlb:flushed"
        case .rootReload: return "root:reload"
        case .zapObsolete: return "zap-obsolete"
        case .pageFreed: return "page-freed"
        case .invalidateStart: return "invalidate:start"
        case .invalidateEnd: return "invalidate:end"
        case .harvest: return "dirty-log:harvest"
        case .dirtyLogWP: return "dirty-log:wp"
        case .violation: return "VIOLATION"
        case .tdpInstall: return "tdp:install"
        case .tdpFrozen: return "tdp:frozen"
        case .tdpUnfrozen: return "tdp:unfrozen"
        case .tdpZapLeaf: return "tdp:zap-leaf"
        case .tdpYield: return "tdp:yield"
        case .tdpRootInvalidated: return "tdp:root-invalidated"
        case .tdpRootPut: return "tdp:root-put"
        case .tdpPTRemoved: return "tdp:pt-removed"
        case .tdpRetry: return "tdp:retry"
        }
    }

    /// Taken once per guest access or per fault on the vCPU's lockless side
    /// (the TLB fill, the guest's write, the fault's exit, the fast path's
    /// steps): stamped without reading the clock (docs/model.md, "The trace
    /// clock"). Everything under the mmu-lock, every flush and request, and
    /// the rest read it.
    @inline(__always)
    public var isPerAccess: Bool {
        switch self {
        case .accessFill, .guestWrite, .fault, .fastSetID, .fastFlagSeen, .fastFixed, .fastRetry, .fastSpurious,
             .fastToSlow:
            return true
        default:
            return false
        }
    }

    /// Whether `a`/`b` hold spte values (rendered as sptes in traces).
    var operandsAreSPTEs: Bool {
        switch self {
        case .accessFill, .fault, .fastSetID, .fastFlagSeen, .fastFixed, .fastRetry, .fastSpurious,
             .fastToSlow, .slowInstall, .wpClear, .dirtyLogWP, .tdpInstall, .tdpFrozen, .tdpUnfrozen, .tdpZapLeaf:
            return true
        default:
            return false
        }
    }
}

/// One recorded event: 40 bytes, written with plain stores into the owning
/// thread's ring (no sharing, no allocation).
@frozen
public struct TraceEvent: Sendable {
    public var time: UInt64
    public var kind: UInt32
    public var thread: UInt32
    public var gfn: UInt64
    public var a: UInt64
    public var b: UInt64

    public init(time: UInt64, kind: EventKind, thread: Int, gfn: Int, a: UInt64, b: UInt64) {
        self.time = time
        self.kind = kind.rawValue
        self.thread = UInt32(truncatingIfNeeded: thread)
        self.gfn = UInt64(truncatingIfNeeded: gfn)
        self.a = a
        self.b = b
    }
}

/// A fixed-size ring of a thread's most recent events.
public struct EventRing {
    public let events: UnsafeMutablePointer<TraceEvent>
    public let mask: Int
    public var next: Int = 0

    public init(depth: Int) {
        var cap = 1
        while cap < max(depth, 2) { cap <<= 1 }
        events = .allocate(capacity: cap)
        events.initialize(repeating: TraceEvent(time: 0, kind: .accessFill, thread: 0, gfn: 0, a: 0, b: 0), count: cap)
        mask = cap - 1
    }

    @inline(__always)
    public mutating func record(_ e: TraceEvent) {
        events[next & mask] = e
        next &+= 1
    }

    /// The time of the latest event recorded (0 before the first).
    @inline(__always)
    public var lastTime: UInt64 { events[(next &- 1) & mask].time }

    /// The events still held, oldest first.
    public func snapshot() -> [TraceEvent] {
        let count = min(next, mask + 1)
        return (0..<count).map { events[(next - count + $0) & mask] }
    }

    public func deallocate() { events.deallocate() }
}
