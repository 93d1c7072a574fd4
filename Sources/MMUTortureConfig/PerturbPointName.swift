/// The named points in the protocol code where a perturbation (a seeded
/// delay, spin or yield) may be injected to widen a race window.
///
/// Config files name them under `perturb.points`; the runner maps each name
/// onto the place in the paths of docs/protocols.md.
public enum PerturbPointName: String, CaseIterable, Codable, Sendable {
    /// Fast page fault: after the vCPU id was set in the spte's top byte,
    /// before the barrier that orders it against the rmap flag read.
    case afterSetID = "after-set-id"
    /// Fast page fault: after that barrier, before the rmap
    /// `PTE_LIST_WRITE_PROTECT` flag is read.
    case afterBarrier = "after-barrier"
    /// Fast page fault: just before the final cmpxchg that makes the spte writable.
    case beforeFinalCmpxchg = "before-final-cmpxchg"
    /// Write-protect: between the sptes of the rmap scan.
    case wpScan = "wp-scan"
    /// Zap: after a shadow page was unlinked, before it is freed (or queued
    /// for freeing after a grace period).
    case beforeFree = "before-free"
    /// MMU notifier: between the start and the end of an invalidation.
    case notifierWindow = "notifier-window"
}
