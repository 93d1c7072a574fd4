import URCUShim

/// The small platform abstraction that every protocol path is written
/// against (docs/protocols.md). The native platform maps it onto real threads,
/// liburcu and real atomic instructions; the deterministic platform onto one
/// simulated thread at a time, simulated RCU and x86-TSO store buffers. The
/// paths are generic over `Platform` and specialised, so the native vCPU
/// loop compiles to straight-line code.
///
/// Every access to state that another thread may touch without holding the
/// mmu-lock goes through these methods. State touched only under the
/// mmu-lock, or private to one thread (a vCPU's TLB, its counters), does not.
public protocol Platform {
    /// The thread this platform value belongs to (vCPUs first, then mmu threads).
    var threadIndex: Int { get }
    /// The thread's own counters, event ring and random stream.
    var state: UnsafeMutablePointer<ThreadState> { get }

    // MARK: memory, x86 semantics
    /// A plain load (x86 `mov`: acquire).
    func load(_ p: UnsafeMutablePointer<UInt64>, at site: OperationSite) -> UInt64
    /// A plain store (x86 `mov`: release; may sit in the store buffer).
    func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite)
    /// A plain one-byte store into bits 56-63 of a 64-bit word.
    func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8, at site: OperationSite)
    /// `lock cmpxchg`: returns whether it exchanged and the value it found.
    func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                         at site: OperationSite) -> (exchanged: Bool, original: UInt64)
    /// `xchg`: returns the old value.
    func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) -> UInt64
    /// `lock or`: returns the old value.
    func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64
    /// `lock and`: returns the old value.
    func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64
    /// `lock xadd`: returns the old value.
    func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64, at site: OperationSite) -> UInt64
    /// `smp_mb()`: a full barrier (drains the store buffer).
    func fullBarrier(at site: OperationSite)

    // MARK: RCU
    func rcuReadLock(at site: OperationSite)
    func rcuReadUnlock(at site: OperationSite)
    /// Waits for a grace period; never inside a read-side section.
    func synchronizeRCU(at site: OperationSite)
    /// QSBR: a quiescent state (outside guest mode, between batches).
    func quiescentState()

    // MARK: the mmu-lock
    /// `write_lock` (the rmap-era protocols' `spin_lock`).
    func lock(_ lock: MMULock, at site: OperationSite)
    func unlock(_ lock: MMULock, at site: OperationSite)
    /// `read_lock(&kvm->mmu_lock)` (tdp-mmu): shared with other readers,
    /// excluded by a writer. Simulated readers run in parallel.
    func lockShared(_ lock: MMULock, at site: OperationSite)
    func unlockShared(_ lock: MMULock, at site: OperationSite)

    // MARK: composite operations of the paths
    /// Whether the composite operation at `site` runs: the remote TLB flush
    /// (`.remoteFlush`) and its wait for acknowledgements (`.flushWait`).
    /// Always natively; a mutant of the deterministic mode may skip one
    /// (docs/mutation.md).
    func performs(_ operation: SiteOperation, at site: OperationSite) -> Bool

    // MARK: scheduling
    /// The body of a spin-wait loop (`cpu_relax`; a scheduling point when simulated).
    func relax()
    /// A guest instruction has its translation and is about to access
    /// memory: a scheduling point in deterministic mode, nothing natively.
    /// A flush request posted after the vCPU last looked at its requests is
    /// taken only after this instruction (the kick's latency); without a
    /// point here a write through a TLB entry would be atomic with that look
    /// (docs/model.md, "Scheduling points").
    func instructionInFlight()
    /// A named perturbation point: seeded delays, spins or yields (docs/protocols.md).
    func perturb(_ point: PerturbPoint)
    /// A timestamp that orders this thread's trace events against the others'.
    func timestamp() -> UInt64
    /// A timestamp for a per-access event (`EventKind.isPerAccess`), which
    /// need not read the clock: it orders the event exactly among this
    /// thread's own and, against the other threads', no later than it
    /// happened (docs/model.md, "The trace clock"). Default: `timestamp()`.
    func sequencedTimestamp() -> UInt64

    // MARK: the checker
    /// Whether a full audit runs at the end of every mmu-lock critical
    /// section (the deterministic mode: simulated threads can afford it).
    var auditsEveryCriticalSection: Bool { get }
    /// The value this thread would load from `p` now (its own store buffer
    /// first), with no scheduling point and no step: every read the checker
    /// makes (audits, checks, ghost records). Default: the native load.
    func peek(_ p: UnsafeMutablePointer<UInt64>) -> UInt64
    /// The checker's poison over `count` consecutive words (a freed page):
    /// what `count` ghost stores of `value` would do, in order after the
    /// thread's earlier stores. Simulated, the words reach memory together,
    /// as one store-buffer entry. Default: one ghost store per word.
    func ghostFill(_ p: UnsafeMutablePointer<UInt64>, count: Int, _ value: UInt64)
    /// A checker's record: adds `delta` to a ghost counter, visible to the
    /// other threads no earlier than this thread's earlier stores. Natively
    /// a locked add (shared counters must not lose updates); simulated, a
    /// store-buffer entry applied when it reaches memory, so that the record
    /// does not drain the protocol's buffered stores (a fence the kernel
    /// does not have). Default: `fetchAdd` at the ghost site.
    func ghostAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64)
    /// A checker's flag or-ed into a word that may hold protocol bits too;
    /// ordered like `ghostAdd`. Default: `fetchOr` at the ghost site.
    func ghostOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64)
}

/// The operations as the paths call them: the call site fills in the
/// `OperationSite` (a constant the native platform never reads).
extension Platform {
    @inline(__always)
    public func load(_ p: UnsafeMutablePointer<UInt64>,
                     file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        load(p, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64,
                      file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        store(p, value, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8,
                             file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        storeTopByte(p, byte, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                                file: StaticString = #filePath, line: UInt = #line,
                                column: UInt = #column) -> (exchanged: Bool, original: UInt64) {
        compareExchange(p, expected: expected, desired: desired, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64,
                         file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        exchange(p, value, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64,
                        file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        fetchOr(p, mask, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64,
                         file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        fetchAnd(p, mask, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64,
                         file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) -> UInt64 {
        fetchAdd(p, delta, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func fullBarrier(file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        fullBarrier(at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func rcuReadLock(file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        rcuReadLock(at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func rcuReadUnlock(file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        rcuReadUnlock(at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func synchronizeRCU(file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        synchronizeRCU(at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func lock(_ lock: MMULock, file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        self.lock(lock, at: OperationSite(file: file, line: line, column: column))
    }
    @inline(__always)
    public func unlock(_ lock: MMULock, file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        self.unlock(lock, at: OperationSite(file: file, line: line, column: column))
    }

    public func lockShared(_ lock: MMULock, file: StaticString = #filePath, line: UInt = #line, column: UInt = #column) {
        lockShared(lock, at: OperationSite(file: file, line: line, column: column))
    }

    public func unlockShared(_ lock: MMULock, file: StaticString = #filePath, line: UInt = #line,
                             column: UInt = #column) {
        unlockShared(lock, at: OperationSite(file: file, line: line, column: column))
    }
}

/// The checker's ghost state: which gfns are protected, the flush clock,
/// the poison written into freed memory, which host pages were written;
/// and the guest's own data writes (the workload KVM serves). The paths
/// keep it, through the
/// platform like any shared word so that the checks see it in order, but
/// it is no part of the protocol (the kernel has none of it), so its
/// accesses are not sites a mutation sweep changes (docs/mutation.md).
extension Platform {
    /// A read of the checker's records: what this thread would load, with
    /// no scheduling point (`peek`).
    @inline(__always)
    public func ghostLoad(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { peek(p) }
    @inline(__always)
    public func ghostStore(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64) { store(p, value, at: .ghost) }
}

extension Platform {
    @inline(__always)
    public func peek(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { mmut_load_acquire(p) }
    @inline(__always)
    public func instructionInFlight() {}

    @inline(__always)
    public func ghostFill(_ p: UnsafeMutablePointer<UInt64>, count: Int, _ value: UInt64) {
        for i in 0..<count { ghostStore(p + i, value) }
    }
    @inline(__always)
    public func ghostAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64) { _ = fetchAdd(p, delta, at: .ghost) }
    @inline(__always)
    public func ghostOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) { _ = fetchOr(p, mask, at: .ghost) }
    @inline(__always)
    public var auditsEveryCriticalSection: Bool { false }
    @inline(__always)
    public func sequencedTimestamp() -> UInt64 { timestamp() }
}

extension Platform {
    /// Records a trace event in this thread's ring: a per-access event with
    /// a `sequencedTimestamp()` (the guest-access loop and the lockless fast
    /// path do not read the clock), every other with a `timestamp()`. The
    /// kind is a constant at every call site, so the choice folds away.
    @inline(__always)
    public func trace(_ kind: EventKind, gfn: Int, _ a: UInt64 = 0, _ b: UInt64 = 0) {
        guard state.pointee.tracing else { return }
        let time = kind.isPerAccess ? sequencedTimestamp() : timestamp()
        state.pointee.ring.record(TraceEvent(time: time, kind: kind, thread: threadIndex, gfn: gfn, a: a, b: b))
    }

    @inline(__always)
    public func count(_ c: Counter, _ n: UInt64 = 1) { state.pointee.count(c, n) }
}

/// The named points where the paths may be perturbed (seeded
/// delays, spins and yields; swarm-selected per run).
public enum PerturbPoint: Int, CaseIterable, Sendable {
    /// vcpu-id fast path: after the identification byte store, before the barrier.
    case afterSetID = 0
    /// vcpu-id fast path: between the barrier and the rmap flag check.
    case afterBarrier
    /// fast path: just before the final cmpxchg.
    case beforeFinalCmpxchg
    /// write-protect: inside the rmap scan, before each spte.
    case wpScan
    /// zap-obsolete: before freeing the zapped shadow pages.
    case beforeFree
    /// mmu notifier: between invalidate_range_start and _end.
    case notifierWindow
    /// `mmu_spte_update` and the W-clearing loops under the mmu-lock:
    /// between reading the old spte and writing the new one, the window in
    /// which a lockless change (the fast path's W, hardware's A/D) must
    /// not be lost. Native only (see `simulated`).
    case spteUpdate

    public var name: String {
        switch self {
        case .afterSetID: return "after-set-id"
        case .afterBarrier: return "after-barrier"
        case .beforeFinalCmpxchg: return "before-final-cmpxchg"
        case .wpScan: return "wp-scan"
        case .beforeFree: return "before-free"
        case .notifierWindow: return "notifier-window"
        case .spteUpdate: return "spte-update"
        }
    }

    /// Whether the deterministic mode has this point (a scheduling point
    /// the random walk may delay at). `spte-update` lies between a load and
    /// the update that follows it, which are two scheduling points already:
    /// the search can put anything between them, and an extra point would
    /// only lengthen every execution. Natively the window is a few
    /// instructions wide, and the point is there to widen it.
    @inline(__always)
    public var simulated: Bool { self != .spteUpdate }

    public init?(name: String) {
        guard let p = PerturbPoint.allCases.first(where: { $0.name == name }) else { return nil }
        self = p
    }
}
