import XCTest
import MMUTortureCore
import URCUShim

/// The shim's atomics on raw memory, under real contention.
final class AtomicsTests: XCTestCase {
    func testCmpxchgLoopIncrementsAreExact() {
        let word = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        word.initialize(to: 0)
        defer { word.deallocate() }
        let threads = 4, perThread = 200_000
        let workers = (0..<threads).map { _ in
            NativeThread {
                for _ in 0..<perThread {
                    var cur = mmut_load_acquire(word)
                    while !mmut_cmpxchg(word, &cur, cur + 1) {}
                }
            }
        }
        workers.forEach { $0.join() }
        XCTAssertEqual(word.pointee, UInt64(threads * perThread))
    }

    func testConcurrentOrAndOnDisjointBitsLoseNothing() {
        let word = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        word.initialize(to: 0)
        defer { word.deallocate() }
        // Thread t owns bits 8t..8t+7 and toggles them many times, ending set.
        let threads = 4
        let workers = (0..<threads).map { t in
            NativeThread {
                let mine = UInt64(0xFF) << UInt64(8 * t)
                for i in 0..<100_000 {
                    let bit = UInt64(1) << UInt64(8 * t + i % 8)
                    _ = mmut_fetch_or(word, bit)
                    _ = mmut_fetch_and(word, ~bit)
                }
                _ = mmut_fetch_or(word, mine)
            }
        }
        workers.forEach { $0.join() }
        XCTAssertEqual(word.pointee, 0xFFFF_FFFF)
    }

    func testTopByteStoreLeavesLowBitsAlone() {
        let word = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        word.initialize(to: 0x00AB_CDEF_0123_4567)
        defer { word.deallocate() }
        mmut_store_top_byte(word, 0x5A)
        XCTAssertEqual(word.pointee, 0x5AAB_CDEF_0123_4567)
        // Hardware's atomic OR of A/D racing the byte store on other bytes.
        let hw = NativeThread { for _ in 0..<100_000 { _ = mmut_fetch_or(word, 0x60); _ = mmut_fetch_and(word, ~0x60) } }
        for i in 0..<100_000 { mmut_store_top_byte(word, UInt8(truncatingIfNeeded: i)) }
        hw.join()
        XCTAssertEqual(word.pointee & 0x00FF_FFFF_FFFF_FF9F, 0x00AB_CDEF_0123_4507 & 0x00FF_FFFF_FFFF_FF9F)
    }

    func testXchgAndFetchAdd() {
        let word = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        word.initialize(to: 7)
        defer { word.deallocate() }
        XCTAssertEqual(mmut_xchg(word, 9), 7)
        XCTAssertEqual(mmut_fetch_add(word, 3), 9)
        XCTAssertEqual(word.pointee, 12)
        var expected: UInt64 = 5
        XCTAssertFalse(mmut_cmpxchg(word, &expected, 1))
        XCTAssertEqual(expected, 12)
    }
}
