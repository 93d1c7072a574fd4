/// `SimPlatform` with the perturbation points reported to a `PerturbHook`;
/// every other operation is `SimPlatform`'s own. The protocol paths and
/// the thread bodies run on it unchanged (they are generic over `Platform`).
struct HookedPlatform: Platform {
    let base: SimPlatform
    let slot: UnsafeMutablePointer<UInt64>
    let ops: UnsafeMutablePointer<UInt64>

    init(_ base: SimPlatform, hook: PerturbHook) {
        self.base = base
        slot = hook.slots + base.threadIndex
        ops = hook.ops + base.threadIndex
    }

    @inline(__always) var threadIndex: Int { base.threadIndex }
    @inline(__always) var state: UnsafeMutablePointer<ThreadState> { base.state }
    static let fieldMask: UInt64 = (1 << 20) - 1
    /// An operation other than a load or relax completed.
    @inline(__always) func done() { ops.pointee = ((ops.pointee >> 40) &+ 1) << 40 }

    /// A load (or a point with no effect) completed: the low field counts
    /// them since the last other operation, saturating.
    @inline(__always) func loadDone() {
        if ops.pointee & HookedPlatform.fieldMask != HookedPlatform.fieldMask { ops.pointee &+= 1 }
    }

    @inline(__always) func load(_ p: UnsafeMutablePointer<UInt64>, at site: OperationSite) -> UInt64 {
        let v = base.load(p, at: site)
        loadDone()
        return v
    }
    @inline(__always) func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) {
        base.store(p, value, at: site); done()
    }
    @inline(__always) func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8, at site: OperationSite) {
        base.storeTopByte(p, byte, at: site); done()
    }
    @inline(__always)
    func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                         at site: OperationSite) -> (exchanged: Bool, original: UInt64) {
        let r = base.compareExchange(p, expected: expected, desired: desired, at: site)
        done()
        return r
    }
    @inline(__always) func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) -> UInt64 {
        let v = base.exchange(p, value, at: site); done(); return v
    }
    @inline(__always) func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        let v = base.fetchOr(p, mask, at: site); done(); return v
    }
    @inline(__always) func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        let v = base.fetchAnd(p, mask, at: site); done(); return v
    }
    @inline(__always) func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64, at site: OperationSite) -> UInt64 {
        let v = base.fetchAdd(p, delta, at: site); done(); return v
    }
    @inline(__always) func fullBarrier(at site: OperationSite) { base.fullBarrier(at: site); done() }
    @inline(__always) func rcuReadLock(at site: OperationSite) { base.rcuReadLock(at: site); done() }
    @inline(__always) func rcuReadUnlock(at site: OperationSite) { base.rcuReadUnlock(at: site); done() }
    func synchronizeRCU(at site: OperationSite) { base.synchronizeRCU(at: site); done() }
    @inline(__always) func quiescentState() { base.quiescentState() }
    func lock(_ lock: MMULock, at site: OperationSite) { base.lock(lock, at: site); done() }
    func unlock(_ lock: MMULock, at site: OperationSite) { base.unlock(lock, at: site); done() }
    func lockShared(_ lock: MMULock, at site: OperationSite) { base.lockShared(lock, at: site); done() }
    func unlockShared(_ lock: MMULock, at site: OperationSite) { base.unlockShared(lock, at: site); done() }
    @inline(__always) func performs(_ operation: SiteOperation, at site: OperationSite) -> Bool {
        base.performs(operation, at: site)
    }
    /// A spin iteration.
    @inline(__always) func relax() {
        base.relax()
        let spins = (ops.pointee >> 20) & HookedPlatform.fieldMask
        ops.pointee = (ops.pointee >> 40) << 40 | (min(spins &+ 1, HookedPlatform.fieldMask) << 20)
    }
    @inline(__always) func timestamp() -> UInt64 { base.timestamp() }
    @inline(__always) var auditsEveryCriticalSection: Bool { base.auditsEveryCriticalSection }
    @inline(__always) func peek(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { base.peek(p) }
    /// A scheduling point with no effect: counted like a load, so that a
    /// segment can end just before or just after it.
    @inline(__always) func instructionInFlight() {
        base.instructionInFlight()
        loadDone()
    }
    @inline(__always) func ghostFill(_ p: UnsafeMutablePointer<UInt64>, count: Int, _ value: UInt64) {
        base.ghostFill(p, count: count, value); done()
    }
    @inline(__always) func ghostAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64) { base.ghostAdd(p, delta); done() }
    @inline(__always) func ghostOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) { base.ghostOr(p, mask); done() }

    @inline(__always)
    func perturb(_ point: PerturbPoint) {
        guard point.simulated else { return }
        slot.pointee = ((slot.pointee >> 8) &+ 1) << 8 | UInt64(point.rawValue + 1)
        base.perturb(point)
        slot.pointee &= ~0xFF
        done()
    }
}
