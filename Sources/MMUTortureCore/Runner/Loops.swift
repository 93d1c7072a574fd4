/// The thread bodies: a vCPU running its guest workload, and an mmu-lock
/// thread running write-protect and friends. Both are generic over the
/// platform and run unchanged natively and (later) simulated.

/// Relative weights of what an mmu-lock thread does.
public struct MMUWeights: Hashable, Sendable {
    /// Write-protect a gfn (docs/protocols.md). Key `mmu.write_protect`, default 4.
    public var writeProtect = 4
    /// Lift the write protection of a gfn. Key `mmu.unprotect`, default 4.
    public var unprotect = 4
    /// Harvest the dirty log. Key `mmu.dirty_log`, default 1.
    public var dirtyLog = 1
    /// Zap all shadow pages, making them obsolete. Key `mmu.zap_all`, default 1.
    public var zapAll = 1
    /// MMU-notifier invalidation of a range of host pages. Key `mmu.invalidate_range`, default 2.
    public var invalidateRange = 2
    /// MMU-notifier invalidation of one host page. Key `mmu.invalidate_page`, default 1.
    public var invalidatePage = 1
    /// An incremental audit of the invariants under the mmu-lock. Key `mmu.audit`, default 1.
    public var audit = 1
    /// Swarm testing of the mix (Groce et al., "Swarm Testing", ISSTA
    /// 2012): each run (natively) or each execution (deterministic mode)
    /// keeps each operation of nonzero weight by a seeded coin flip, at
    /// least one, and every mmu-lock thread of it uses that subset. A race
    /// between two rare operations (two mmu threads in dirty logging's
    /// enable and collapse at once) is then common in some executions
    /// instead of rare in all. Key `mmu.swarm`, default false.
    public var swarm = false
    public init() {}

    /// The weights of a run or an execution: these, or with `swarm` the
    /// subset that `master` (a run's seed, an execution's data seed) picks
    /// from its stream `(.swarm, 1)` (the perturbation points' swarm is
    /// stream 0): each nonzero weight kept by a coin flip; when no coin
    /// keeps one, one drawn operation alone.
    public func swarmed(master: UInt64) -> MMUWeights {
        guard swarm else { return self }
        var rng = Xoshiro256StarStar(seed: deriveSeed(master, .swarm, 1))
        let on = MMUWeights.keyPaths.filter { self[keyPath: $0.1] > 0 }
        guard on.count > 1 else { return self }
        var kept = on.filter { _ in rng.next() & 1 == 1 }
        if kept.isEmpty { kept = [on[rng.below(on.count)]] }
        var w = self
        for (op, path) in on where !kept.contains(where: { $0.0 == op }) { w[keyPath: path] = 0 }
        return w
    }

    /// Each operation with its weight's key path, in `table`'s order (and
    /// the config schema's).
    public static let keyPaths: [(MMUOperation, WritableKeyPath<MMUWeights, Int>)] = [
        (.writeProtect, \.writeProtect), (.unprotect, \.unprotect), (.dirtyLog, \.dirtyLog), (.zapAll, \.zapAll),
        (.invalidateRange, \.invalidateRange), (.invalidatePage, \.invalidatePage), (.audit, \.audit),
    ]

    /// The largest weight a config may give one operation.
    public static let maxWeight = 1_000_000

    /// The sum of the weights (0 when every operation is off).
    public var totalWeight: Int { table.reduce(0) { $0 &+ $1.1 } }

    /// The operations with their weights.
    public var table: [(MMUOperation, Int)] { MMUWeights.keyPaths.map { ($0.0, self[keyPath: $0.1]) } }
}

public enum MMUOperation: Int, Sendable {
    case writeProtect, unprotect, dirtyLog, zapAll, invalidateRange, invalidatePage, audit

    /// The operation's weight key in section `mmu`.
    public var key: String {
        switch self {
        case .writeProtect: return "write_protect"
        case .unprotect: return "unprotect"
        case .dirtyLog: return "dirty_log"
        case .zapAll: return "zap_all"
        case .invalidateRange: return "invalidate_range"
        case .invalidatePage: return "invalidate_page"
        case .audit: return "audit"
        }
    }
}

extension VM {
    /// Accesses per guest-mode batch: requests are honoured between accesses,
    /// QSBR quiescent states are reported between batches.
    static let guestBatch = 64

    /// A vCPU thread: guest accesses in guest mode, faults handled outside.
    /// `budget` = accesses to perform (0 = until stopped).
    public func vcpuLoop<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, sampler: WorkloadSampler,
                                      budget: UInt64, checker: ViolationSink) {
        let stop = global(Global.stop)
        var done: UInt64 = 0
        while p.load(stop) == 0 && (budget == 0 || done < budget) {
            enterGuest(p, v)
            var i = 0
            while i < VM.guestBatch {
                handleRequests(p, v)
                let (addr, write) = sampler.next(&p.state.pointee.rng)
                let gfn = translate(addr)
                var attempts = 0
                while true {
                    let r = guestAccess(p, v, addr: addr, gfn: gfn, write: write, checker: checker)
                    if r.done { break }
                    exitGuest(p, v)
                    let completed = handleFault(p, v, addr: addr, gfn: gfn, write: write, spte: r.spte, checker: checker)
                    enterGuest(p, v)
                    attempts &+= 1
                    if completed || attempts > 32 { break }
                }
                i &+= 1
            }
            exitGuest(p, v)
            // tdp-mmu: now and then the vCPU unloads its root
            // (`kvm_mmu_unload`: a reset, a mode switch) and later takes a
            // valid one again; only the MMU's reference keeps a root alive.
            if isTDP && v.pointee.root != 0 && p.state.pointee.rng.below(8) == 0 { dropRoot(p, v, gfn: -1) }
            p.quiescentState()
            p.state.pointee.heartbeat &+= 1
            done &+= UInt64(VM.guestBatch)
        }
        exitGuest(p, v)
    }

    /// A VM exit for a page fault: the fast path first when it applies, then
    /// the slow path. Returns true when the access itself was completed
    /// (an emulated write); false when the guest should retry it.
    @inline(__always)
    public func handleFault<P: Platform>(_ p: P, _ v: UnsafeMutablePointer<VCPULocal>, addr: Int, gfn: Int, write: Bool,
                                         spte: UInt64, checker: ViolationSink) -> Bool {
        p.count(.faults)
        p.trace(.fault, gfn: gfn, spte, write ? 1 : 0)
        // The fast path: a write fault with P = 1 (error code PRESENT|WRITE).
        if write && spte & SPTE.presentMask != 0 && ops.fastPathEnabled {
            if ops.isVCPUID && v.pointee.identification == 0 {
                p.count(.fastIneligible)   // past the layout's id limit
            } else {
                switch fastPageFault(p, v, addr: addr, gfn: gfn, checker: checker) {
                case .fixed: p.count(.fastFixed); return false
                case .spurious: p.count(.fastSpurious); return false
                case .flagSeen: p.count(.fastFlagSeen)
                case .slowPath: p.count(.fastToSlow)
                case .retriesExhausted: p.count(.fastToSlow)
                }
            }
        }
        let slow = isTDP ? tdpPageFault(p, v, addr: addr, gfn: gfn, write: write, checker: checker)
                         : slowPageFault(p, v, addr: addr, gfn: gfn, write: write, checker: checker)
        switch slow {
        case .emulated: return true
        case .installed, .refault, .outOfPages: return false
        }
    }

    /// An mmu-lock thread: write-protect and unprotect hot gfns (so the race
    /// windows are actually hit), audit now and then.
    public func mmuLoop<P: Platform>(_ p: P, weights: MMUWeights, hotFrames: Int, checker: ViolationSink,
                                     keepRunning: () -> Bool) {
        let stop = global(Global.stop)
        let table = weights.table.filter { $0.1 > 0 }
        let total = table.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return }
        let hot = max(1, min(hotFrames, frames))
        // tdp-mmu: the first mmu thread picks the run's dirty-logging mode
        // (W or D bits), so that seeds cover both.
        if isTDP && p.threadIndex == vcpuCount {
            p.store(tdp.dirtyLogMode, UInt64(p.state.pointee.rng.below(2)))
        }
        // The gfns this thread protected, most recent last.
        let capacity = max(1, min(32, hot / 2))
        var auditCursor = 0
        var pageCursor = 0
        var protected: [Int] = []
        protected.reserveCapacity(capacity)
        while p.load(stop) == 0 && keepRunning() {
            var pick = p.state.pointee.rng.below(total)
            var op = table[0].0
            for (candidate, w) in table {
                if pick < w { op = candidate; break }
                pick -= w
            }
            p.state.pointee.activity = UInt64(op.rawValue + 1)
            switch op {
            case .writeProtect:
                if protected.count >= capacity {
                    let i = p.state.pointee.rng.below(protected.count)
                    unprotect(p, gfn: protected.remove(at: i))
                }
                let gfn = translate(p.state.pointee.rng.below(hot))
                if p.load(protection + gfn) == Protection.none {
                    if isTDP { tdpWriteProtectGFN(p, gfn: gfn, checker: checker) } else { writeProtect(p, gfn: gfn, checker: checker) }
                    protected.append(gfn)
                }
            case .dirtyLog:
                if isTDP { tdpDirtyLogOperation(p, checker: checker) } else { harvestDirtyLog(p, checker: checker) }
            case .zapAll:
                if isTDP {
                    tdpZapAllFast(p, zapNow: p.state.pointee.rng.below(2) == 0, checker: checker)
                } else {
                    zapAllObsolete(p, checker: checker)
                }
            case .invalidateRange:
                let count = 1 + p.state.pointee.rng.below(8)
                let first = translate(p.state.pointee.rng.below(hot))
                if isTDP {
                    tdpInvalidateRange(p, firstGFN: first, count: count, checker: checker)
                } else {
                    invalidateRange(p, firstGFN: first, count: count, checker: checker)
                }
            case .invalidatePage:
                let gfn = translate(p.state.pointee.rng.below(hot))
                if isTDP {
                    tdpInvalidateRange(p, firstGFN: gfn, count: 1, sharedAfter: p.state.pointee.rng.below(4) == 0, checker: checker)
                } else {
                    invalidatePage(p, gfn: gfn, sharedAfter: p.state.pointee.rng.below(4) == 0, checker: checker)
                }
            case .unprotect:
                if !protected.isEmpty {
                    let i = p.state.pointee.rng.below(protected.count)
                    unprotect(p, gfn: protected.remove(at: i))
                }
            case .audit:
                // 64 gfns and 2 shadow pages at a time, round robin, plus the hot set.
                audit(p, gfns: auditCursor..<(auditCursor + 64), pages: pageCursor..<(pageCursor + 2), checker: checker)
                audit(p, gfns: 0..<min(hot, 64), checker: checker)
                auditCursor = auditCursor + 64 >= frames ? 0 : auditCursor + 64
                pageCursor = pageCursor + 2 >= pageCount ? 0 : pageCursor + 2
            }
            p.quiescentState()
            p.state.pointee.heartbeat &+= 1
        }
        for gfn in protected { unprotect(p, gfn: gfn) }
    }
}
