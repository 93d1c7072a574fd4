/// The deterministic platform: the same `Platform` the protocol
/// paths are written against, implemented by a `SimExecutor` that runs one
/// simulated thread at a time.
///
/// - Every operation (load, store, read-modify-write, barrier, lock, unlock,
///   RCU operation, perturbation point, relax) is a scheduling point: the
///   scheduler picks which thread moves next. When it picks the same thread
///   there is no context switch.
/// - Memory is x86-TSO (or SC, `SimExecutor.Options.memoryModel`): stores of
///   any width go into the thread's FIFO store buffer (`storeTopByte` is a
///   one-byte store into bits 56-63); a load takes the newest buffered bytes
///   of its own thread that it overlaps, memory for the rest; the scheduler
///   decides when each buffered store reaches memory; `fullBarrier` and the
///   locked read-modify-writes drain the buffer first and act atomically.
/// - RCU: `synchronizeRCU` blocks until every thread that was inside a
///   read-side section when it began has left it; `quiescentState` does
///   nothing (no QSBR semantics are modelled).
/// - The mmu-lock: a thread is not runnable while the lock it wants is held
///   (`MMULock.owner` = writer + 1, `MMULock.readers` = read holders; a
///   writer waits for both, a reader only for the writer, so readers run in
///   parallel); lock and unlock are full barriers.
/// - `timestamp()` is the global step counter, so trace events are ordered
///   exactly as they happened.
///
/// A trivial value: the executor is referenced without reference counting,
/// so the platform must not outlive it (it is only handed to thread bodies
/// while an execution runs, or made by `SimExecutor.platform(thread:)`).
public struct SimPlatform: Platform {
    let unmanagedExecutor: Unmanaged<SimExecutor>
    public let threadIndex: Int
    public let state: UnsafeMutablePointer<ThreadState>

    init(executor: SimExecutor, threadIndex: Int, state: UnsafeMutablePointer<ThreadState>) {
        unmanagedExecutor = Unmanaged.passUnretained(executor)
        self.threadIndex = threadIndex
        self.state = state
    }

    /// The executor, for the cold paths (a strong reference: retained).
    var executor: SimExecutor { unmanagedExecutor.takeUnretainedValue() }

    /// Calls `body` with the executor as a guaranteed reference: the
    /// operations' hot path. (An `unowned(unsafe)` reference is retained
    /// and released around every call made through it.)
    @inline(__always)
    func withExecutor<R>(_ body: (SimExecutor) -> R) -> R { unmanagedExecutor._withUnsafeGuaranteedRef(body) }

    /// Whether a mutation sweep is on: one load of a flag, no reference.
    @inline(__always)
    var mutationsOn: Bool { withExecutor { $0.mutationsOn } }

    // MARK: memory
    // Each operation first asks the executor whether a mutant applies at
    // its site, only while a mutation sweep is on (docs/mutation.md).

    @inline(__always)
    public func load(_ p: UnsafeMutablePointer<UInt64>, at site: OperationSite) -> UInt64 {
        if _slowPath(mutationsOn) { _ = executor.mutant(at: site, .load, thread: threadIndex) }
        return withExecutor { $0.load(threadIndex, p) }
    }

    @inline(__always)
    public func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) {
        if _slowPath(mutationsOn), let m = executor.mutant(at: site, .store, thread: threadIndex) {
            var op = MutatedOperation(kind: .store, address: p, value: value)
            m.perform(&op, on: executor, thread: threadIndex)
            return
        }
        withExecutor { $0.store(threadIndex, p, value, mask: ~0, op: .store, ghost: site.isGhost) }
    }

    /// Little-endian: byte 7 of the word is bits 56-63.
    @inline(__always)
    public func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8, at site: OperationSite) {
        if _slowPath(mutationsOn), let m = executor.mutant(at: site, .storeTopByte, thread: threadIndex) {
            var op = MutatedOperation(kind: .storeTopByte, address: p, value: UInt64(byte) << 56, mask: 0xFF00_0000_0000_0000)
            m.perform(&op, on: executor, thread: threadIndex)
            return
        }
        withExecutor { $0.store(threadIndex, p, UInt64(byte) << 56, mask: 0xFF00_0000_0000_0000, op: .storeTopByte) }
    }

    /// A plain store of the bytes `mask` selects, the others untouched (a
    /// narrower x86 store: `movb`, `movw`, `movl` into the low bytes).
    @inline(__always)
    public func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, mask: UInt64) {
        withExecutor { $0.store(threadIndex, p, value, mask: mask, op: .store) }
    }

    /// A locked read-modify-write of any kind (`lock add`, `lock cmpxchg`
    /// on part of the word, ...): `f` maps the old value to the new one, nil
    /// to write nothing; returns the old value. `op` names it in the trace.
    @inline(__always)
    public func lockedUpdate(_ p: UnsafeMutablePointer<UInt64>, _ op: SimOp, _ f: (UInt64) -> UInt64?) -> UInt64 {
        withExecutor { $0.atomicRMW(threadIndex, p, op, f) }
    }

    /// A read-modify-write of kind `kind` that a mutant changes, or nil.
    @inline(never)
    func mutatedRMW(_ p: UnsafeMutablePointer<UInt64>, _ kind: SiteOperation, at site: OperationSite,
                    expected: UInt64 = 0, desired: UInt64 = 0,
                    _ f: @escaping (UInt64) -> UInt64?) -> MutatedOperation? {
        guard let m = executor.mutant(at: site, kind, thread: threadIndex) else { return nil }
        var op = MutatedOperation(kind: kind, address: p, expected: expected, desired: desired, update: f)
        m.perform(&op, on: executor, thread: threadIndex)
        return op
    }

    @inline(__always)
    public func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                                at site: OperationSite) -> (exchanged: Bool, original: UInt64) {
        if _slowPath(mutationsOn),
           let op = mutatedRMW(p, .compareExchange, at: site, expected: expected, desired: desired, { $0 == expected ? desired : nil }) {
            return (op.exchanged, op.result)
        }
        let old = withExecutor { $0.atomicRMW(threadIndex, p, .compareExchange) { $0 == expected ? desired : nil } }
        return (old == expected, old)
    }

    @inline(__always)
    public func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) -> UInt64 {
        if _slowPath(mutationsOn), let op = mutatedRMW(p, .exchange, at: site, { _ in value }) { return op.result }
        return withExecutor { $0.atomicRMW(threadIndex, p, .exchange) { _ in value } }
    }

    @inline(__always)
    public func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        if _slowPath(mutationsOn), let op = mutatedRMW(p, .fetchOr, at: site, { $0 | mask }) { return op.result }
        return withExecutor { $0.atomicRMW(threadIndex, p, .fetchOr) { $0 | mask } }
    }

    @inline(__always)
    public func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        if _slowPath(mutationsOn), let op = mutatedRMW(p, .fetchAnd, at: site, { $0 & mask }) { return op.result }
        return withExecutor { $0.atomicRMW(threadIndex, p, .fetchAnd) { $0 & mask } }
    }

    @inline(__always)
    public func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64, at site: OperationSite) -> UInt64 {
        if _slowPath(mutationsOn), let op = mutatedRMW(p, .fetchAdd, at: site, { $0 &+ delta }) { return op.result }
        return withExecutor { $0.atomicRMW(threadIndex, p, .fetchAdd) { $0 &+ delta } }
    }

    /// The operation `kind` (no memory word) changed by a mutant at `site`:
    /// whether one applied.
    @inline(never)
    func mutated(_ kind: SiteOperation, at site: OperationSite, lock: MMULock? = nil) -> MutatedOperation? {
        guard let m = executor.mutant(at: site, kind, thread: threadIndex) else { return nil }
        var op = MutatedOperation(kind: kind, lock: lock)
        m.perform(&op, on: executor, thread: threadIndex)
        return op
    }

    @inline(__always)
    public func fullBarrier(at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.fullBarrier, at: site) != nil { return }
        withExecutor { $0.fullBarrier(threadIndex) }
    }

    @inline(__always)
    public var auditsEveryCriticalSection: Bool { withExecutor { $0.options.auditEveryCriticalSection } }
    /// Through this thread's store buffer, without a scheduling point.
    @inline(__always)
    public func peek(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { withExecutor { $0.peek(threadIndex, p) } }
    public func ghostFill(_ p: UnsafeMutablePointer<UInt64>, count: Int, _ value: UInt64) {
        guard count > 0 else { return }
        // Not a ghost entry: the poison stands for what the allocator
        // writes into a freed page, the protocol's memory.
        withExecutor { $0.store(threadIndex, p, value, mask: ~0, op: .store, words: count) }
    }
    /// A store-buffer entry that adds `delta` when it reaches memory
    /// (`SimExecutor.store`).
    @inline(__always)
    public func ghostAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64) {
        withExecutor { $0.store(threadIndex, p, delta, mask: ~0, op: .ghostAdd, update: .add, ghost: true) }
    }
    @inline(__always)
    public func ghostOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) {
        withExecutor { $0.store(threadIndex, p, mask, mask: ~0, op: .ghostOr, update: .or, ghost: true) }
    }

    // MARK: RCU
    @inline(__always) public func rcuReadLock(at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.rcuReadLock, at: site) != nil { return }
        withExecutor { $0.rcuReadLock(threadIndex) }
    }
    @inline(__always) public func rcuReadUnlock(at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.rcuReadUnlock, at: site) != nil { return }
        withExecutor { $0.rcuReadUnlock(threadIndex) }
    }
    public func synchronizeRCU(at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.synchronizeRCU, at: site) != nil { return }
        withExecutor { $0.synchronizeRCU(threadIndex) }
    }
    /// No QSBR semantics are modelled: not even a scheduling point.
    @inline(__always) public func quiescentState() {}

    // MARK: the mmu-lock
    public func lock(_ lock: MMULock, at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.lock, at: site, lock: lock) != nil { return }
        withExecutor { $0.lock(threadIndex, lock) }
    }
    public func unlock(_ lock: MMULock, at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.unlock, at: site, lock: lock) != nil { return }
        withExecutor { $0.unlock(threadIndex, lock) }
    }

    /// The reader side of the mmu-lock (tdp-mmu).
    public func lockShared(_ lock: MMULock, at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.lockShared, at: site, lock: lock) != nil { return }
        withExecutor { $0.lockShared(threadIndex, lock) }
    }
    public func unlockShared(_ lock: MMULock, at site: OperationSite) {
        if _slowPath(mutationsOn), mutated(.unlockShared, at: site, lock: lock) != nil { return }
        withExecutor { $0.unlockShared(threadIndex, lock) }
    }

    // MARK: composite operations
    /// Whether the remote flush (or its wait) at `site` runs: always,
    /// unless a mutant removes it.
    @inline(__always)
    public func performs(_ operation: SiteOperation, at site: OperationSite) -> Bool {
        if _slowPath(mutationsOn), let op = mutated(operation, at: site) { return op.performs }
        return true
    }

    // MARK: scheduling
    /// A spin-wait iteration: a scheduling point at which this thread lets
    /// every other enabled choice go first.
    @inline(__always) public func relax() { withExecutor { $0.relax(threadIndex) } }
    @inline(__always) public func instructionInFlight() { withExecutor { $0.inFlight(threadIndex) } }
    /// A scheduling point (the scheduler is the perturbation).
    @inline(__always) public func perturb(_ point: PerturbPoint) {
        guard point.simulated else { return }
        withExecutor { $0.perturb(threadIndex, point) }
    }
    /// The global step counter.
    @inline(__always) public func timestamp() -> UInt64 { withExecutor { $0.step } }

    /// The next number of the execution's seeded data stream (not a
    /// scheduling point): the one source of randomness a simulated thread
    /// may use besides its own `ThreadState` streams.
    public func random() -> UInt64 { executor.scheduler.nextRandom() }
}
