/// write-tracking (docs/invariants.md): a gfn's write tracking, the
/// `PTE_LIST_WRITE_PROTECT` flag in its rmap that every fault consults
/// before it maps the gfn writable (the model's `kvm_gfn_is_write_tracked`),
/// is on exactly while the gfn is write-protected: set from write-protect's
/// return until unprotect starts, clear from unprotect's return until the
/// next write-protect starts.
///
/// Decided in every audit under the mmu-lock held for write, from the
/// checker's record of write-protect and unprotect (the per-gfn protection
/// word: none, protecting, protected) and the flag itself. Sound: both are
/// written in the same mmu-lock section (write-protect: protecting, the
/// flag, the scan, protected; unprotect: none, the flag), only there, and
/// the unlock that ends the section makes both visible before the next
/// holder of the lock reads them. A gfn recorded as protecting (a
/// write-protect that dropped the lock to wait, say) is not judged.
///
/// Two ways to break it: a protected gfn whose flag is gone (a lost update
/// of the flag: the next write fault maps the gfn writable, which wp-safety
/// sees only if one comes), and an unprotected gfn still flagged (a lost
/// unprotect: every write to the gfn traps and is emulated for ever, the
/// tracking leaked, as `update_gfn_write_track` warns of when a count
/// would go negative).
extension VM {
    /// The check for one gfn, `protection` being its protection word as the
    /// audit read it. Returns false after a report.
    @inline(__always)
    func auditWriteTracking<P: Platform>(_ p: P, gfn: Int, protection: UInt64, checker: ViolationSink) -> Bool {
        guard protection != Protection.protecting else { return true }
        let flags = p.peek(rmapFlags + gfn)
        let tracked = flags & VM.pteListWriteProtect != 0
        if protection == Protection.protected && !tracked {
            checker.report(p, .protectedGFNNotTracked, vcpu: nil, gfn: gfn, spteA: flags, spteB: protection)
            return false
        }
        if protection == Protection.none && tracked {
            checker.report(p, .unprotectedGFNTracked, vcpu: nil, gfn: gfn, spteA: flags, spteB: protection)
            return false
        }
        return true
    }
}
