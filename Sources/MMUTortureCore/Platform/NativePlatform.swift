#if canImport(Glibc)
import Glibc
#endif
import URCUShim

/// Per-thread perturbation settings: which points are switched on
/// this run (swarm testing), how often they fire and how hard.
public struct PerturbSettings: Sendable {
    /// Bit i set: `PerturbPoint(rawValue: i)` is active.
    public var activeMask: UInt64 = 0
    /// Fire with probability `threshold / 2^64`.
    public var threshold: UInt64 = 0
    public var maxDelayNanoseconds: UInt64 = 20_000
    /// Bit 0 delay, bit 1 spin, bit 2 yield.
    public var kinds: UInt64 = 0b111
    public init() {}

    public static let off = PerturbSettings()

    public init(activePoints: [PerturbPoint], probability: Double, maxDelayNanoseconds: UInt64, kinds: UInt64 = 0b111) {
        activeMask = activePoints.reduce(0) { $0 | (1 << UInt64($1.rawValue)) }
        threshold = probability >= 1 ? .max : UInt64(max(0, probability) * 18_446_744_073_709_551_615.0)
        self.maxDelayNanoseconds = maxDelayNanoseconds
        self.kinds = kinds == 0 ? 0b111 : kinds
    }

    public var activePoints: [PerturbPoint] { PerturbPoint.allCases.filter { activeMask & (1 << UInt64($0.rawValue)) != 0 } }
}

/// The native platform: real threads registered with liburcu flavour `R`,
/// real atomic instructions on real memory (through the C shim's `__atomic`
/// builtins, inlined), a pthread mutex for the mmu-lock. A trivial struct:
/// the paths specialise on it and keep no ARC traffic.
public struct NativePlatform<R: RCUFlavor>: Platform {
    public let threadIndex: Int
    public let state: UnsafeMutablePointer<ThreadState>
    public let perturbation: PerturbSettings

    public init(threadIndex: Int, state: UnsafeMutablePointer<ThreadState>, perturbation: PerturbSettings) {
        self.threadIndex = threadIndex
        self.state = state
        self.perturbation = perturbation
    }

    @inline(__always) public func load(_ p: UnsafeMutablePointer<UInt64>, at _: OperationSite) -> UInt64 { mmut_load_acquire(p) }
    @inline(__always) public func store(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at _: OperationSite) { mmut_store_release(p, value) }
    @inline(__always) public func storeTopByte(_ p: UnsafeMutablePointer<UInt64>, _ byte: UInt8, at _: OperationSite) { mmut_store_top_byte(p, byte) }
    @inline(__always)
    public func compareExchange(_ p: UnsafeMutablePointer<UInt64>, expected: UInt64, desired: UInt64,
                                at _: OperationSite) -> (exchanged: Bool, original: UInt64) {
        var e = expected
        let ok = mmut_cmpxchg(p, &e, desired)
        return (ok, ok ? expected : e)
    }
    @inline(__always) public func exchange(_ p: UnsafeMutablePointer<UInt64>, _ value: UInt64, at _: OperationSite) -> UInt64 { mmut_xchg(p, value) }
    @inline(__always) public func fetchOr(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at _: OperationSite) -> UInt64 { mmut_fetch_or(p, mask) }
    @inline(__always) public func fetchAnd(_ p: UnsafeMutablePointer<UInt64>, _ mask: UInt64, at _: OperationSite) -> UInt64 { mmut_fetch_and(p, mask) }
    @inline(__always) public func fetchAdd(_ p: UnsafeMutablePointer<UInt64>, _ delta: UInt64, at _: OperationSite) -> UInt64 { mmut_fetch_add(p, delta) }
    @inline(__always) public func fullBarrier(at _: OperationSite) { mmut_smp_mb() }

    @inline(__always) public func rcuReadLock(at _: OperationSite) {
        if R.name == .qsbr { state.pointee.rcuNesting &+= 1 }
        R.readLock()
    }
    @inline(__always) public func rcuReadUnlock(at _: OperationSite) {
        R.readUnlock()
        if R.name == .qsbr { state.pointee.rcuNesting &-= 1 }
    }
    public func synchronizeRCU(at _: OperationSite) { R.synchronize() }
    @inline(__always) public func quiescentState() { R.quiescentState() }

    @inline(__always)
    public func lock(_ lock: MMULock, at _: OperationSite) {
        // QSBR: a thread blocked on the lock must not hold up grace periods.
        if R.name == .qsbr {
            if pthread_rwlock_trywrlock(lock.rwlock) != 0 {
                if state.pointee.rcuNesting != 0 {
                    // Inside a read-side section (tdp-mmu's pages lock):
                    // spin online, the holder never waits for a grace period.
                    while pthread_rwlock_trywrlock(lock.rwlock) != 0 { mmut_cpu_relax() }
                } else {
                    R.threadOffline()
                    pthread_rwlock_wrlock(lock.rwlock)
                    R.threadOnline()
                }
            }
        } else {
            pthread_rwlock_wrlock(lock.rwlock)
        }
        mmut_store_relaxed(lock.owner, UInt64(threadIndex + 1))
    }

    @inline(__always)
    public func lockShared(_ lock: MMULock, at _: OperationSite) {
        if R.name == .qsbr {
            if pthread_rwlock_tryrdlock(lock.rwlock) != 0 {
                R.threadOffline()
                pthread_rwlock_rdlock(lock.rwlock)
                R.threadOnline()
            }
        } else {
            pthread_rwlock_rdlock(lock.rwlock)
        }
        _ = mmut_fetch_add(lock.readers, 1)
    }

    @inline(__always)
    public func unlockShared(_ lock: MMULock, at _: OperationSite) {
        _ = mmut_fetch_add(lock.readers, UInt64.max)
        pthread_rwlock_unlock(lock.rwlock)
    }
    @inline(__always)
    public func unlock(_ lock: MMULock, at _: OperationSite) {
        mmut_store_relaxed(lock.owner, 0)
        pthread_rwlock_unlock(lock.rwlock)
    }

    /// Natively every flush and every wait runs.
    @inline(__always) public func performs(_ operation: SiteOperation, at _: OperationSite) -> Bool { true }

    @inline(__always) public func relax() { mmut_cpu_relax() }
    /// The TSC, published as the trace clock's latest reading
    /// (docs/model.md, "The trace clock").
    @inline(__always)
    public func timestamp() -> UInt64 {
        let t = mmut_rdtsc()
        mmut_trace_clock_publish(t)
        return t
    }

    /// One more than the later of the thread's previous event and the
    /// latest published TSC reading; the TSC itself (published) at the
    /// thread's first event and every 64th after, so a run of per-access
    /// events never strays far from the clock. Never later than the TSC at
    /// the event: every reading it starts from was taken before it. Reading
    /// the TSC costs about 30 ns on this VM, which was two thirds of a
    /// fast-path fix's time (docs/model.md, "The trace clock").
    @inline(__always)
    public func sequencedTimestamp() -> UInt64 {
        if state.pointee.ring.next & 63 == 0 { return timestamp() }
        return max(state.pointee.ring.lastTime, mmut_trace_clock_seen()) &+ 1
    }

    @inline(__always)
    public func perturb(_ point: PerturbPoint) {
        if perturbation.activeMask & (1 << UInt64(point.rawValue)) != 0 {
            perturbSlow()
        }
    }

    @inline(never)
    func perturbSlow() {
        let r = state.pointee.perturbRNG.next()
        guard r <= perturbation.threshold else { return }
        let choice = state.pointee.perturbRNG.next()
        var k = UInt64(choice % 3)
        for _ in 0..<3 where perturbation.kinds & (1 << k) == 0 { k = (k + 1) % 3 }
        switch k {
        case 0: // delay: busy-wait on the clock for up to maxDelay
            let ns = perturbation.maxDelayNanoseconds == 0 ? 0 : (state.pointee.perturbRNG.next() % perturbation.maxDelayNanoseconds)
            let end = monotonicNanoseconds() &+ ns
            while monotonicNanoseconds() < end { mmut_cpu_relax() }
        case 1: // spin: a short burst of pause instructions
            let n = 1 + Int(state.pointee.perturbRNG.next() % 256)
            for _ in 0..<n { mmut_cpu_relax() }
        default: // yield the CPU: with more threads than cores, a preemption
            sched_yield()
        }
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
@inline(__always)
public func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
