import XCTest
import MMUTortureCore
import URCUShim
#if canImport(Glibc)
import Glibc
#endif

/// Real liburcu, real threads: every flavour through the one Swift face.
final class RCUTests: XCTestCase {
    /// A flag other threads poll.
    final class Flag: @unchecked Sendable {
        let p = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        init() { p.initialize(to: 0) }
        deinit { p.deallocate() }
        var value: UInt64 { mmut_load_acquire(p) }
        func set(_ v: UInt64 = 1) { mmut_store_release(p, v) }
        func wait(for v: UInt64 = 1) { while value != v { usleep(100) } }
    }

    func synchronizeWaitsForReader<R: RCUFlavor>(_ flavor: R.Type) {
        let inside = Flag(), leaving = Flag()
        let reader = spawnRCUThread(R.self) {
            R.readLock()
            inside.set()
            usleep(150_000)
            leaving.set()      // set before the unlock: synchronize must see it
            R.readUnlock()
            if R.name == .qsbr { R.threadOffline() }
        }
        inside.wait()
        withRCURegistration(R.self) {
            if R.name == .qsbr { R.threadOffline() }
            R.synchronize()
            XCTAssertEqual(leaving.value, 1, "\(R.name): synchronize returned while a registered reader was still inside its read-side section")
            if R.name == .qsbr { R.threadOnline() }
        }
        reader.join()
    }

    func synchronizeWithoutReaders<R: RCUFlavor>(_ flavor: R.Type) {
        // "Promptly": before a watchdog thread that gives it 5 s fires.
        let done = Flag()
        let watchdog = NativeThread {
            for _ in 0..<500 where done.value == 0 { usleep(10_000) }
        }
        withRCURegistration(R.self) {
            if R.name == .qsbr { R.threadOffline() }
            for _ in 0..<3 { R.synchronize() }
            if R.name == .qsbr { R.threadOnline() }
        }
        done.set()
        watchdog.join()
        XCTAssertEqual(done.value, 1)
    }

    func callRCUAfterGracePeriod<R: RCUFlavor>(_ flavor: R.Type) {
        let inside = Flag(), release = Flag()
        let reader = spawnRCUThread(R.self) {
            R.readLock()
            inside.set()
            release.wait()
            R.readUnlock()
            if R.name == .qsbr { R.threadOffline() }
        }
        inside.wait()
        let ran = Flag()
        let before = rcuCallbacksRun()
        withRCURegistration(R.self) {
            R.callRCU({ ctx in
                Unmanaged<Flag>.fromOpaque(ctx!).takeUnretainedValue().set()
            }, Unmanaged.passUnretained(ran).toOpaque())
            if R.name == .qsbr { R.threadOffline() }
            usleep(200_000)
            XCTAssertEqual(ran.value, 0, "\(R.name): a call_rcu callback ran while a pre-existing reader was inside")
            release.set()
            R.barrier()
            XCTAssertEqual(ran.value, 1, "\(R.name): rcu_barrier returned before the callback ran")
            XCTAssertGreaterThan(rcuCallbacksRun(), before)
            if R.name == .qsbr { R.threadOnline() }
        }
        reader.join()
    }

    func testMembSynchronize() { synchronizeWaitsForReader(MembRCU.self); synchronizeWithoutReaders(MembRCU.self) }
    func testQSBRSynchronize() { synchronizeWaitsForReader(QSBRRCU.self); synchronizeWithoutReaders(QSBRRCU.self) }
    func testMBSynchronize() { synchronizeWaitsForReader(MBRCU.self); synchronizeWithoutReaders(MBRCU.self) }
    func testBPSynchronize() { synchronizeWaitsForReader(BPRCU.self); synchronizeWithoutReaders(BPRCU.self) }

    func testMembCallRCU() { callRCUAfterGracePeriod(MembRCU.self) }
    func testQSBRCallRCU() { callRCUAfterGracePeriod(QSBRRCU.self) }
    func testMBCallRCU() { callRCUAfterGracePeriod(MBRCU.self) }
    func testBPCallRCU() { callRCUAfterGracePeriod(BPRCU.self) }

    func testReadOngoing() {
        withRCURegistration(MembRCU.self) {
            XCTAssertFalse(MembRCU.readOngoing())
            MembRCU.readLock()
            XCTAssertTrue(MembRCU.readOngoing())
            MembRCU.readUnlock()
            XCTAssertFalse(MembRCU.readOngoing())
        }
    }

    /// QSBR: an online thread that reports no quiescent state holds the
    /// grace period; once it reports one (or goes offline) it no longer does.
    func testQSBROnlineThreadHoldsGracePeriod() {
        let online = Flag(), reported = Flag()
        let t = spawnRCUThread(QSBRRCU.self) {
            online.set()
            usleep(200_000)          // online, no quiescent state
            reported.set()
            QSBRRCU.quiescentState()
            QSBRRCU.threadOffline()
        }
        online.wait()
        withRCURegistration(QSBRRCU.self) {
            QSBRRCU.threadOffline()
            QSBRRCU.synchronize()
            XCTAssertEqual(reported.value, 1, "synchronize returned while an online QSBR thread had reported no quiescent state")
            QSBRRCU.threadOnline()
        }
        t.join()
    }

    func testQSBROfflineThreadDoesNotHoldGracePeriod() {
        let offline = Flag(), back = Flag()
        let t = spawnRCUThread(QSBRRCU.self) {
            QSBRRCU.threadOffline()
            offline.set()
            usleep(3_000_000)        // offline for a long time
            back.set()
        }
        offline.wait()
        withRCURegistration(QSBRRCU.self) {
            QSBRRCU.threadOffline()
            QSBRRCU.synchronize()
            XCTAssertEqual(back.value, 0, "synchronize waited for an offline QSBR thread")
            QSBRRCU.threadOnline()
        }
        t.join()
    }
}
