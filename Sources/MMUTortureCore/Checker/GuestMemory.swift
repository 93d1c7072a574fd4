/// guest-memory (docs/invariants.md): no guest write is lost. A vCPU's
/// writes to one gfn reach memory in its program order, and the writes of
/// all vCPUs to it in one order (TSO's coherence), so once every thread has
/// stopped the gfn holds the last write of whichever vCPU wrote it last:
/// one of the writers' last values. Whatever moves the content meanwhile
/// (reclaim writes a dirty page back to swap, a refault reads it in, a
/// copy-on-write break copies it, the host emulates a write to a
/// write-tracked gfn) must carry it. Every write value is unique (the
/// vCPU's id and its write sequence number), so an older value, another
/// gfn's, or a stale swap copy all show.
extension VM {
    /// Records `value` as vCPU `v`'s last write to `gfn` (the guest's own
    /// write, or one the host emulated for it). The vCPU's own words.
    @inline(__always)
    func noteLastWrite(_ v: UnsafeMutablePointer<VCPULocal>, gfn: Int, value: UInt64) {
        if tracksLastWrites { lastWrites[v.pointee.id &* frames &+ gfn] = value }
    }

    /// With every thread stopped (the end of a run): each written gfn holds
    /// one of its writers' last values.
    func finalGuestMemoryCheck<P: Platform>(_ p: P, checker: ViolationSink) {
        guard tracksLastWrites else { return }
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        for gfn in 0..<frames {
            var written = false
            var found = false
            let memory = guestMemory(p, gfn: gfn)
            for vcpu in 0..<vcpuCount {
                let last = lastWrites[vcpu &* frames &+ gfn]
                if last == 0 { continue }
                written = true
                if last == memory { found = true; break }
            }
            if written && !found {
                checker.report(p, .guestWriteLost, vcpu: nil, gfn: gfn)
                return
            }
        }
    }
}
