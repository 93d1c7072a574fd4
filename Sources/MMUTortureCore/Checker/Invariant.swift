/// The invariants the checker asserts (docs/invariants.md). Each is decided
/// only from state that the correct protocol itself produces, online where a
/// path completes and in audits under the mmu-lock; never from a variant's
/// own flags. One file per invariant in this folder holds its checks.
public enum Invariant: String, CaseIterable, Codable, Sendable {
    case wpSafety = "wp-safety"
    case dirtyLog = "dirty-log"
    case rcuLifetime = "rcu-lifetime"
    case hostPage = "host-page"
    case dirtyBit = "dirty-bit"
    case tlbCoherence = "tlb-coherence"
    case gfnConsistency = "gfn-consistency"
    case obsolete = "obsolete"
    case flushBeforeUnlock = "flush-before-unlock"
    case spteIntegrity = "spte-integrity"
    case rmapConsistency = "rmap-consistency"
    case pageRefcount = "page-refcount"
    case guestMemory = "guest-memory"
    case atRest = "at-rest"
    case writeTracking = "write-tracking"
    case faultProgress = "fault-progress"
    // The TDP MMU's own (docs/invariants.md).
    case ptAccounting = "pt-accounting"
    case frozenOwnership = "frozen-ownership"
    case rootLifetime = "root-lifetime"
    case lockMode = "lock-mode"
    case notifierRange = "notifier-range"

    /// One line: the property.
    public var summary: String {
        switch self {
        case .wpSafety: return "after write-protect(gfn) returns: no W spte, no writable TLB entry, no guest write without the slow path"
        case .dirtyLog: return "after the final harvest the destination copy equals guest memory"
        case .rcuLifetime: return "no lockless walker reads a shadow page after it was freed"
        case .hostPage: return "no spte or access reaches a freed host page; a guest write lands only on a writable page that backs its gfn"
        case .dirtyBit: return "a host page the guest wrote is marked dirty before the last spte that could write it goes"
        case .tlbCoherence: return "after a flush returns, no TLB entry grants more than the current spte"
        case .gfnConsistency: return "a leaf's computed gfn equals the gfn its rmap holds it under"
        case .obsolete: return "lookups return current pages; no vCPU accesses memory through an obsolete root after its reload"
        case .flushBeforeUnlock: return "an mmu-lock section that took W away flushes remote TLBs before it releases the lock"
        case .spteIntegrity: return "every spte is a valid combination: W needs HOST_WRITABLE (and MMU_WRITABLE), HOST_WRITABLE needs a writable host page, NX and the pfn are never changed locklessly, ids within the layout"
        case .rmapConsistency: return "every present leaf of a live shadow page is in its gfn's rmap, and every rmap entry is a present leaf of that gfn"
        case .guestMemory: return "at the end of a run every gfn the guest wrote holds the last value one of its writers wrote: no write was lost or undone"
        case .pageRefcount: return "once every path has finished, a host page's only reference is the host page table's: 1 while mapped, and an unmapped page is freed"
        case .atRest: return "once every path has finished, nothing is left half done: no invalidation is counted as running, and (tdp-mmu) a root's references are exactly its holders'"
        case .writeTracking: return "a gfn's write tracking (PTE_LIST_WRITE_PROTECT in its rmap) is on exactly while it is write-protected: from write-protect's return until unprotect"
        case .faultProgress: return "a slow page fault that fixed the fault leaves the leaf where the guest's retry walks: reachable from the faulting vCPU's root"
        case .ptAccounting: return "every page table is reachable from a root, waiting for its grace period, or freed, exactly once"
        case .frozenOwnership: return "only the thread that froze a spte writes it again; nobody installs over FROZEN"
        case .rootLifetime: return "a valid root holds a reference; a zapped invalid root holds no present spte; no fault installs into an invalid root"
        case .notifierRange: return "while a gfn is being invalidated, a page fault on it retries: mmu_invalidate_in_progress is not 0 and mmu_invalidate_range_start/end cover it"
        case .lockMode: return "paths that require the mmu-lock for write never run under the read lock"
        }
    }
}
