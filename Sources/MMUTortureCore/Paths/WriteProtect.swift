/// Write-protect, unprotect and the remote TLB flush (PROTOCOL.md 2.3).

extension VM {
    /// `kvm_flush_remote_tlbs`: request a flush from every vCPU and wait for
    /// each one that is in guest mode to acknowledge it. A vCPU outside guest
    /// mode will honour the request before it enters again (Dekker: request
    /// set by a locked RMW, then mode load; the vCPU stores mode, smp_mb,
    /// loads requests). Caller holds the mmu-lock.
    public func flushRemoteTLBs<P: Platform>(_ p: P, gfn: Int = -1) {
        flushRemoteTLBs(p, gfn: gfn, extraRequest: 0)
    }

    /// The flush, optionally with another request (an MMU reload) that the
    /// vCPUs must honour in the same handshake.
    func flushRemoteTLBs<P: Platform>(_ p: P, gfn: Int, extraRequest: UInt64) {
        p.trace(.flushRequest, gfn: gfn)
        p.count(.tlbFlushes)
        let start = p.load(global(Global.mmuEvent)) + 1
        p.store(global(Global.mmuEvent), start)
        let request = VM.requestTLBFlush | extraRequest
        for vcpu in 0..<vcpuCount {
            _ = p.fetchOr(vcpuWord(vcpu, VCPUWord.requests), request)
        }
        waitForAcknowledgements(p, request: request)
        p.store(global(Global.lastFlushStart), start)
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
            p.store(rmapFlags + gfn, p.load(rmapFlags + gfn) | VM.pteListWriteProtect)
            p.trace(.wpFlagSet, gfn: gfn)
            // ...so this barrier is what orders it before the spte loads
            // (Dekker with the fast path's id store, smp_mb, flag load).
            if ops.writeProtectBarrier { p.fullBarrier() }
        } else {
            // The merged protocol has no flag; the slow path consults it too.
            p.store(rmapFlags + gfn, p.load(rmapFlags + gfn) | VM.pteListWriteProtect)
        }
        var needFlush = false
        for k in 0..<rmapCountOf(gfn: gfn) {
            let sp = sptep(global: rmapEntry(gfn: gfn, k))
            p.perturb(.wpScan)
            var clear = SPTE.writableMask
            if ops.isVCPUID {
                if ops.writeProtectClearsID { clear |= layout.idMask }
            } else if ops.writeProtectClearsMMUWritable {
                clear |= SPTE.mmuWritableMask
            }
            // The fast path may race: an atomic update, never a plain store.
            if let old = clearSPTEBits(p, sp: sp, gfn: gfn, mask: clear) {
                if old & SPTE.writableMask != 0 { needFlush = true }
                p.trace(.wpClear, gfn: gfn, old, old & ~clear)
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
        if ops.checks { auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableAfterProtect) }
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
        p.store(rmapFlags + gfn, p.load(rmapFlags + gfn) & ~VM.pteListWriteProtect)
        p.trace(.unprotect, gfn: gfn)
    }

    /// Periodic audit under the mmu-lock (and the end-of-run one): every
    /// rmap spte against its page, its gfn and its host page, and every
    /// protected gfn. Sound: under the mmu-lock no rmap, no leaf install and
    /// no host free can run; lockless paths change only W, A, D and ids.
    public func audit<P: Platform>(_ p: P, checker: ViolationSink) {
        audit(p, gfns: 0..<frames, checker: checker)
    }

    /// The audit of a window of gfns (the mmu threads audit incrementally,
    /// so that an audit never holds the mmu-lock for long).
    public func audit<P: Platform>(_ p: P, gfns: Range<Int>, checker: ViolationSink) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.audits)
        for gfn in gfns.clamped(to: 0..<frames) {
            let n = rmapCountOf(gfn: gfn)
            for k in 0..<n {
                let global = rmapEntry(gfn: gfn, k)
                let page = global / 512, index = global % 512
                let spte = p.load(sptep(global: global))
                // gfn-consistency: the gfn the paths compute for this slot
                // (pageGFN, as the fast path marks dirty) is the rmap's gfn.
                let computed = pageGFN(p, page: page, index: index)
                if computed != UInt64(gfn) {
                    checker.report(p, .gfnConsistency, .gfnMismatch, vcpu: nil, gfn: gfn, spteA: spte, spteB: computed)
                    return
                }
                // host-page: no spte maps a page the host has freed.
                if spte & SPTE.presentMask != 0 && spte & SPTE.leafMask != 0 {
                    let pfn = Int(SPTE(raw: spte).pfn)
                    if pfn >= pfnCount || p.load(pfnState + pfn) & VM.pfnFreed != 0 {
                        checker.report(p, .hostPage, .freedHostPageMapped, vcpu: nil, gfn: gfn, spteA: spte)
                        return
                    }
                }
                // obsolete: no rmap spte lives in an obsolete page (zap drops them).
                if isObsolete(p, page: page) {
                    checker.report(p, .obsolete, .obsoletePageReturned, vcpu: nil, gfn: gfn, spteA: spte, spteB: UInt64(page))
                    return
                }
            }
            if p.load(protection + gfn) == Protection.protected {
                auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableInAudit)
            }
        }
    }
}
