import XCTest
@testable import MMUTortureCore
import URCUShim
#if canImport(Glibc)
import Glibc
#endif

/// The TDP MMU's paths one by one (docs/tdp-mmu.md): FROZEN sptes, page
/// tables freed after a grace period, faults on invalid roots, notifier
/// unmap over invalid roots, yielding iterators.
final class TDPMMUTests: XCTestCase {
    typealias Fixture = PathFixture

    /// A write fault on `gfn` through the vCPU loop's fault handler.
    func fault(_ f: Fixture, _ gfn: Int, write: Bool = true) -> SlowPathOutcome {
        f.vm.tdpPageFault(f.p, f.vcpu, addr: gfn, gfn: gfn, write: write, checker: f.checker)
    }

    /// The slot of `gfn` at `level` in the vCPU's root.
    func slot(_ f: Fixture, _ gfn: Int, level: Int) -> UnsafeMutablePointer<UInt64>? {
        f.vm.tdpWalk(f.p, root: f.vcpu.pointee.root - 1, gfn: gfn, level: level)
    }

    /// A platform for another thread of the same VM (its own state).
    func platform(_ index: Int) -> NativePlatform<NoRCU> {
        let s = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
        s.initialize(to: ThreadState(depth: 64, seed: UInt64(index)))
        return NativePlatform(threadIndex: index, state: s, perturbation: .off)
    }

    func testFrozenSPTEIsNeverOverwrittenByAnotherThread() throws {
        let f = Fixture(protocolName: .tdpMMU)
        XCTAssertEqual(fault(f, 5), .installed)
        // Another thread (index 3) froze the level-2 spte above gfns 0-511.
        let l2 = try XCTUnwrap(slot(f, 5, level: 2))
        let table = l2.pointee
        l2.pointee = SPTE.frozen
        f.vm.tdp.frozenOwner[l2 - f.vm.sptes] = 4
        // A fault under it retries and leaves it alone.
        XCTAssertEqual(fault(f, 6), .refault)
        XCTAssertEqual(fault(f, 5), .refault)
        XCTAssertEqual(l2.pointee, SPTE.frozen)
        // A zap by this thread sees it frozen: it retries rather than writes.
        XCTAssertFalse(f.vm.tdpZapSPTEAtomic(f.p, l2, gfn: 0, level: 2, checker: f.checker))
        XCTAssertEqual(l2.pointee, SPTE.frozen)
        // A cmpxchg over FROZEN (what a fault that ignored it would do) is reported.
        XCTAssertTrue(f.vm.tdpSetSPTEAtomic(f.p, l2, old: SPTE.frozen, new: table, gfn: 0, checker: f.checker))
        XCTAssertEqual(f.reported, [.frozenOwnership])
    }

    func testOnlyTheFreezerWritesTheFrozenSPTEBack() throws {
        let f = Fixture(protocolName: .tdpMMU)
        XCTAssertEqual(fault(f, 5), .installed)
        let l2 = try XCTUnwrap(slot(f, 5, level: 2))
        l2.pointee = SPTE.frozen
        f.vm.tdp.frozenOwner[l2 - f.vm.sptes] = 4   // thread 3's
        let freezer = platform(3)
        f.vm.tdpUnfreeze(freezer, l2, gfn: 0, checker: f.checker)
        XCTAssertEqual(f.log.total, 0)
        XCTAssertEqual(l2.pointee, 0)
        // This thread did not freeze it: writing it back is a violation.
        l2.pointee = SPTE.frozen
        f.vm.tdp.frozenOwner[l2 - f.vm.sptes] = 4
        f.vm.tdpUnfreeze(f.p, l2, gfn: 0, checker: f.checker)
        XCTAssertEqual(f.reported, [.frozenOwnership])
    }

    /// `kvm_tdp_mmu_zap_collapsible_sptes` unlinks the table of leaves; it
    /// stays live while a reader is inside its read-side section and is
    /// freed (poisoned) after the grace period, exactly once.
    func testUnlinkedPageTableIsFreedAfterAGracePeriodAndOnlyOnce() throws {
        let f = Fixture(protocolName: .tdpMMU, vcpus: 2)
        XCTAssertEqual(fault(f, 5), .installed)
        let l2 = try XCTUnwrap(slot(f, 5, level: 2))
        let table = SPTE(raw: l2.pointee).childIndex
        XCTAssertEqual(f.vm.tdp.ptState[table], TDPState.PTState.linked)

        let inside = UnsafeMutablePointer<UInt64>.allocate(capacity: 2)
        inside.initialize(repeating: 0, count: 2)
        let reader = spawnRCUThread(MembRCU.self) {
            MembRCU.readLock()
            mmut_store_release(inside, 1)
            while mmut_load_acquire(inside + 1) == 0 { usleep(1000) }
            MembRCU.readUnlock()
        }
        while mmut_load_acquire(inside) == 0 { usleep(1000) }
        let done = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        done.initialize(to: 0)
        let state = UnsafeMutablePointer<ThreadState>.allocate(capacity: 1)
        state.initialize(to: ThreadState(depth: 64, seed: 9))
        let vm = f.vm, checker = f.checker
        let zapper = spawnRCUThread(MembRCU.self) {
            vm.tdpZapCollapsible(NativePlatform<MembRCU>(threadIndex: 1, state: state, perturbation: .off), checker: checker)
            mmut_store_release(done, 1)
        }
        usleep(200_000)
        XCTAssertEqual(mmut_load_acquire(done), 0, "the zap returned while a reader was inside its read-side section")
        XCTAssertEqual(l2.pointee, 0, "the table was not unlinked at once")
        XCTAssertEqual(f.vm.tdp.ptState[table], TDPState.PTState.removed)
        XCTAssertEqual(f.vm.header(table, SPHeader.magic).pointee, SPHeader.liveMagic, "freed before the grace period ended")
        mmut_store_release(inside + 1, 1)
        reader.join()
        zapper.join()
        XCTAssertEqual(f.vm.header(table, SPHeader.magic).pointee, SPHeader.poisonMagic, "not freed after the grace period")
        XCTAssertEqual(f.vm.tdp.ptState[table], TDPState.PTState.free)
        XCTAssertEqual(f.log.total, 0)
        // A second free is pt-accounting's to report.
        f.vm.tdpFreePage(f.p, page: table, checker: f.checker)
        XCTAssertEqual(f.details, [.pageTableFreedTwice])
    }

    func testFaultOnAnInvalidRootRetries() {
        let f = Fixture(protocolName: .tdpMMU)
        XCTAssertEqual(fault(f, 5), .installed)
        let old = f.vcpu.pointee.root - 1
        // Invalidated, not yet zapped; the vCPU has not handled its request.
        f.vm.tdpZapAllFast(platform(1), zapNow: false, checker: f.checker)
        XCTAssertNotEqual(f.vm.tdp.rootFlags[old] & TDPState.RootFlag.invalid, 0)
        XCTAssertEqual(fault(f, 6), .refault)
        XCTAssertNil(slot(f, 6, level: 1).flatMap { $0.pointee == 0 ? nil : $0 }, "installed into the invalid root")
        // The request handled: the next fault takes a new, valid root.
        f.vm.enterGuest(f.p, f.vcpu)
        f.vm.exitGuest(f.p, f.vcpu)
        XCTAssertEqual(f.vcpu.pointee.root, 0)
        XCTAssertEqual(fault(f, 6), .installed)
        XCTAssertNotEqual(f.vcpu.pointee.root - 1, old)
        XCTAssertEqual(f.log.total, 0)

        // Without the check (a955cad84cda undone) the fault installs into it.
        let m = Fixture(protocolName: .tdpMMU, mutant: .tdpFaultIntoInvalidRoot)
        XCTAssertEqual(fault(m, 5), .installed)
        m.vm.tdpZapAllFast(platform(1), zapNow: false, checker: m.checker)
        XCTAssertEqual(fault(m, 6), .installed)
        XCTAssertEqual(m.reported, [.rootLifetime])
    }

    func testNotifierUnmapReachesInvalidRoots() throws {
        for mutant in [MutantName.none, .tdpUnmapSkipsInvalidRoots] {
            let f = Fixture(protocolName: .tdpMMU, mutant: mutant)
            XCTAssertEqual(fault(f, 5), .installed)
            let leaf = try XCTUnwrap(slot(f, 5, level: 1))
            XCTAssertNotEqual(leaf.pointee & SPTE.presentMask, 0)
            let pfn = Int(SPTE(raw: leaf.pointee).pfn)
            f.vm.tdpZapAllFast(platform(1), zapNow: false, checker: f.checker)   // invalid, still to be zapped
            f.vm.tdpInvalidateRange(platform(1), firstGFN: 5, count: 1, checker: f.checker)
            XCTAssertNotEqual(f.vm.pfnState[pfn] & VM.pfnFreed, 0, "the host did not free the page")
            f.vm.audit(platform(2), checker: f.checker)
            if mutant == .none {
                XCTAssertEqual(leaf.pointee, 0, "the invalid root still maps the gfn")
                XCTAssertEqual(f.log.total, 0)
            } else {
                XCTAssertNotEqual(leaf.pointee & SPTE.presentMask, 0)
                XCTAssertEqual(f.reported.first, .hostPage)
            }
        }
    }

    /// `tdp_mmu_zap_leafs` yields every two gfns; after each yield the walk
    /// restarts from the root at the gfn it stopped at, so every leaf of the
    /// range goes. 3a0f64de479c undone, it steps past one after each yield.
    func testYieldRestartsFromTheRoot() throws {
        for mutant in [MutantName.none, .tdpAdvanceAfterYield] {
            let f = Fixture(protocolName: .tdpMMU, mutant: mutant)
            for gfn in 0..<8 { XCTAssertEqual(fault(f, gfn), .installed) }
            let mmu = platform(1)
            f.vm.tdpInvalidateRange(mmu, firstGFN: 0, count: 8, checker: f.checker)
            let yields = mmu.state.pointee.ring.snapshot().filter { $0.kind == EventKind.tdpYield.rawValue }.count
            XCTAssertGreaterThanOrEqual(yields, 2)
            f.vm.audit(platform(2), checker: f.checker)
            let left = (0..<8).filter { (try? XCTUnwrap(slot(f, $0, level: 1)))?.pointee ?? 0 != 0 }
            if mutant == .none {
                XCTAssertEqual(left, [])
                XCTAssertEqual(f.log.total, 0)
            } else {
                XCTAssertFalse(left.isEmpty, "no spte skipped")
                XCTAssertEqual(f.reported.first, .hostPage)
            }
        }
    }

    func testWriteLockOnlyPathsAssertTheWriteLock() {
        let f = Fixture(protocolName: .tdpMMU)
        XCTAssertEqual(fault(f, 5, write: false), .installed)
        f.vm.tdpWriteProtectGFN(platform(1), gfn: 5, checker: f.checker)
        XCTAssertEqual(f.log.total, 0)
        let m = Fixture(protocolName: .tdpMMU, mutant: .tdpWrongLockMode)
        XCTAssertEqual(fault(m, 5, write: false), .installed)
        m.vm.tdpWriteProtectGFN(platform(1), gfn: 5, checker: m.checker)
        XCTAssertEqual(m.reported, [.lockMode])
    }

    /// Write tracking takes W and MMU_WRITABLE away: the fast path declines
    /// and a write goes to the slow path, which emulates it.
    func testWriteTrackedGFNIsNeverMadeWritable() throws {
        let f = Fixture(protocolName: .tdpMMU)
        XCTAssertEqual(fault(f, 5, write: false), .installed)
        let leaf = try XCTUnwrap(slot(f, 5, level: 1))
        XCTAssertTrue(SPTE(raw: leaf.pointee).isMMUWritable)
        f.vm.tdpWriteProtectGFN(platform(1), gfn: 5, checker: f.checker)
        XCTAssertFalse(SPTE(raw: leaf.pointee).isMMUWritable)
        XCTAssertEqual(f.vm.fastPageFault(f.p, f.vcpu, addr: 5, gfn: 5, checker: f.checker), .slowPath)
        XCTAssertEqual(fault(f, 5), .emulated)
        XCTAssertFalse(SPTE(raw: leaf.pointee).isWritable)
        XCTAssertEqual(f.log.total, 0)
    }
}
