/// The executor's side of mutation testing: setting a sweep up, and the
/// primitives the operators build their mutated operations from.
extension SimExecutor {
    /// Applies `mutation` to every following execution (nil: none), and
    /// records the sites they reach when `recordSites`.
    public func configureMutation(_ mutation: SimMutation?, recordSites: Bool) {
        precondition(!running, "mutation testing is configured between executions")
        mutations = mutation == nil && !recordSites
            ? nil : SimMutationState(target: mutation, recording: recordSites, threads: threadCount)
    }

    /// The sites reached since `configureMutation(_:recordSites: true)`.
    public var reachedSites: Set<ReachedSite> { Set(mutations?.reached.values ?? [:].values) }

    /// The operator to apply at `site`, nil for the operation as written.
    @inline(never)
    func mutant(at site: OperationSite, _ operation: SiteOperation, thread t: Int) -> (any MutationOperator)? {
        guard running, let m = mutations else { return nil }
        return m.visit(site, operation, thread: t)
    }

    /// Executions so far in which the mutant was infected (its operation did
    /// something the original would not have), the current one included.
    public var infectedExecutions: Int {
        guard let m = mutations else { return 0 }
        return m.infectedExecutions + (m.infectedNow ? 1 : 0)
    }

    /// The mutated operation behaved differently from the original.
    func noteInfection() { mutations?.infectedNow = true }

    /// The protocol's stores in thread `t`'s buffer (not the checker's
    /// ghost entries): a fence or a locked instruction would have drained
    /// them.
    func bufferedProtocolStores(_ t: Int) -> Int {
        var n = 0, i = sbHead[t]
        for _ in 0..<sbCount[t] {
            if !sbEntries[t &* sbCapacity &+ i].ghost { n &+= 1 }
            i = (i &+ 1) & (sbCapacity &- 1)
        }
        return n
    }

    /// The value thread `t` would load from `p` now (its own buffer first),
    /// without a scheduling point.
    func peek(_ t: Int, _ p: UnsafeMutablePointer<UInt64>) -> UInt64 {
        sbCount[t] == 0 ? p.pointee : loadThroughBuffer(t, p)
    }

    /// A scheduling point that does nothing (an operation a mutant removed).
    func skippedOperation(_ t: Int) {
        point(t)
        note(.perturb, t, nil, 0xFF, 0)
    }

    /// A plain load through the thread's store buffer.
    func plainLoad(_ t: Int, _ p: UnsafeMutablePointer<UInt64>) -> UInt64 { load(t, p) }

    /// A plain store into the thread's store buffer.
    func plainStore(_ t: Int, _ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, mask: UInt64) {
        store(t, p, value, mask: mask, op: mask == ~0 ? .store : .storeTopByte)
    }

    /// A locked read that writes nothing (a read-modify-write whose store
    /// was removed): drains the buffer, returns the word.
    func lockedRead(_ t: Int, _ p: UnsafeMutablePointer<UInt64>, _ op: SimOp) -> UInt64 {
        atomicRMW(t, p, op) { _ in nil }
    }

    /// Releases `lock` without draining the store buffer first: the unlock
    /// becomes visible before the critical section's buffered stores, as if
    /// it had been moved before them.
    func unlockOvertakingStores(_ t: Int, _ lock: MMULock) {
        let owner = lock.owner
        point(t)
        guard running else { owner.pointee = 0; return }
        precondition(owner.pointee == UInt64(t + 1),
                     "simulated thread \(t) released an mmu-lock it does not hold (owner word \(owner.pointee))")
        owner.pointee = 0
        locksHeld[t] &-= 1
        var w = lockPending
        while w != 0 {
            let s = w.trailingZeroBitCount
            w &= w &- 1
            if pendingLock[s] == owner { runnable |= SimExecutor.bit(s) }
        }
        note(.unlock, t, owner, UInt64(t + 1), 0)
    }

    /// Releases a read hold of `lock` without draining the store buffer
    /// first (`early-unlock` of `read_unlock`): a writer waiting for the
    /// readers can take the lock while this reader's stores are still
    /// buffered.
    func unlockSharedOvertakingStores(_ t: Int, _ lock: MMULock) {
        point(t)
        guard running else { lock.readers.pointee &-= 1; return }
        precondition(lock.readers.pointee > 0, "simulated thread \(t) released a read lock nobody holds")
        let before = lock.readers.pointee
        lock.readers.pointee = before &- 1
        locksHeld[t] &-= 1
        refreshLockWaiters(lock)
        note(.unlock, t, lock.readers, before, before &- 1)
    }
}
