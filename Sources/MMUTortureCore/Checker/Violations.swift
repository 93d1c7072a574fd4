#if canImport(Glibc)
import Glibc
#endif
import URCUShim

/// What exactly a checker saw (rendered into the violation's message). Each
/// detail belongs to exactly one invariant, so no call can pair the wrong two.
public enum ViolationDetail: UInt64, CaseIterable, Sendable {
    case writeAfterProtect = 1       // a guest write landed in a protected gfn without the slow path
    case writableAfterProtect        // a W spte survived write-protect (post-scan check)
    case writableInAudit             // an audit found a W spte on a protected gfn
    case poisonedShadowPage          // a lockless walker read a freed shadow page
    case freedHostPageAccess         // a guest access reached a freed host page
    case freedHostPageMapped         // an audit found a spte mapping a freed host page
    case dirtyBitLost                // a written host page was not marked dirty before its spte went
    case unmappedPageNotDirty        // a written host page was not dirty when the host unmapped it
    case dirtyLogMismatch            // the destination copy differs from guest memory
    case staleTLB                    // a TLB entry grants more than the spte after a flush
    case gfnMismatch                 // computed gfn != rmap gfn
    case obsoletePageReturned        // a lookup returned an obsolete page
    case obsoleteRoot                // a vCPU ran on an obsolete root after its reload
    case obsoletePageInRmap          // an audit found an rmap spte in an obsolete page
    case noFlushBeforeUnlock         // the mmu-lock was released with a W removal not yet flushed
    case invalidSPTE                 // a spte is not one of the valid combinations
    case hostWritableOnReadOnlyPage  // HOST_WRITABLE on a spte whose host page is read-only
    case nxChanged                   // a leaf's NX bit differs from the one it was installed with
    case writeToReadOnlyPage         // a guest write landed on a host page that is not writable
    case writeToStalePage            // a guest write landed on a host page that no longer backs its gfn
    case leafMissingFromRmap         // a present leaf of a live page is not in its gfn's rmap
    case rmapEntryNotLeaf            // an rmap entry is not a present leaf of that gfn
    case pageTableLeaked             // a linked page table is reachable from no root
    case pageTableFreedTwice         // a page table was unlinked or freed twice
    case pageTableFreedWhileLinked   // a page table reachable from a root is removed or freed
    case removedPageTableNotQueued   // at the end of a run a removed page table waits in no queue of frees
    case frozenSPTEOverwritten       // a FROZEN spte was written by a thread that did not freeze it
    case validRootUnreferenced       // a valid root lost its last reference
    case zappedRootPopulated         // an invalid root that was zapped still holds a present spte
    case installIntoInvalidRoot      // a fault installed a spte into an invalid root
    case writeLockNotHeld            // a write-lock-only path ran without the mmu-lock held for write
    case pageReferenceLeaked         // at the end of a run a host page held a reference nobody owns
    case pageReferenceMissing        // at the end of a run a mapped host page had no reference, or was freed
    case guestWriteLost              // at the end of a run a gfn holds no writer's last value
    case invalidationLeftRunning     // at the end of a run mmu_notifier_count is not 0
    case rootReferencesWrong         // at the end of a run a root's count differs from its holders
    case writeNotLogged              // at a harvest: a page differs from its copy, not in the log
    case pageTableFreedNotEmpty      // a removed page table was freed with a present entry
    case leafCountWrong              // tdp-mmu: the page statistics differ from the present leaves
    case fixedLeafUnreachable        // a slow fault's leaf is not on the walk from the vCPU's root
    case protectedGFNNotTracked      // a write-protected gfn lacks PTE_LIST_WRITE_PROTECT
    case unprotectedGFNTracked       // an unprotected gfn still has PTE_LIST_WRITE_PROTECT
    case invalidationOutsideRange    // tdp-mmu: a gfn being invalidated is one a fault would not retry on

    /// The invariant this detail is a violation of.
    public var invariant: Invariant {
        switch self {
        case .writeAfterProtect, .writableAfterProtect, .writableInAudit: return .wpSafety
        case .poisonedShadowPage: return .rcuLifetime
        case .freedHostPageAccess, .freedHostPageMapped, .writeToReadOnlyPage, .writeToStalePage: return .hostPage
        case .dirtyBitLost, .unmappedPageNotDirty: return .dirtyBit
        case .dirtyLogMismatch, .writeNotLogged: return .dirtyLog
        case .staleTLB: return .tlbCoherence
        case .gfnMismatch: return .gfnConsistency
        case .obsoletePageReturned, .obsoleteRoot, .obsoletePageInRmap: return .obsolete
        case .noFlushBeforeUnlock: return .flushBeforeUnlock
        case .invalidSPTE, .hostWritableOnReadOnlyPage, .nxChanged: return .spteIntegrity
        case .leafMissingFromRmap, .rmapEntryNotLeaf: return .rmapConsistency
        case .pageTableLeaked, .pageTableFreedTwice, .pageTableFreedWhileLinked, .removedPageTableNotQueued,
             .pageTableFreedNotEmpty, .leafCountWrong: return .ptAccounting
        case .frozenSPTEOverwritten: return .frozenOwnership
        case .validRootUnreferenced, .zappedRootPopulated, .installIntoInvalidRoot: return .rootLifetime
        case .writeLockNotHeld: return .lockMode
        case .pageReferenceLeaked, .pageReferenceMissing: return .pageRefcount
        case .guestWriteLost: return .guestMemory
        case .invalidationLeftRunning, .rootReferencesWrong: return .atRest
        case .fixedLeafUnreachable: return .faultProgress
        case .protectedGFNNotTracked, .unprotectedGFNTracked: return .writeTracking
        case .invalidationOutsideRange: return .notifierRange
        }
    }

    public var text: String {
        switch self {
        case .writeAfterProtect: return "a guest write landed in a write-protected gfn without going through the slow path"
        case .writableAfterProtect: return "a writable spte survived write-protect (seen right after the scan and flush, under the mmu-lock)"
        case .writableInAudit: return "an audit under the mmu-lock found a writable spte on a write-protected gfn"
        case .poisonedShadowPage: return "a lockless walker read a shadow page after it was freed (poison seen)"
        case .freedHostPageAccess: return "a guest access reached a host page after the host freed it"
        case .freedHostPageMapped: return "a spte maps a host page after invalidate returned it to the host"
        case .dirtyBitLost: return "a host page written by the guest was not marked dirty before its last spte was dropped"
        case .unmappedPageNotDirty: return "a host page written by the guest was not dirty when the host unmapped it (its write-back is skipped: the write is lost)"
        case .dirtyLogMismatch: return "after the final harvest the destination copy differs from guest memory"
        case .writeNotLogged: return "at a harvest a page differs from its destination copy, and no dirty bit and no fault in flight records the write"
        case .staleTLB: return "after a flush returned, a TLB entry grants more than the current spte"
        case .gfnMismatch: return "the computed gfn of a leaf spte differs from the gfn its rmap holds it under"
        case .obsoletePageReturned: return "a shadow-page lookup returned an obsolete page"
        case .obsoleteRoot: return "a vCPU accessed guest memory through an obsolete root after handling its reload request"
        case .obsoletePageInRmap: return "an audit found an rmap spte in an obsolete shadow page"
        case .noFlushBeforeUnlock: return "the mmu-lock was released after W was taken away from a spte, with no remote TLB flush completed since"
        case .invalidSPTE: return "a spte is not one of the valid combinations (W without HOST_WRITABLE/MMU_WRITABLE, unknown bits, id out of range)"
        case .hostWritableOnReadOnlyPage: return "a spte has HOST_WRITABLE but its host page is read-only"
        case .nxChanged: return "a leaf's NX bit differs from the one the slow path installed (a lockless path changed it)"
        case .writeToReadOnlyPage: return "a guest write landed on a host page that is not writable (KSM/COW)"
        case .writeToStalePage: return "a guest write landed on a host page that no longer backs its gfn"
        case .leafMissingFromRmap: return "a present leaf spte of a live shadow page is not in its gfn's rmap"
        case .rmapEntryNotLeaf: return "an rmap entry is not a present leaf spte of that gfn"
        case .pageTableLeaked: return "a page table still accounted as linked is reachable from no root (leaked)"
        case .pageTableFreedTwice: return "a page table was unlinked (handle_removed_pt) or freed twice"
        case .removedPageTableNotQueued: return "with every path finished, a page table accounted as removed is in no queue of frees after a grace period: it is never freed (leaked)"
        case .pageTableFreedWhileLinked: return "a page table reachable from a root was removed or freed"
        case .leafCountWrong:
            return "the page statistics (present 4 KiB leaves, kept by handle_changed_spte) differ from the present leaves reachable from the roots: a leaf was handled twice or never"
        case .pageTableFreedNotEmpty:
            return "a removed page table was freed (after its grace period) with a present entry: the mapping or child table in it went with it, never handled"
        case .frozenSPTEOverwritten: return "a FROZEN spte was written by a thread other than the one that froze it (or was not frozen when its freezer wrote it back)"
        case .validRootUnreferenced: return "a valid root dropped its last reference (only invalid roots may go)"
        case .zappedRootPopulated: return "an invalid root whose zap completed still holds a present spte"
        case .installIntoInvalidRoot: return "a page fault installed a spte into an invalid root"
        case .writeLockNotHeld: return "a path that requires the mmu-lock for write (lockdep_assert_held_write) ran without it"
        case .guestWriteLost: return "with every path finished, a gfn the guest wrote holds a value that is no writer's last write to it (a guest write was lost, or an older content came back)"
        case .pageReferenceLeaked: return "with every path finished, a host page holds a reference nobody owns: more than the host page table's one, or any once the host unmapped it (a gfn_to_pfn reference never released)"
        case .invalidationLeftRunning: return "with every path finished, mmu_notifier_count is not 0: an invalidation is counted as still running (an invalidate_range_start without its _end), so every later page fault retries for ever"
        case .rootReferencesWrong: return "with every path finished, a root's reference count differs from its holders: one per vCPU using it, plus the MMU's until the root was zapped (a reference leaked or dropped twice)"
        case .fixedLeafUnreachable: return "a slow page fault returned with its leaf out of the guest's reach: the walk from the vCPU's root for the faulting address does not reach it (the retried access faults again, for ever)"
        case .protectedGFNNotTracked: return "an audit found a write-protected gfn without PTE_LIST_WRITE_PROTECT in its rmap: its write tracking was lost, and the next write fault maps it writable"
        case .unprotectedGFNTracked: return "an audit found a gfn that unprotect released with PTE_LIST_WRITE_PROTECT still in its rmap: its write tracking leaked, and every write to it traps and is emulated for ever"
        case .invalidationOutsideRange: return "an audit found a gfn of an invalidation in progress that a page fault would not retry on: mmu_invalidate_in_progress is 0 or mmu_invalidate_range_start/end leave the gfn out, so a fault could map the page the host is taking away"
        case .pageReferenceMissing: return "with every path finished, a host page the host page table maps has no reference of its own, or was freed (a reference dropped twice or lost)"
        }
    }
}

/// One violation as recorded on the spot: plain words, no allocation, so the
/// checker can fire from inside the hot paths.
public struct ViolationRecord: Sendable {
    public var invariant: Invariant
    public var detail: ViolationDetail
    public var thread: Int
    public var vcpu: Int?
    public var gfn: Int?
    public var sptes: [UInt64]
    public var time: UInt64
}

/// Where violations go: a fixed array of slots claimed with one atomic add.
/// The first violation also raises the VM's stop flag.
public final class ViolationLog {
    public static let capacity = 32
    /// Per slot: 1 once the slot's words are written.
    let complete: UnsafeMutablePointer<UInt64>
    let words: UnsafeMutablePointer<UInt64>   // capacity * 8
    public let count: UnsafeMutablePointer<UInt64>
    public var stopOnFirst = true

    public init() {
        complete = .allocate(capacity: Self.capacity)
        complete.initialize(repeating: 0, count: Self.capacity)
        words = .allocate(capacity: Self.capacity * 8)
        words.initialize(repeating: 0, count: Self.capacity * 8)
        count = .allocate(capacity: 1)
        count.initialize(to: 0)
    }

    deinit {
        complete.deallocate(); words.deallocate(); count.deallocate()
    }

    public var total: Int { Int(mmut_load_acquire(count)) }

    /// The recorded violations (call after the threads stopped).
    public func records() -> [ViolationRecord] {
        let n = min(total, Self.capacity)
        return (0..<n).compactMap { i in
            let w = words + i * 8
            guard complete[i] != 0, let detail = ViolationDetail(rawValue: w[0]) else { return nil }
            let inv = detail.invariant
            let vcpu = Int(bitPattern: UInt(w[2]))
            let gfn = Int(bitPattern: UInt(w[3]))
            return ViolationRecord(invariant: inv, detail: detail, thread: Int(w[1]), vcpu: vcpu < 0 ? nil : vcpu,
                                   gfn: gfn < 0 ? nil : gfn, sptes: [w[4], w[5]].filter { $0 != ~0 }, time: w[6])
        }
    }
}

/// A violation handle the paths carry: two pointers, trivially copyable.
public struct ViolationSink {
    let log: Unmanaged<ViolationLog>
    let stop: UnsafeMutablePointer<UInt64>

    public init(log: ViolationLog, stop: UnsafeMutablePointer<UInt64>) {
        self.log = Unmanaged.passUnretained(log)
        self.stop = stop
    }

    /// Records a violation and stops the run (cold path).
    @inline(never)
    public func report<P: Platform>(_ p: P, _ detail: ViolationDetail, vcpu: Int?, gfn: Int?,
                                    spteA: UInt64 = ~0, spteB: UInt64 = ~0) {
        let l = log.takeUnretainedValue()
        let slot = Int(mmut_fetch_add(l.count, 1))
        p.count(.violations)
        p.trace(.violation, gfn: gfn ?? -1, spteA, spteB)
        if slot < ViolationLog.capacity {
            let w = l.words + slot * 8
            w[0] = detail.rawValue
            w[1] = UInt64(p.threadIndex)
            w[2] = UInt64(bitPattern: Int64(vcpu ?? -1))
            w[3] = UInt64(bitPattern: Int64(gfn ?? -1))
            w[4] = spteA
            w[5] = spteB
            w[6] = p.timestamp()
            mmut_store_release(l.complete + slot, 1)   // the slot is complete
        }
        if l.stopOnFirst { mmut_store_release(stop, 1) }
    }
}
