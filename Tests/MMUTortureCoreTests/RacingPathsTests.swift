import XCTest
import MMUTortureCore
import URCUShim
#if canImport(Glibc)
import Glibc
#endif

/// Zap-obsolete, notifier invalidation and dirty logging, path by path.
final class RacingPathsTests: XCTestCase {
    typealias Fixture = PathFixture

    /// A zapped page is unreachable through the hash at once, yet stays
    /// readable (not poisoned) while a reader that may hold it is inside its
    /// read-side section; it is freed (poisoned) only after the grace period.
    func testZappedPageIsUnhashedAtOnceAndFreedAfterTheGracePeriod() {
        var config = VMConfig()
        config.vcpus = 1
        let storage = VMStorage(config: config)
        let vm = storage.vm
        let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 2)
        state.initialize(to: ThreadState(depth: 16, seed: 1))
        (state + 1).initialize(to: ThreadState(depth: 16, seed: 2))
        let log = ViolationLog()
        let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
        let v = UnsafeMutablePointer<VCPULocal>.allocate(capacity: 1)
        v.initialize(to: VCPULocal(id: 0, identification: 1, tlbEntries: 16))
        let p0 = NativePlatform<MembRCU>(threadIndex: 0, state: state, perturbation: .off)
        XCTAssertEqual(vm.slowPageFault(p0, v, addr: 100, gfn: 100, write: false, checker: checker), .installed)
        let root = v.pointee.root - 1
        XCTAssertEqual(vm.header(root, SPHeader.magic).pointee, SPHeader.liveMagic)

        let inside = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        inside.initialize(repeating: 0, count: 2)
        let reader = spawnRCUThread(MembRCU.self) {
            MembRCU.readLock()
            mmut_store_release(inside, 1)
            while mmut_load_acquire(inside + 1) == 0 { usleep(1000) }
            MembRCU.readUnlock()
        }
        while mmut_load_acquire(inside) == 0 { usleep(1000) }
        let zapDone = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        zapDone.initialize(to: 0)
        let zapper = spawnRCUThread(MembRCU.self) {
            vm.zapAllObsolete(NativePlatform<MembRCU>(threadIndex: 1, state: state + 1, perturbation: .off), checker: checker)
            mmut_store_release(zapDone, 1)
        }
        usleep(200_000)
        XCTAssertEqual(mmut_load_acquire(zapDone), 0, "zap returned while a reader was inside its read-side section")
        XCTAssertEqual(vm.header(root, SPHeader.magic).pointee, SPHeader.liveMagic, "freed before the grace period ended")
        XCTAssertEqual(vm.header(root, SPHeader.hashNext).pointee, SPHeader.unhashed, "still on the hash")
        // A lookup now builds a new root rather than returning the zapped one.
        vm.mmuLock.lockForTest()
        let fresh = vm.getPage(p0, gfn: 0, role: ShadowPageRole(level: 4, direct: true), checker: checker)
        vm.mmuLock.unlockForTest()
        XCTAssertNotNil(fresh)
        XCTAssertNotEqual(fresh, root)
        mmut_store_release(inside + 1, 1)
        reader.join()
        zapper.join()
        XCTAssertEqual(vm.header(root, SPHeader.magic).pointee, SPHeader.poisonMagic, "freed (poisoned) after the grace period")
        XCTAssertEqual(log.total, 0)
        XCTAssertGreaterThan(state[1].value(.shadowPagesFreed), 0)
    }

    /// The slow path refaults while an invalidation is in progress; the
    /// no-notifier-retry mutant installs anyway.
    func testSlowFaultRetriesWhileAnInvalidationIsInProgress() {
        for mutant in [MutantName.none, .noNotifierRetry] {
            let f = Fixture(mutant: mutant)
            f.vm.global(VM.Global.notifierCount).pointee = 1   // invalidate_range_start ran
            let r = f.vm.slowPageFault(f.p, f.vcpu, addr: 5, gfn: 5, write: false, checker: f.checker)
            XCTAssertEqual(r, mutant == .none ? .refault : .installed)
            f.vm.global(VM.Global.notifierCount).pointee = 0
            XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: 5, gfn: 5, write: false, checker: f.checker), .installed)
        }
    }

    /// Invalidation zaps the sptes, the host frees the page (poisoned), and
    /// the next fault maps a fresh page with the content from swap.
    func testInvalidationFreesThePageAndRefaultRestoresItsContent() {
        let f = Fixture()
        f.write(7)
        XCTAssertEqual(f.vm.rmapCountOf(gfn: 7), 1)
        let oldPFN = Int(f.vm.hostPT[7] - 1)
        let written = f.vm.pfnData[oldPFN]
        XCTAssertNotEqual(written, 0)
        f.vm.invalidateRange(f.p, firstGFN: 7, count: 1, checker: f.checker)
        XCTAssertEqual(f.vm.rmapCountOf(gfn: 7), 0)
        XCTAssertEqual(f.vm.hostPT[7], 0)
        XCTAssertEqual(f.vm.pfnState[oldPFN] & VM.pfnFreed, VM.pfnFreed)
        XCTAssertEqual(f.vm.pfnData[oldPFN], VM.poisonData)
        f.vcpu.pointee.flushTLB()
        XCTAssertFalse(f.vm.guestAccess(f.p, f.vcpu, addr: 7, gfn: 7, write: false, checker: f.checker).done)
        XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: 7, gfn: 7, write: false, checker: f.checker), .installed)
        let newPFN = Int(f.vm.hostPT[7] - 1)
        XCTAssertNotEqual(newPFN, oldPFN)
        XCTAssertEqual(f.vm.pfnData[newPFN], written, "a dirty page is written back to swap and read back in")
        XCTAssertEqual(f.log.total, 0)
    }

    /// A harvest leaves no written page unlogged, in every paging mode.
    func testHarvestLogsEveryWrittenPage() {
        for paging in PagingMode.allCases {
            let f = Fixture(paging: paging)
            for addr in [1, 2, 600, 700, 1500] { f.write(addr) }
            f.vm.harvestDirtyLog(f.p, checker: f.checker)
            for addr in [2, 700, 2000] { f.write(addr) }   // written again after the harvest: faults, logged again
            f.vm.finalDirtyLogCheck(f.p, checker: f.checker)
            XCTAssertEqual(f.log.total, 0, "\(paging): \(f.log.records().first.map { "\($0.invariant)" } ?? "")")
            XCTAssertGreaterThan(f.state.pointee.value(.pagesLogged), 0)
        }
    }

    /// ignore-quadrant: on a 32-bit guest the fast path marks the wrong gfn
    /// dirty, so the write is never logged (dirty-log) and the audit sees
    /// the computed gfn differ from the rmap's (gfn-consistency).
    func testIgnoreQuadrantLosesDirtyLogAndBreaksGFNConsistency() {
        let f = Fixture(mutant: .ignoreQuadrant, paging: .shadow32)
        let addr = 512 + 3   // quadrant 1 of the first 4 MiB page
        XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: addr, gfn: addr, write: false, checker: f.checker), .installed)
        XCTAssertEqual(f.vm.fastPageFault(f.p, f.vcpu, addr: addr, gfn: addr, checker: f.checker), .fixed)
        XCTAssertEqual(f.vm.dirtyBitmap[addr], 0, "the fast path marked gfn \(addr - 512) instead")
        XCTAssertEqual(f.vm.dirtyBitmap[addr - 512], 1)
        f.write(addr)
        f.vm.audit(f.p, checker: f.checker)
        XCTAssertEqual(f.log.records().first?.invariant, .gfnConsistency)
        let g = Fixture(mutant: .ignoreQuadrant, paging: .shadow32)
        g.log.stopOnFirst = false
        XCTAssertEqual(g.vm.slowPageFault(g.p, g.vcpu, addr: addr, gfn: addr, write: false, checker: g.checker), .installed)
        g.write(addr)
        g.vm.finalDirtyLogCheck(g.p, checker: g.checker)
        XCTAssertTrue(g.log.records().contains { $0.invariant == .dirtyLog })
    }

    /// A read-only (KSM-like) host page keeps the fast path out: the write
    /// breaks the sharing in the slow path.
    func testReadOnlyHostPageGoesToTheSlowPath() {
        let f = Fixture()
        f.vm.invalidatePage(f.p, gfn: 9, sharedAfter: true, checker: f.checker)
        XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: 9, gfn: 9, write: false, checker: f.checker), .installed)
        let sp = f.vm.sptep(global: f.vm.rmapEntry(gfn: 9, 0))
        XCTAssertFalse(SPTE(raw: sp.pointee).isHostWritable)
        XCTAssertEqual(f.vm.fastPageFault(f.p, f.vcpu, addr: 9, gfn: 9, checker: f.checker), .slowPath)
        // Breaking the sharing is an invalidation: this fault refaults...
        XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: 9, gfn: 9, write: true, checker: f.checker), .refault)
        // ...and the next one maps the private writable copy.
        XCTAssertEqual(f.vm.slowPageFault(f.p, f.vcpu, addr: 9, gfn: 9, write: true, checker: f.checker), .installed)
        let sp2 = f.vm.sptep(global: f.vm.rmapEntry(gfn: 9, 0))
        XCTAssertTrue(SPTE(raw: sp2.pointee).isWritable)
        XCTAssertEqual(f.log.total, 0)
    }
}

extension MMULock {
    func lockForTest() { pthread_rwlock_wrlock(rwlock) }
    func unlockForTest() { pthread_rwlock_unlock(rwlock) }
}
