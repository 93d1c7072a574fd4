import XCTest
import MMUTortureCore

/// Single-threaded checks of the paths on the native platform.
final class ModelTests: XCTestCase {
    typealias Fixture = PathFixture

    func testRmapAddRemove() {
        let f = Fixture(vcpus: 2)
        let vm = f.vm
        XCTAssertEqual(vm.rmapCountOf(gfn: 5), 0)
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 100))
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 100), "adding the same spte twice keeps one entry")
        XCTAssertEqual(vm.rmapCountOf(gfn: 5), 1)
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 200))
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 300))
        XCTAssertEqual(Set((0..<3).map { vm.rmapEntry(gfn: 5, $0) }), [100, 200, 300])
        vm.rmapRemove(gfn: 5, spte: 200)
        XCTAssertEqual(vm.rmapCountOf(gfn: 5), 2)
        XCTAssertEqual(Set((0..<2).map { vm.rmapEntry(gfn: 5, $0) }), [100, 300])
        vm.rmapRemove(gfn: 5, spte: 999)
        XCTAssertEqual(vm.rmapCountOf(gfn: 5), 2)
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 400))
        XCTAssertTrue(vm.rmapAdd(gfn: 5, spte: 500))
        XCTAssertFalse(vm.rmapAdd(gfn: 5, spte: 600), "the rmap is bounded")
        XCTAssertEqual(vm.rmapCountOf(gfn: 6), 0)
    }

    /// Read fault -> read-only spte; write fault -> the fast path fixes it
    /// and marks the gfn dirty; write-protect clears W; the next write is
    /// emulated by the slow path and the gfn stays read-only.
    func testFaultPathsSingleThreaded() {
        let f = Fixture(vcpus: 2)
        let vm = f.vm, p = f.p, v = f.vcpu, checker = f.checker
        let gfn = 1234
        XCTAssertFalse(vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: false, checker: checker).done)
        XCTAssertEqual(vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: false, checker: checker), .installed)
        XCTAssertTrue(vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: false, checker: checker).done)
        XCTAssertEqual(vm.rmapCountOf(gfn: gfn), 1)
        let sp = vm.sptep(global: vm.rmapEntry(gfn: gfn, 0))
        XCTAssertFalse(SPTE(raw: sp.pointee).isWritable)
        XCTAssertTrue(SPTE(raw: sp.pointee).isAccessed)

        let fault = vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: true, checker: checker)
        XCTAssertFalse(fault.done)
        XCTAssertTrue(SPTE(raw: fault.spte).isPresent, "a write to a read-only spte faults with P = 1")
        XCTAssertEqual(vm.dirtyBitmap[gfn], 0)
        XCTAssertEqual(vm.fastPageFault(p, v, addr: gfn, gfn: gfn, checker: checker), .fixed)
        XCTAssertTrue(SPTE(raw: sp.pointee).isWritable)
        XCTAssertEqual(IdentificationLayout.vmx.identification(of: sp.pointee), 0, "the identification is gone after the fix")
        XCTAssertEqual(vm.dirtyBitmap[gfn], 1, "the fast path marks the computed gfn dirty")
        XCTAssertEqual(vm.fastPageFault(p, v, addr: gfn, gfn: gfn, checker: checker), .spurious)
        v.pointee.flushTLB()
        XCTAssertTrue(vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: true, checker: checker).done)
        XCTAssertTrue(SPTE(raw: sp.pointee).isDirty, "hardware set D on the write")

        vm.writeProtect(p, gfn: gfn, checker: checker)
        XCTAssertFalse(SPTE(raw: sp.pointee).isWritable)
        XCTAssertEqual(vm.protection[gfn], VM.Protection.protected)
        v.pointee.flushTLB()
        let f2 = vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: true, checker: checker)
        XCTAssertFalse(f2.done)
        XCTAssertEqual(vm.fastPageFault(p, v, addr: gfn, gfn: gfn, checker: checker), .flagSeen)
        XCTAssertEqual(IdentificationLayout.vmx.identification(of: sp.pointee), 0, "the fast path takes its identification back")
        XCTAssertEqual(vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: true, checker: checker), .emulated)
        XCTAssertFalse(SPTE(raw: sp.pointee).isWritable, "a protected gfn is never mapped writable")
        XCTAssertEqual(f.log.total, 0)

        vm.unprotect(p, gfn: gfn)
        XCTAssertEqual(vm.fastPageFault(p, v, addr: gfn, gfn: gfn, checker: checker), .fixed)
    }

    /// An identification left on a spte makes write-protect clear it, so
    /// that the owner's cmpxchg fails (seed 004's Dekker pairing).
    func testWriteProtectClearsIdentificationOnReadOnlySPTE() {
        for mutant in [MutantName.none, .wpIgnoresID] {
            let f = Fixture(mutant: mutant, vcpus: 2)
            let vm = f.vm, p = f.p, v = f.vcpu, checker = f.checker
            let gfn = 77
            XCTAssertEqual(vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: false, checker: checker), .installed)
            let sp = vm.sptep(global: vm.rmapEntry(gfn: gfn, 0))
            mmutStoreTopByte(sp, 9)
            vm.writeProtect(p, gfn: gfn, checker: checker)
            let id = IdentificationLayout.vmx.identification(of: sp.pointee)
            XCTAssertEqual(id, mutant == .none ? 0 : 9)
        }
    }

    /// A write that lands on a protected gfn through a stale writable TLB
    /// entry is a wp-safety violation (what skip-tlb-flush produces); the
    /// missing flush itself is flush-before-unlock, at write-protect's unlock.
    func testCheckerSeesWriteAfterProtect() {
        let f = Fixture(mutant: .skipTLBFlush, vcpus: 2)
        let vm = f.vm, p = f.p, v = f.vcpu, checker = f.checker
        let gfn = 9
        XCTAssertEqual(vm.slowPageFault(p, v, addr: gfn, gfn: gfn, write: true, checker: checker), .installed)
        XCTAssertTrue(vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: true, checker: checker).done)
        vm.writeProtect(p, gfn: gfn, checker: checker)
        XCTAssertEqual(f.reported, [.flushBeforeUnlock])
        XCTAssertTrue(vm.guestAccess(p, v, addr: gfn, gfn: gfn, write: true, checker: checker).done, "the stale TLB entry still lets the write through")
        XCTAssertEqual(f.reported, [.flushBeforeUnlock, .wpSafety])
    }
}

import URCUShim
func mmutStoreTopByte(_ p: UnsafeMutablePointer<UInt64>, _ b: UInt8) { mmut_store_top_byte(p, b) }
