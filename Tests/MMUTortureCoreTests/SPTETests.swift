import XCTest
import MMUTortureCore

/// The spte vocabulary: valid states, identification layouts and limits.
final class SPTETests: XCTestCase {
    func testLeafAndNonLeafPredicates() {
        let leaf = SPTE.leaf(pfn: 0x1234, writable: false, hostWritable: true)
        XCTAssertTrue(leaf.isPresent)
        XCTAssertTrue(leaf.isLeaf)
        XCTAssertFalse(leaf.isWritable)
        XCTAssertTrue(leaf.isHostWritable)
        XCTAssertFalse(leaf.isMMUWritable)
        XCTAssertEqual(leaf.pfn, 0x1234)
        let nonLeaf = SPTE.nonLeaf(child: 77)
        XCTAssertTrue(nonLeaf.isPresent)
        XCTAssertFalse(nonLeaf.isLeaf)
        XCTAssertEqual(nonLeaf.childIndex, 77)
        XCTAssertFalse(SPTE.zero.isPresent)
    }

    func testLocklesslyModifiableNeedsBothBits() {
        XCTAssertFalse(SPTE.leaf(pfn: 1, writable: false, hostWritable: true).isLocklesslyModifiable)
        XCTAssertFalse(SPTE.leaf(pfn: 1, writable: false, hostWritable: false, mmuWritable: true).isLocklesslyModifiable)
        XCTAssertTrue(SPTE.leaf(pfn: 1, writable: false, hostWritable: true, mmuWritable: true).isLocklesslyModifiable)
    }

    func testValidStates() {
        for layout in IdentificationLayout.allCases {
            XCTAssertTrue(SPTE.zero.isValid(layout: layout))
            XCTAssertTrue(SPTE.nonLeaf(child: 3).isValid(layout: layout))
            XCTAssertTrue(SPTE.leaf(pfn: 9, writable: true, hostWritable: true).with(SPTE.accessedMask | SPTE.dirtyMask).isValid(layout: layout))
            // W without HOST_WRITABLE: the host never lends a read-only page for writing.
            XCTAssertFalse(SPTE.leaf(pfn: 9, writable: true, hostWritable: false).isValid(layout: layout))
            // A non-leaf with leaf-only bits.
            XCTAssertFalse(SPTE.nonLeaf(child: 3).with(SPTE.writableMask).isValid(layout: layout))
            // Present bit clear but other bits set.
            XCTAssertFalse(SPTE(raw: SPTE.writableMask).isValid(layout: layout))
            // An identification on a read-only leaf is the fast path's mark.
            let marked = layout.marked(SPTE.leaf(pfn: 9, writable: false, hostWritable: true).raw, id: 5)
            XCTAssertTrue(SPTE(raw: marked).isValid(layout: layout))
            // A left-behind identification on a W spte is transient but legal.
            XCTAssertTrue(SPTE(raw: marked | SPTE.writableMask).isValid(layout: layout))
        }
        XCTAssertFalse(SPTE(raw: IdentificationLayout.vmx.marked(SPTE.leaf(pfn: 1, writable: false, hostWritable: true).raw, id: 255))
            .isValid(layout: .vmx), "id 255 is reserved in the vmx layout")
    }

    func testVMXLayoutUsesTheWholeTopByte() {
        let l = IdentificationLayout.vmx
        XCTAssertEqual(l.maxID, 254)
        XCTAssertEqual(l.idMask, 0xFF00_0000_0000_0000)
        XCTAssertEqual(l.identification(forVCPU: 0), 1)
        XCTAssertEqual(l.identification(forVCPU: 253), 254)
        XCTAssertNil(l.identification(forVCPU: 254), "vCPUs past the limit never take the fast path")
        let base = SPTE.leaf(pfn: 42, writable: false, hostWritable: true).with(SPTE.accessedMask).raw
        let m = l.marked(base, id: 254)
        XCTAssertEqual(l.identification(of: m), 254)
        XCTAssertEqual(l.withoutIdentification(m), base)
        XCTAssertEqual(l.topByte(m), 254)
    }

    func testSoftMMULayoutPreservesNX() {
        let l = IdentificationLayout.softmmu
        XCTAssertEqual(l.maxID, 127)
        XCTAssertEqual(l.idMask, 0x7F00_0000_0000_0000)
        XCTAssertEqual(l.identification(forVCPU: 126), 127)
        XCTAssertNil(l.identification(forVCPU: 127))
        let base = SPTE.leaf(pfn: 42, writable: false, hostWritable: true).raw | SPTE.nxMask
        let m = l.marked(base, id: 127)
        XCTAssertEqual(m & SPTE.nxMask, SPTE.nxMask, "bit 63 (NX) must survive the identification")
        XCTAssertEqual(l.identification(of: m), 127)
        XCTAssertEqual(l.withoutIdentification(m), base)
        XCTAssertEqual(l.topByte(m), 0xFF)
    }

    func testSharedIDMutantGivesEveryVCPUTheSameIdentification() {
        let correct = ProtocolVariants.ops(.vcpuID, mutant: .none)
        let shared = ProtocolVariants.ops(.vcpuID, mutant: .sharedID)
        XCTAssertNotEqual(VCPULocal.identification(vcpu: 0, layout: .vmx, ops: correct),
                          VCPULocal.identification(vcpu: 1, layout: .vmx, ops: correct))
        XCTAssertEqual(VCPULocal.identification(vcpu: 0, layout: .vmx, ops: shared),
                       VCPULocal.identification(vcpu: 2, layout: .vmx, ops: shared))
        XCTAssertEqual(VCPULocal.identification(vcpu: 300, layout: .vmx, ops: shared), 0)
    }

    func testDescribeNamesTheBits() {
        let s = SPTE.describe(IdentificationLayout.vmx.marked(SPTE.leaf(pfn: 5, writable: false, hostWritable: true).raw, id: 3))
        XCTAssertTrue(s.contains("P"), s)
        XCTAssertTrue(s.contains("HW"), s)
        XCTAssertTrue(s.contains("pfn=5"), s)
        XCTAssertTrue(s.contains("id=3"), s)
        XCTAssertFalse(s.contains(" W "), s)
    }
}

/// Direct shadow pages compute their gfns (seed 002).
final class DirectGFNTests: XCTestCase {
    func testEachLevel() {
        for level in 1...4 {
            let role = ShadowPageRole(level: level, direct: true)
            XCTAssertEqual(role.level, level)
            XCTAssertTrue(role.direct)
            let base: UInt64 = 1 << 30
            XCTAssertEqual(directPageGFN(baseGFN: base, role: role, index: 0), base)
            XCTAssertEqual(directPageGFN(baseGFN: base, role: role, index: 3), base + 3 << UInt64((level - 1) * 9))
            XCTAssertEqual(directPageGFN(baseGFN: base, role: role, index: 511), base + 511 << UInt64((level - 1) * 9))
        }
    }

    func testQuadrantOfA32BitGuestsHalfPage() {
        // A 4 MiB guest page (1024 frames) shadowed by two direct half pages.
        let base: UInt64 = 0x4000
        let lower = ShadowPageRole(level: 1, direct: true, quadrant: 0)
        let upper = ShadowPageRole(level: 1, direct: true, quadrant: 1)
        XCTAssertEqual(upper.quadrant, 1)
        XCTAssertEqual(directPageGFN(baseGFN: base, role: lower, index: 7), base + 7)
        XCTAssertEqual(directPageGFN(baseGFN: base, role: upper, index: 7), base + 512 + 7)
        // The bug seed 002's fix repaired: the quadrant ignored.
        XCTAssertEqual(directPageGFN(baseGFN: base, role: upper, index: 7, quadrantAware: false), base + 7)
    }
}
