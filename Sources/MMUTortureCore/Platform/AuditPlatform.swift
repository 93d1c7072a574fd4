/// The platform of the deterministic mode's audit after every critical
/// section: loads read what the thread would see (`Platform.peek`: its own
/// store buffer first, then memory; no scheduling point, no step), so the
/// audit does not change the schedule; everything else is the base
/// platform's. Valid right after an operation, before the thread's next
/// one (no other thread moves in between): after the simulated unlock, a
/// full barrier, the buffer is empty; where a mutant moved the unlock
/// earlier, the thread still sees its own late stores. An audit only
/// loads, counts and reports.
struct AuditPlatform<Base: Platform>: Platform {
    let base: Base
    init(_ base: Base) { self.base = base }

    @inline(__always) var threadIndex: Int { base.threadIndex }
    @inline(__always) var state: UnsafeMutablePointer<ThreadState> { base.state }
    @inline(__always) func load(_ p: UnsafeMutablePointer<UInt64>, at _: OperationSite) -> UInt64 { peek(p) }
    @inline(__always) func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) {
        base.store(p, value, at: site)
    }
    @inline(__always) func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8, at site: OperationSite) {
        base.storeTopByte(p, byte, at: site)
    }
    @inline(__always)
    func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                         at site: OperationSite) -> (exchanged: Bool, original: UInt64) {
        base.compareExchange(p, expected: expected, desired: desired, at: site)
    }
    @inline(__always) func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at site: OperationSite) -> UInt64 {
        base.exchange(p, value, at: site)
    }
    @inline(__always) func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        base.fetchOr(p, mask, at: site)
    }
    @inline(__always) func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at site: OperationSite) -> UInt64 {
        base.fetchAnd(p, mask, at: site)
    }
    @inline(__always) func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64, at site: OperationSite) -> UInt64 {
        base.fetchAdd(p, delta, at: site)
    }
    @inline(__always) func fullBarrier(at site: OperationSite) { base.fullBarrier(at: site) }
    @inline(__always) func rcuReadLock(at site: OperationSite) { base.rcuReadLock(at: site) }
    @inline(__always) func rcuReadUnlock(at site: OperationSite) { base.rcuReadUnlock(at: site) }
    @inline(__always) func synchronizeRCU(at site: OperationSite) { base.synchronizeRCU(at: site) }
    @inline(__always) func quiescentState() { base.quiescentState() }
    @inline(__always) func lock(_ lock: MMULock, at site: OperationSite) { base.lock(lock, at: site) }
    @inline(__always) func unlock(_ lock: MMULock, at site: OperationSite) { base.unlock(lock, at: site) }
    @inline(__always) func lockShared(_ lock: MMULock, at site: OperationSite) { base.lockShared(lock, at: site) }
    @inline(__always) func unlockShared(_ lock: MMULock, at site: OperationSite) { base.unlockShared(lock, at: site) }
    @inline(__always) func performs(_ operation: SiteOperation, at site: OperationSite) -> Bool {
        base.performs(operation, at: site)
    }
    @inline(__always) func relax() { base.relax() }
    @inline(__always) func instructionInFlight() { base.instructionInFlight() }
    @inline(__always) func perturb(_ point: PerturbPoint) { base.perturb(point) }
    @inline(__always) func timestamp() -> UInt64 { base.timestamp() }
    @inline(__always) var auditsEveryCriticalSection: Bool { false }
    @inline(__always) func peek(_ p: UnsafeMutablePointer<UInt64>) -> UInt64 { base.peek(p) }
    @inline(__always) func ghostFill(_ p: UnsafeMutablePointer<UInt64>, count: Int, _ value: UInt64) {
        base.ghostFill(p, count: count, value)
    }
    @inline(__always) func ghostAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64) { base.ghostAdd(p, delta) }
    @inline(__always) func ghostOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64) { base.ghostOr(p, mask) }
}
