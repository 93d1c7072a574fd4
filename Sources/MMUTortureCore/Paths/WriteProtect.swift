/// Write-protect, unprotect and the remote TLB flush (docs/protocols.md).

extension VM {
    /// `kvm_flush_remote_tlbs`: request a flush from every vCPU and wait for
    /// each one that is in guest mode to acknowledge it. A vCPU outside guest
    /// mode will honour the request before it enters again (Dekker: request
    /// set by a locked RMW, then mode load; the vCPU stores mode, smp_mb,
    /// loads requests). Caller holds the mmu-lock.
    public func flushRemoteTLBs<P: Platform>(_ p: P, gfn: Int = -1,
                                             file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        flushRemoteTLBs(p, gfn: gfn, extraRequest: 0, file: file, line: line, column: column)
    }

    /// The flush, optionally with another request (an MMU reload) that the
    /// vCPUs must honour in the same handshake.
    func flushRemoteTLBs<P: Platform>(_ p: P, gfn: Int, extraRequest: UInt64,
                                      file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        // The caller's site: each flush of the paths is a site of its own
        // (mutants drop-flush and no-wait, docs/mutation.md).
        let site = OperationSite(file: file, line: line, column: column)
        guard p.performs(.remoteFlush, at: site) else { return }
        p.trace(.flushRequest, gfn: gfn)
        p.count(.tlbFlushes)
        // The flush clock is the checker's (flush-before-unlock, tlb-coherence).
        let start = p.ghostLoad(global(Global.mmuEvent)) + 1
        p.ghostStore(global(Global.mmuEvent), start)
        let request = VM.requestTLBFlush | extraRequest
        for vcpu in 0..<vcpuCount {
            _ = p.fetchOr(vcpuWord(vcpu, VCPUWord.requests), request)
        }
        if p.performs(.flushWait, at: site) { waitForAcknowledgements(p, request: request) }
        p.ghostStore(global(Global.lastFlushStart), start)
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
        p.count(.writeProtects)
        p.ghostStore(protection + gfn, Protection.protecting)
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
            if let old = clearSPTEBits(p, sp: sp, gfn: gfn, mask: clear, checker: checker) {
                if old & SPTE.writableMask != 0 { needFlush = true }
                p.trace(.wpClear, gfn: gfn, old, old & ~clear)
            }
        }
        // The flush belongs before the unlock (kvm_flush_remote_tlbs under
        // the mmu-lock); mutant flush-after-unlock does it after.
        let flush = needFlush && ops.writeProtectFlushes
        if flush && !ops.flushAfterUnlock { flushRemoteTLBs(p, gfn: gfn) }
        if flush && ops.flushAfterUnlock {
            unlockMMU(p, checker: checker)
            flushRemoteTLBs(p, gfn: gfn)
            p.lock(mmuLock)
        }
        p.ghostStore(protection + gfn, Protection.protected)
        p.trace(.wpDone, gfn: gfn)
        // wp-safety, decided under the mmu-lock right after the scan and the flush.
        if checks { auditWriteProtected(p, gfn: gfn, checker: checker, detail: .writableAfterProtect) }
        unlockMMU(p, checker: checker)
    }

    /// The end of a persistent protection (the shadow page for it went away):
    /// clear the flag; later write faults may make the gfn writable again.
    public func unprotect<P: Platform>(_ p: P, gfn: Int) {
        p.lock(mmuLock)
        defer { p.unlock(mmuLock) }
        p.count(.unprotects)
        p.ghostStore(protection + gfn, Protection.none)
        p.store(rmapFlags + gfn, p.load(rmapFlags + gfn) & ~VM.pteListWriteProtect)
        p.trace(.unprotect, gfn: gfn)
    }
}
