/// The simulated platform's operations: x86-TSO memory, simulated RCU, the
/// mmu-lock. Each begins with the thread's scheduling point (`point`), then
/// acts atomically (only one simulated thread runs at a time), then notes
/// what it did into the step hash and log.
///
/// Outside an execution (`running` false) every operation acts on memory at
/// once: that is what `SimExecutor.platform(thread:)` is for.
extension SimExecutor {
    // MARK: x86-TSO memory

    /// A plain load: the thread's own newest buffered bytes for the word
    /// first (store forwarding, byte by byte), memory for the rest.
    @inline(__always)
    func load(_ t: Int, _ p: UnsafeMutablePointer<UInt64>) -> UInt64 {
        point(t)
        let v = sbCount[t] == 0 ? p.pointee : loadThroughBuffer(t, p)
        note(.load, t, p, v, 0)
        return v
    }

    /// Memory, overlaid oldest to newest with the bytes of the thread's
    /// buffered stores to the same word: the newest bytes win.
    func loadThroughBuffer(_ t: Int, _ p: UnsafeMutablePointer<UInt64>) -> UInt64 {
        var v = p.pointee
        let base = t &* sbCapacity
        let mask = sbCapacity &- 1
        var i = sbHead[t]
        for _ in 0..<sbCount[t] {
            let e = sbEntries[base &+ i]
            if e.covers(p) { v = e.applied(to: v) }
            i = (i &+ 1) & mask
        }
        return v
    }

    /// A plain store of the bytes in `mask` (TSO: into the store buffer);
    /// with `words` > 1 the checker's poison over that many words from `p`
    /// (`Platform.ghostFill`, mask all ones), one buffer entry that reaches
    /// memory at one flush. With `update` add or or, a checker's record
    /// (`Platform.ghostAdd`, `ghostOr`): the entry adds (or ors) `value`
    /// into whatever memory holds when it gets there, so it becomes visible
    /// after the thread's earlier stores, as a locked instruction would,
    /// without draining them (docs/model.md, "The checker's records").
    ///
    /// Under TSO it is no scheduling point: entering the thread's own buffer
    /// is seen by nobody else, and the entry reaches memory at a flush the
    /// scheduler chooses; whatever other threads did between the thread's
    /// previous operation and this store, they can do after it with the
    /// same effects (docs/model.md, "Scheduling points"). Under SC, or
    /// outside an execution, it is a point and acts on memory at once.
    @inline(__always)
    func store(_ t: Int, _ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, mask: UInt64, op: SimOp, words: Int = 1,
               update: BufferedStore.Update = .store, ghost: Bool = false) {
        let e = BufferedStore(address: p, value: value & mask, mask: mask, words: Int32(words), update: update, ghost: ghost)
        if _fastPath(running && options.memoryModel == .tso) {
            // A thread's first operation consumes the decision that started
            // it (`point`): the store does here, and the next point decides.
            skipFirst = false
            enqueue(t, e)
        } else {
            point(t)
            _ = write(e)
        }
        note(op, t, p, 0, e.value)
    }

    @inline(__always)
    func enqueue(_ t: Int, _ e: BufferedStore) {
        // A full buffer writes its oldest entry first: always allowed in TSO,
        // and it keeps the buffers bounded.
        if _slowPath(sbCount[t] == sbCapacity) { flushOldest(t) }
        let slot = (sbHead[t] &+ sbCount[t]) & (sbCapacity &- 1)
        sbEntries[t &* sbCapacity &+ slot] = e
        sbCount[t] &+= 1
        flushable |= SimExecutor.bit(t)
    }

    /// Entry `e` reaches memory: its first word before and after.
    @inline(__always)
    func write(_ e: BufferedStore) -> (before: UInt64, after: UInt64) {
        let before = e.address.pointee
        let after = e.applied(to: before)
        e.address.pointee = after
        if _slowPath(e.words > 1) { (e.address + 1).update(repeating: e.value, count: Int(e.words) &- 1) }
        return (before, after)
    }

    /// The oldest entry of thread `t`'s store buffer reaches memory.
    func flushOldest(_ t: Int) {
        let e = sbEntries[t &* sbCapacity &+ sbHead[t]]
        let (before, after) = write(e)
        sbHead[t] = (sbHead[t] &+ 1) & (sbCapacity &- 1)
        sbCount[t] &-= 1
        if sbCount[t] == 0 { flushable &= ~SimExecutor.bit(t) }
        note(.flush, t, e.address, before, after)
    }

    /// Writes thread `t`'s whole buffer to memory, oldest first (a fence, a
    /// locked instruction).
    @inline(__always)
    func drain(_ t: Int) {
        while sbCount[t] != 0 { flushOldest(t) }
    }

    /// Every thread's buffer (membarrier: a grace period's full barriers).
    func drainAll() {
        var f = flushable
        while f != 0 {
            drain(f.trailingZeroBitCount)
            f &= f &- 1
        }
    }

    /// A locked read-modify-write: drains the buffer, then reads and writes
    /// memory in the same step. `f` returns the new value, nil to write nothing.
    @inline(__always)
    func atomicRMW(_ t: Int, _ p: UnsafeMutablePointer<UInt64>, _ op: SimOp, _ f: (UInt64) -> UInt64?) -> UInt64 {
        point(t)
        drain(t)
        let old = p.pointee
        if let new = f(old) { p.pointee = new }
        note(op, t, p, old, p.pointee)
        return old
    }

    @inline(__always)
    func fullBarrier(_ t: Int) {
        point(t)
        drain(t)
        note(.fullBarrier, t, nil, 0, 0)
    }

    // MARK: simulated RCU

    @inline(__always)
    func rcuReadLock(_ t: Int) {
        point(t)
        rcuNesting[t] &+= 1
        note(.rcuReadLock, t, nil, UInt64(rcuNesting[t]), 0)
    }

    @inline(__always)
    func rcuReadUnlock(_ t: Int) {
        point(t)
        guard running else { return }
        precondition(rcuNesting[t] > 0, "simulated thread \(t): rcu_read_unlock outside a read-side section")
        rcuNesting[t] &-= 1
        if rcuNesting[t] == 0 && graceWaiters != 0 { readerLeft(t) }
        note(.rcuReadUnlock, t, nil, UInt64(rcuNesting[t]), 0)
    }

    /// Reader `t` left its outermost read-side section: grace periods that
    /// were waiting only for it end.
    func readerLeft(_ t: Int) {
        var w = graceWaiters
        while w != 0 {
            let s = w.trailingZeroBitCount
            w &= w &- 1
            graceWait[s] &= ~SimExecutor.bit(t)
            if graceWait[s] == 0 {
                graceWaiters &= ~SimExecutor.bit(s)
                runnable |= SimExecutor.bit(s)
            }
        }
    }

    /// A grace period: every thread inside a read-side section when it
    /// begins must leave that section before it ends. Readers that enter
    /// later are not waited for. Called inside a read-side section, the
    /// thread waits for itself: a deadlock the executor reports. Both ends
    /// drain every store buffer (liburcu memb's membarrier calls: a full
    /// barrier on every CPU).
    func synchronizeRCU(_ t: Int) {
        point(t)
        guard running else { return }
        drainAll()
        var readers: UInt64 = 0
        for s in 0..<threadCount where rcuNesting[s] > 0 { readers |= SimExecutor.bit(s) }
        note(.synchronizeBegin, t, nil, readers, 0)
        if readers != 0 {
            graceWait[t] = readers
            graceWaiters |= SimExecutor.bit(t)
            runnable &= ~SimExecutor.bit(t)
            // Blocked: comes back when the last of those readers left and
            // this thread was chosen.
            decide(t, yielding: false)
            drainAll()
        }
        note(.synchronizeEnd, t, nil, readers, 0)
    }

    // MARK: the mmu-lock

    /// Takes `lock`: a thread whose next operation is taking a held lock is
    /// not runnable, so it is never scheduled to spin; it is chosen only once
    /// the lock is free. A full barrier.
    func lock(_ t: Int, _ lock: MMULock) {
        let owner = lock.owner
        guard running else { owner.pointee = UInt64(t + 1); return }
        pendingLock[t] = owner
        lockPending |= SimExecutor.bit(t)
        if owner.pointee != 0 || lock.readers.pointee != 0 { runnable &= ~SimExecutor.bit(t) }
        point(t)
        precondition(owner.pointee == 0 && lock.readers.pointee == 0, "simulated thread \(t) was scheduled to take a held lock")
        drain(t)
        owner.pointee = UInt64(t + 1)
        pendingLock[t] = nil
        lockPending &= ~SimExecutor.bit(t)
        locksHeld[t] &+= 1
        // Whoever else was about to take it must now wait.
        var w = lockPending
        while w != 0 {
            let s = w.trailingZeroBitCount
            w &= w &- 1
            if pendingLock[s] == owner { runnable &= ~SimExecutor.bit(s) }
        }
        note(.lock, t, owner, 0, UInt64(t + 1))
    }

    /// Releases `lock` (held by `t`). A full barrier.
    func unlock(_ t: Int, _ lock: MMULock) {
        let owner = lock.owner
        point(t)
        guard running else { owner.pointee = 0; return }
        precondition(owner.pointee == UInt64(t + 1),
                     "simulated thread \(t) released an mmu-lock it does not hold (owner word \(owner.pointee))")
        drain(t)
        owner.pointee = 0
        locksHeld[t] &-= 1
        refreshLockWaiters(lock)
        note(.unlock, t, owner, UInt64(t + 1), 0)
    }

    /// Takes `lock` for read: blocked only while a writer holds it, so
    /// readers run in parallel. A full barrier.
    func lockShared(_ t: Int, _ lock: MMULock) {
        let owner = lock.owner
        guard running else { lock.readers.pointee &+= 1; return }
        pendingLock[t] = owner
        lockPending |= SimExecutor.bit(t)
        sharedPending |= SimExecutor.bit(t)
        if owner.pointee != 0 { runnable &= ~SimExecutor.bit(t) }
        point(t)
        precondition(owner.pointee == 0, "simulated thread \(t) was scheduled to read-lock a write-held lock")
        drain(t)
        let before = lock.readers.pointee
        lock.readers.pointee = before &+ 1
        pendingLock[t] = nil
        lockPending &= ~SimExecutor.bit(t)
        sharedPending &= ~SimExecutor.bit(t)
        locksHeld[t] &+= 1
        refreshLockWaiters(lock)
        note(.lock, t, lock.readers, before, before &+ 1)
    }

    /// Releases a read hold of `lock`. A full barrier.
    func unlockShared(_ t: Int, _ lock: MMULock) {
        point(t)
        guard running else { lock.readers.pointee &-= 1; return }
        precondition(lock.readers.pointee > 0, "simulated thread \(t) released a read lock nobody holds")
        drain(t)
        let before = lock.readers.pointee
        lock.readers.pointee = before &- 1
        locksHeld[t] &-= 1
        refreshLockWaiters(lock)
        note(.unlock, t, lock.readers, before, before &- 1)
    }

    /// Every thread about to take `lock` is runnable exactly when it could
    /// take it now: a reader when no writer holds it, a writer when nobody does.
    func refreshLockWaiters(_ lock: MMULock) {
        let owner = lock.owner
        var w = lockPending
        while w != 0 {
            let s = w.trailingZeroBitCount
            w &= w &- 1
            guard pendingLock[s] == owner else { continue }
            let free = owner.pointee == 0 && (sharedPending & SimExecutor.bit(s) != 0 || lock.readers.pointee == 0)
            if free { runnable |= SimExecutor.bit(s) } else { runnable &= ~SimExecutor.bit(s) }
        }
    }

    // MARK: scheduling

    /// A spin-wait iteration: let the others move first.
    @inline(__always)
    func relax(_ t: Int) {
        if _slowPath(skipFirst) { skipFirst = false }
        decide(t, yielding: true)
        note(.relax, t, nil, 0, 0)
    }

    @inline(__always)
    func inFlight(_ t: Int) {
        point(t)
        note(.inFlight, t, nil, 0, 0)
    }

    @inline(__always)
    func perturb(_ t: Int, _ p: PerturbPoint) {
        point(t)
        note(.perturb, t, nil, UInt64(p.rawValue), 0)
    }
}
