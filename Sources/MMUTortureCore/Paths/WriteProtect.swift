/// Write-protect, unprotect and the remote TLB flush (PROTOCOL.md 2.3).

extension VM {
    /// `kvm_flush_remote_tlbs`: request a flush from every vCPU and wait for
    /// each one that is in guest mode to acknowledge it. A vCPU outside guest
    /// mode will honour the request before it enters again (Dekker: request
    /// set by a locked RMW, then mode load; the vCPU stores mode, smp_mb,
    /// loads requests). Caller holds the mmu-lock.
    public func flushRemoteTLBs<P: Platform>(_ p: P, gfn: Int = -1) {
        p.trace(.flushRequest, gfn: gfn)
        p.count(.tlbFlushes)
        for vcpu in 0..<vcpuCount {
            _ = p.fetchOr(vcpuWord(vcpu, VCPUWord.requests), VM.requestTLBFlush)
        }
        waitForAcknowledgements(p, request: VM.requestTLBFlush)
        p.trace(.flushDone, gfn: gfn)
    }

    /// Waits until no vCPU in guest mode still has `request` pending.
    func waitForAcknowledgements<P: Platform>(_ p: P, request: UInt64) {
        for vcpu in 0..<vcpuCount {
            while p.load(vcpuWord(vcpu, VCPUWord.requests)) & request != 0
                    && p.load(vcpuWord(vcpu, VCPUWord.mode)) == VM.modeInGuest {
                p.relax()
            }
        }
    }

    /// Persistent write-protect of a gfn that shadows a guest page table
    /// (`rmap_write_protect` with the RFC's PTE_LIST_WRITE_PROTECT, seed 004).
    /// On return wp-safety holds for `gfn` until `unprotect(gfn)`.
    public func writeProtect<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.writeProtects)
        p.store(protection + gfn, Protection.protecting)
        if ops.isVCPUID {
            // A plain store under the mmu-lock...
            p.store(rmapFlags + gfn, rmapFlags[gfn] | VM.pteListWriteProtect)
            p.trace(.wpFlagSet, gfn: gfn)
            // ...so this barrier is what orders it before the spte loads
            // (Dekker with the fast path's id store, smp_mb, flag load).
            if ops.writeProtectBarrier { p.fullBarrier() }
        } else {
            // The merged protocol has no flag; the slow path consults it too.
            p.store(rmapFlags + gfn, rmapFlags[gfn] | VM.pteListWriteProtect)
        }
        var needFlush = false
        for k in 0..<rmapCountOf(gfn: gfn) {
            let sp = sptep(global: rmapEntry(gfn: gfn, k))
            p.perturb(.wpScan)
            var spte = p.load(sp)
            while true {
                let s = SPTE(raw: spte)
                var clear = SPTE.writableMask
                if ops.isVCPUID {
                    if ops.writeProtectClearsID { clear |= layout.idMask }
                } else if ops.writeProtectClearsMMUWritable {
                    clear |= SPTE.mmuWritableMask
                }
                if spte & clear == 0 { break }
                let new = spte & ~clear
                // The fast path may race: an atomic exchange, never a plain store.
                let r = p.compareExchange(sp, expected: spte, desired: new)
                if r.exchanged {
                    if s.isWritable { needFlush = true }
                    p.trace(.wpClear, gfn: gfn, spte, new)
                    break
                }
                spte = r.original
            }
        }
        if needFlush && ops.writeProtectFlushes { flushRemoteTLBs(p, gfn: gfn) }
        p.store(protection + gfn, Protection.protected)
        p.trace(.wpDone, gfn: gfn)
        // wp-safety, decided under the mmu-lock right after the scan and the
        // flush: nothing may make these sptes writable any more (sound: the
        // flag is visible to every fast path that has not yet passed its
        // check, and every one that has either succeeded before our scan,
        // which then cleared W, or finds its identification gone).
        auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableAfterProtect)
    }

    /// wp-safety audit of one protected gfn. Caller holds the mmu-lock.
    public func auditWriteProtected<P: Platform>(_ p: P, gfn: Int, checker: ViolationSink, detail: ViolationDetail) {
        for k in 0..<rmapCountOf(gfn: gfn) {
            let sp = sptep(global: rmapEntry(gfn: gfn, k))
            let spte = p.load(sp)
            if spte & SPTE.presentMask != 0 && spte & SPTE.writableMask != 0 {
                checker.report(p, .wpSafety, detail, vcpu: nil, gfn: gfn, spteA: spte)
                return
            }
        }
    }

    /// The end of a persistent protection (the shadow page for it went away):
    /// clear the flag; later write faults may make the gfn writable again.
    public func unprotect<P: Platform>(_ p: P, gfn: Int) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.unprotects)
        p.store(protection + gfn, Protection.none)
        p.store(rmapFlags + gfn, rmapFlags[gfn] & ~VM.pteListWriteProtect)
        p.trace(.unprotect, gfn: gfn)
    }

    /// Periodic audit under the mmu-lock: every protected gfn's sptes.
    public func audit<P: Platform>(_ p: P, checker: ViolationSink) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.audits)
        for gfn in 0..<frames where p.load(protection + gfn) == Protection.protected {
            auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableInAudit)
        }
    }
}
