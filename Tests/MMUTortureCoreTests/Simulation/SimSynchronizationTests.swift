import XCTest
@testable import MMUTortureCore

/// Simulated RCU, the simulated mmu-lock, deadlock detection, the step limit.
final class SimSynchronizationTests: XCTestCase {
    var words: UnsafeMutablePointer<UInt64>!
    var lock: MMULock!
    var lock2: MMULock!

    override func setUp() {
        words = .allocate(capacity: 8)
        words.initialize(repeating: 0, count: 8)
        lock = MMULock.allocate()
        lock2 = MMULock.allocate()
    }

    override func tearDown() {
        words.deallocate()
        lock.deallocate()
        lock2.deallocate()
    }

    func executor(_ n: Int, stepLimit: UInt64 = 100_000) -> SimExecutor {
        var o = SimExecutor.Options()
        o.recordSteps = true
        o.stepLimit = stepLimit
        o.stackSize = 64 * 1024
        return SimExecutor(threadCount: n, options: o)
    }

    func explore(_ ex: SimExecutor, bound: Int? = nil, _ bodies: [SimExecutor.Body],
                 _ check: (SimExecution) -> Void) -> Int {
        let words = self.words!, lock = self.lock!, lock2 = self.lock2!
        return ex.explore(scheduler: BoundedDFSScheduler(preemptionBound: bound), makeBodies: {
            words.initialize(repeating: 0, count: 8)
            lock.owner.pointee = 0
            lock2.owner.pointee = 0
            return bodies
        }) { e in check(e); return true }
    }

    func steps(_ e: SimExecution, _ op: SimOp, thread: Int) -> [UInt64] {
        e.stepLog.filter { $0.op == op && $0.thread == thread }.map(\.step)
    }

    /// A grace period waits exactly for the readers inside a read-side
    /// section when it began: synchronizeRCU never returns while one of them
    /// is still inside, and readers that enter later are not waited for.
    func testSynchronizeWaitsForPreexistingReaders() {
        let x = words!
        let reader: SimExecutor.Body = { p in
            p.rcuReadLock()
            _ = p.load(x)
            p.rcuReadLock()        // nested
            _ = p.load(x + 1)
            p.rcuReadUnlock()
            _ = p.load(x + 2)
            p.rcuReadUnlock()
        }
        let updater: SimExecutor.Body = { p in p.store(x, 1); p.synchronizeRCU(); _ = p.load(x + 3) }
        var waited = 0, notWaitedFor = 0
        let n = explore(executor(3), bound: 3, [reader, reader, updater]) { e in
            XCTAssertEqual(e.outcome, .completed)
            let begin = steps(e, .synchronizeBegin, thread: 2)[0]
            let end = steps(e, .synchronizeEnd, thread: 2)[0]
            let mask = e.stepLog.first { $0.op == .synchronizeBegin }!.read
            for r in 0..<2 {
                let enter = steps(e, .rcuReadLock, thread: r)[0]
                let leave = steps(e, .rcuReadUnlock, thread: r)[1]   // the outermost
                let inside = enter < begin && begin < leave
                XCTAssertEqual(mask & (1 << UInt64(r)) != 0, inside, "reader \(r): grace period's reader set")
                if inside {
                    XCTAssertLessThan(leave, end, "synchronizeRCU returned while reader \(r) was inside")
                    waited += 1
                } else if enter > begin && leave > end {
                    notWaitedFor += 1
                }
            }
        }
        XCTAssertGreaterThan(n, 100)
        XCTAssertGreaterThan(waited, 0)
        XCTAssertGreaterThan(notWaitedFor, 0, "a later reader should not hold up the grace period")
    }

    /// Publishing with a grace period: a reader that saw the old pointer
    /// finishes before the updater frees (poisons) it.
    func testGracePeriodProtectsAReader() {
        let slot = words!, objects = words + 2   // objects[0] old, objects[1] new
        let reader: SimExecutor.Body = { p in
            p.rcuReadLock()
            let i = Int(p.load(slot))
            let v = p.load(objects + i)
            p.rcuReadUnlock()
            XCTAssertNotEqual(v, 0xDEAD, "read a freed object")
        }
        let updater: SimExecutor.Body = { p in
            p.store(slot, 1)
            p.synchronizeRCU()
            p.store(objects, 0xDEAD)      // free the old object
        }
        let n = explore(executor(2), [reader, updater]) { e in XCTAssertEqual(e.outcome, .completed) }
        XCTAssertGreaterThan(n, 10)
    }

    func testLockExcludes() {
        let counter = words!, inside = words + 1, maxInside = words + 2
        let body: SimExecutor.Body = { p in
            for _ in 0..<2 {
                p.lock(self.lock)
                inside.pointee += 1
                maxInside.pointee = max(maxInside.pointee, inside.pointee)
                let v = p.load(counter)
                p.relax()
                p.store(counter, v + 1)
                inside.pointee -= 1
                p.unlock(self.lock)
            }
        }
        let n = explore(executor(3), bound: 2, [body, body, body]) { e in
            XCTAssertEqual(e.outcome, .completed)
            XCTAssertEqual(counter.pointee, 6)
            XCTAssertEqual(maxInside.pointee, 1)
            XCTAssertEqual(self.lock.owner.pointee, 0)
        }
        XCTAssertGreaterThan(n, 10)
        // Without the lock the same search loses updates: the check has teeth.
        let racy: SimExecutor.Body = { p in for _ in 0..<2 { let v = p.load(counter); p.store(counter, v + 1) } }
        var lost = 0
        _ = explore(executor(3), bound: 2, [racy, racy, racy]) { _ in if counter.pointee < 6 { lost += 1 } }
        XCTAssertGreaterThan(lost, 0)
    }

    /// Lock and unlock are full barriers: what was stored under the lock is
    /// in memory when the next holder reads it.
    func testLockReleaseDrainsTheBuffer() {
        let x = words!
        let body: SimExecutor.Body = { p in
            p.lock(self.lock)
            XCTAssertEqual(x.pointee, p.load(x), "a store made under the lock is still buffered")
            p.store(x, p.load(x) + 1)
            p.unlock(self.lock)
        }
        _ = explore(executor(2), [body, body]) { e in
            XCTAssertEqual(e.outcome, .completed)
            XCTAssertEqual(x.pointee, 2)
        }
    }

    func testSelfDeadlockOnTheLockIsDetected() {
        let body: SimExecutor.Body = { p in p.lock(self.lock); p.lock(self.lock) }
        var count = 0
        _ = explore(executor(2), [body, body]) { e in
            XCTAssertEqual(e.outcome, .deadlock)
            let holder = Int(self.lock.owner.pointee) - 1
            XCTAssertEqual(e.threads[holder].status, .blockedOnLock(heldBy: holder))
            XCTAssertEqual(e.threads[1 - holder].status, .blockedOnLock(heldBy: holder))
            XCTAssertEqual(e.threads[holder].locksHeld, 1)
            XCTAssertTrue(e.threadStates.contains("which it holds itself"), e.threadStates)
            count += 1
        }
        XCTAssertGreaterThan(count, 0)
    }

    func testSynchronizeInsideAReadSectionIsADeadlock() {
        let x = words!
        let bodies: [SimExecutor.Body] = [
            { p in p.rcuReadLock(); p.synchronizeRCU(); p.rcuReadUnlock() },
            { p in _ = p.load(x); p.store(x, 1) },
        ]
        _ = explore(executor(2), bodies) { e in
            XCTAssertEqual(e.outcome, .deadlock)
            XCTAssertEqual(e.threads[0].status, .waitingForGracePeriod(readers: [0]))
            XCTAssertEqual(e.threads[1].status, .finished)
            XCTAssertTrue(e.threadStates.contains("synchronize_rcu inside a read-side section"), e.threadStates)
        }
    }

    /// ABBA: some interleavings deadlock, others complete; the search finds both.
    func testLockOrderInversionIsFoundBySearch() {
        let bodies: [SimExecutor.Body] = [
            { p in p.lock(self.lock); p.lock(self.lock2); p.unlock(self.lock2); p.unlock(self.lock) },
            { p in p.lock(self.lock2); p.lock(self.lock); p.unlock(self.lock); p.unlock(self.lock2) },
        ]
        var outcomes: [SimOutcome: Int] = [:]
        _ = explore(executor(2), bound: 1, bodies) { e in outcomes[e.outcome, default: 0] += 1 }
        XCTAssertGreaterThan(outcomes[.deadlock] ?? 0, 0)
        XCTAssertGreaterThan(outcomes[.completed] ?? 0, 0)
    }

    /// A thread that returns holding the lock leaves its waiters deadlocked.
    func testFinishingWhileHoldingTheLock() {
        let bodies: [SimExecutor.Body] = [{ p in p.lock(self.lock) }, { p in p.lock(self.lock) }]
        _ = explore(executor(2), bodies) { e in
            XCTAssertEqual(e.outcome, .deadlock)
            XCTAssertEqual(e.threads.filter { $0.status == .finished }.count, 1)
            XCTAssertEqual(e.threads.filter { $0.locksHeld == 1 }.count, 1)
        }
    }

    func testSpinningAloneHitsTheStepLimit() {
        let x = words!
        let body: SimExecutor.Body = { p in while p.load(x) == 0 { p.relax() } }
        let e = executor(1, stepLimit: 1_000).run(scheduler: RandomWalkScheduler(seed: 1), [body])!
        XCTAssertEqual(e.outcome, .stepLimit)
        XCTAssertEqual(e.steps, 1_001)
        XCTAssertEqual(e.threads[0].status, .runnable)
    }

    /// A spin-wait yields: whoever it waits for gets to run, under every strategy.
    func testSpinWaitsMakeProgress() {
        let flag = words!
        let bodies: [SimExecutor.Body] = [
            { p in while p.load(flag) == 0 { p.relax() } },
            { p in _ = p.load(flag + 1); p.store(flag, 1) },
        ]
        let ex = executor(2, stepLimit: 10_000)
        let schedulers: [SimScheduler] = [RandomWalkScheduler(seed: 1, maxExecutions: 50),
                                          PCTScheduler(seed: 1, depth: 3, maxExecutions: 50),
                                          BoundedDFSScheduler(preemptionBound: 0)]
        for s in schedulers {
            let n = ex.explore(scheduler: s, makeBodies: { flag.initialize(repeating: 0, count: 8); return bodies }) { e in
                XCTAssertEqual(e.outcome, .completed, "\(type(of: s))")
                return true
            }
            XCTAssertGreaterThan(n, 0)
        }
    }
}

/// Threads abandoned at a deadlock are never unwound, but they must not keep
/// their bodies' captures alive.
final class SimAbandonedThreadTests: XCTestCase {
    final class Canary {
        static var live = 0
        init() { Canary.live += 1 }
        deinit { Canary.live -= 1 }
        func touch() {}
    }

    func testAbandonedThreadsReleaseTheirCaptures() {
        let lock = MMULock.allocate()
        defer { lock.deallocate() }
        let before = Canary.live
        do {
            let ex = SimExecutor(threadCount: 2)
            for seed in 0..<10 as Range<UInt64> {
                lock.owner.pointee = 0
                let canary = Canary()
                let body: SimExecutor.Body = { p in canary.touch(); p.lock(lock); p.lock(lock) }
                XCTAssertEqual(ex.run(scheduler: RandomWalkScheduler(seed: seed), [body, body])?.outcome, .deadlock)
            }
        }
        XCTAssertEqual(Canary.live, before)
    }
}
