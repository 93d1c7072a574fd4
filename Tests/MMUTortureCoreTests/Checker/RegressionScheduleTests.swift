import XCTest
@testable import MMUTortureCore

/// The model's own bugs that raised false alarms on the correct protocols,
/// each pinned by the interleaving that showed it: explored exhaustively by
/// the simulator (bounded DFS), or written by hand.
final class RegressionScheduleTests: XCTestCase {
    /// The slow path's in-place upgrade of a present spte (same pfn) read
    /// the spte, then updated it keeping A/D only. A fast path that made it
    /// writable in between lost its W without a TLB flush; its vCPU kept a
    /// writable TLB entry, a later write-protect saw a read-only spte and did
    /// not flush, and the stale entry wrote into the protected gfn
    /// (wp-safety, and flush-before-unlock at the slow path's unlock).
    ///
    /// vCPU 0: a read fault's slow path on gfn 5 (its spte present, read-only).
    /// vCPU 1: a write to gfn 5 (fast path fixes W, the walk fills the TLB),
    ///         then, once write-protect returned, another write.
    /// MMU:    write-protect(5) once both are done.
    /// The schedules, written by hand: vCPU 0 runs first and is preempted
    /// once, at its k-th step for every k (so at every point of its critical
    /// section), in favour of vCPU 1; from then on no preemption. Sequentially
    /// consistent memory (the race is one of interleaving, not of store
    /// buffers), both protocols.
    func testSlowPathUpgradeKeepsOrFlushesAFastPathW() {
        for protocolName in [ProtocolName.vcpuID, .mmuWritable] {
            var explored = 0, violations = 0
            var o = SimExecutor.Options()
            o.memoryModel = .sc
            o.stepLimit = 200_000
            o.stackSize = 256 * 1024
            o.auditEveryCriticalSection = true
            let ex = SimExecutor(threadCount: 3, options: o)
            for k in 1...200 {
                let scheduler = PreemptOnce(victim: 0, atStep: k, to: 1)
                var config = VMConfig()
                config.frames = 16
                config.vcpus = 2
                config.poolPages = 64
                config.ops = ProtocolVariants.ops(protocolName, mutant: .none)
                let storage = VMStorage(config: config)
                let vm = storage.vm
                let log = ViolationLog()
                let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
                let locals = UnsafeMutablePointer<VCPULocal>.allocate(capacity: 2)
                for i in 0..<2 {
                    (locals + i).initialize(to: VCPULocal(id: i, identification: UInt64(i + 1), tlbEntries: 4))
                }
                let flags = UnsafeMutablePointer<UInt64>.allocate(capacity: 3)
                flags.initialize(repeating: 0, count: 3)
                defer {
                    locals[0].deallocate(); locals[1].deallocate(); locals.deallocate(); flags.deallocate()
                }
                // The spte of gfn 5: present, read-only, installed by vCPU 0.
                let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
                state.initialize(to: ThreadState(depth: 8, seed: 1))
                let native = NativePlatform<NoRCU>(threadIndex: 0, state: state, perturbation: .off)
                XCTAssertEqual(vm.slowPageFault(native, locals, addr: 5, gfn: 5, write: false, checker: checker), .installed)
                state.deallocate()
                locals[1].root = locals[0].root   // both vCPUs run on the same root
                let gfn = 5
                let v0 = locals, v1 = locals + 1
                let bodies: [SimExecutor.Body] = [
                    { p in
                        _ = vm.slowPageFault(p, v0, addr: gfn, gfn: gfn, write: false, checker: checker)
                        p.store(flags, 1)
                    },
                    { p in
                        vm.enterGuest(p, v1)
                        for _ in 0..<4 {
                            if vm.guestAccess(p, v1, addr: gfn, gfn: gfn, write: true, checker: checker).done { break }
                            vm.exitGuest(p, v1)
                            _ = vm.handleFault(p, v1, addr: gfn, gfn: gfn, write: true, spte: p.load(vm.sptep(global: vm.rmapEntry(gfn: gfn, 0))),
                                               checker: checker)
                            vm.enterGuest(p, v1)
                        }
                        vm.exitGuest(p, v1)
                        p.store(flags + 1, 1)
                        while p.load(flags + 2) == 0 { p.relax() }
                        vm.enterGuest(p, v1)
                        _ = vm.guestAccess(p, v1, addr: gfn, gfn: gfn, write: true, checker: checker)
                        vm.exitGuest(p, v1)
                    },
                    { p in
                        while p.load(flags) == 0 || p.load(flags + 1) == 0 { p.relax() }
                        vm.writeProtect(p, gfn: gfn, checker: checker)
                        p.store(flags + 2, 1)
                    },
                ]
                guard let e = ex.run(scheduler: scheduler, bodies) else { break }
                XCTAssertEqual(e.outcome, .completed)
                explored += 1
                if log.total > 0 {
                    violations += 1
                    if violations == 1 {
                        XCTFail("\(protocolName.rawValue): \(log.records().map { "\($0.invariant.rawValue): \($0.detail.text)" }) under schedule \(e.schedule)")
                    }
                }
                withExtendedLifetime(storage) {}
            }
            XCTAssertEqual(explored, 200)
            XCTAssertEqual(violations, 0, protocolName.rawValue)
        }
    }

    /// The dirty-log harvest flushed only when it cleared a W itself. A gfn
    /// it logged whose spte was already read-only while a TLB still cached
    /// W (the state the slow-path bug above left behind) was copied without
    /// a flush; the stale entry then wrote without faulting, so the write
    /// was never logged (dirty-log). The kernel flushes whenever anything
    /// was logged (kvm_vm_ioctl_get_dirty_log's `is_dirty`). Written by hand.
    func testHarvestFlushesWheneverItLoggedAGFN() {
        for protocolName in [ProtocolName.vcpuID, .mmuWritable] {
            let f = PathFixture(protocolName: protocolName)
            f.write(7)                                            // W spte, writable TLB entry, gfn 7 dirty
            f.spte(7).pointee &= ~SPTE.writableMask               // read-only behind the TLB's back
            f.vm.harvestDirtyLog(f.p, checker: f.checker)         // logs 7: must flush
            f.write(7)                                            // through the TLB only if it was not flushed
            f.vm.finalDirtyLogCheck(f.p, checker: f.checker)
            XCTAssertEqual(f.reported, [], protocolName.rawValue)
        }
    }
}

extension RegressionScheduleTests {
    /// Found by the deterministic search (mmu-writable, shadow paging, seed
    /// 1, execution 1184: a false dirty-log alarm). A slow fault's transient
    /// reference to a host page outlived the page's unmap (written back to
    /// swap then), a refault onto a new page, new writes and a second unmap;
    /// when the stale reference finally went, freeing the old page wrote
    /// its stale data back over swap. Freeing no longer writes back: unmap
    /// did. The interleaving, written by hand on one thread.
    func testFreeingAnUnmappedPageDoesNotOverwriteSwap() {
        let f = PathFixture(protocolName: .mmuWritable)
        let vm = f.vm, p = f.p
        f.write(21)
        let first = vm.pfnData[Int(vm.hostPT[21] - 1)]
        // A slow fault took a reference to the page, then lost the race.
        guard let old = vm.gfnToPFN(p, gfn: 21, write: false, checker: f.checker) else { return XCTFail("no page") }
        vm.invalidatePage(p, gfn: 21, sharedAfter: false, checker: f.checker)   // unmap: swap = first
        XCTAssertEqual(vm.swap[21], first)
        f.write(21)                                                             // refault onto a new page
        let second = vm.pfnData[Int(vm.hostPT[21] - 1)]
        XCTAssertNotEqual(second, first)
        vm.invalidatePage(p, gfn: 21, sharedAfter: false, checker: f.checker)   // unmap again: swap = second
        p.lock(vm.mmuLock)
        vm.putPage(p, pfn: old, checker: f.checker)                             // the stale reference goes
        p.unlock(vm.mmuLock)
        XCTAssertEqual(vm.pfnState[old] & VM.pfnFreed, VM.pfnFreed)
        XCTAssertEqual(vm.swap[21], second, "the old page's data must not come back")
        vm.finalDirtyLogCheck(p, checker: f.checker)
        XCTAssertEqual(f.reported, [])
    }
}

/// A scheduler for a hand-written interleaving: `victim` runs first and is
/// preempted once, after its `atStep`-th step, in favour of `to`; otherwise
/// the current thread continues while it can (non-preemptive).
final class PreemptOnce: SimScheduler {
    let victim: Int, atStep: Int, to: Int
    var victimSteps = 0
    var switched = false

    init(victim: Int, atStep: Int, to: Int) {
        self.victim = victim
        self.atStep = atStep
        self.to = to
    }

    func beginExecution(threadCount: Int) -> Bool {
        victimSteps = 0
        switched = false
        return true
    }

    func next(_ decision: SimDecision) -> SimChoice {
        if decision.current == -1 && decision.enabled.canRun(victim) { return .run(victim) }
        if decision.current == victim { victimSteps += 1 }
        if !switched && decision.current == victim && victimSteps >= atStep && decision.enabled.canRun(to) {
            switched = true
            return .run(to)
        }
        return decision.nonPreemptiveChoice
    }

    var dataSeed: UInt64 { 0 }
    func nextRandom() -> UInt64 { 0 }
}
