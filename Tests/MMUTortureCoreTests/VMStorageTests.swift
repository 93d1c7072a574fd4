import XCTest
@testable import MMUTortureCore

/// `VMStorage.reset`, which the deterministic mode runs before every
/// execution: an execution is a function of its schedule only if it starts
/// from exactly the state a fresh VM has.
final class VMStorageTests: XCTestCase {
    func testResetRestoresEveryWord() {
        // Faults over many tables (indirect pages with gfns[] arrays under
        // shadow paging), a zap that frees and poisons them, faults that
        // take pages again: a reset brings every word of every array back
        // to what init left, the page arrays included, although it writes
        // them only up to the highest page handed out (and the TDP MMU's
        // arrays, its frozen owners bounded the same way).
        for (protocolName, paging) in [(ProtocolName.vcpuID, PagingMode.tdp), (.vcpuID, .shadow), (.mmuWritable, .shadow32),
                                       (.tdpMMU, .tdp)] {
            let f = PathFixture(protocolName: protocolName, paging: paging)
            let name = "\(protocolName) \(paging)"
            for addr in stride(from: 0, to: 4096, by: 97) { f.write(addr) }
            if protocolName == .tdpMMU {
                f.vm.tdpZapAllFast(f.p, zapNow: true, checker: f.checker)
            } else {
                f.vm.zapAllObsolete(f.p, checker: f.checker)
            }
            for addr in stride(from: 5, to: 4096, by: 211) { f.read(addr) }
            XCTAssertEqual(f.reported, [], name)
            let used = Int(f.vm.global(VM.Global.pagesUsed).pointee)
            XCTAssertGreaterThan(used, 8, name)
            XCTAssertLessThan(used, f.vm.pageCount, "\(name): the bound leaves pages out")
            let fresh = VMStorage(config: f.vm.config)
            XCTAssertNotEqual(f.storage.arraysDiffering(from: fresh), [], name)
            f.storage.reset()
            XCTAssertEqual(f.storage.arraysDiffering(from: fresh), [], name)
            XCTAssertEqual(f.vm.global(VM.Global.pagesUsed).pointee, 0, name)
        }
    }
}
