import URCUShim

/// The liburcu flavours mmutorture can run on, by the names the config uses.
public enum RCUFlavorName: String, CaseIterable, Codable, Sendable {
    case memb, qsbr, mb, bp
}

/// One face over every liburcu flavour: the rest of the code is generic over
/// `RCUFlavor` and never names a flavour, so the read-side fast path of the
/// configured one is inlined into the vCPU loop (no existential, no call).
///
/// The static requirements map 1:1 onto the C shim (`Shims/URCUShim`), which
/// includes one flavour per translation unit.
public protocol RCUFlavor {
    static var name: RCUFlavorName { get }
    /// Every thread that reads must be registered: an unregistered reader is
    /// silently not waited for. Use `RCUThread` rather than calling this.
    static func registerThread()
    static func unregisterThread()
    static func readLock()
    static func readUnlock()
    /// Whether the calling thread is inside a read-side critical section.
    static func readOngoing() -> Bool
    /// Waits for a grace period. Must not be called inside a read-side
    /// critical section (it would deadlock): debug builds trap instead.
    static func synchronize()
    /// Runs `callback(context)` on liburcu's call_rcu thread after a grace period.
    static func callRCU(_ callback: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ context: UnsafeMutableRawPointer?)
    /// Waits until every callback queued by `callRCU` so far has run.
    static func barrier()
    /// QSBR: report a quiescent state (no-op for the other flavours).
    static func quiescentState()
    /// QSBR: stop / resume being waited for around a blocking operation
    /// (no-op for the other flavours).
    static func threadOffline()
    static func threadOnline()
}

extension RCUFlavor {
    @inline(__always) public static func quiescentState() {}
    @inline(__always) public static func threadOffline() {}
    @inline(__always) public static func threadOnline() {}

    /// `synchronize`, checked: in debug builds a call from inside a read-side
    /// critical section is a clear assertion failure, not a silent hang.
    @inline(__always)
    static func checkNotInReadSection() {
        #if DEBUG
        precondition(!readOngoing(),
                     "RCU: synchronize_rcu/rcu_barrier called inside a read-side critical section (\(name)): this deadlocks")
        #endif
    }
}

/// liburcu-memb (membarrier syscall); read lock/unlock inlined from urcu/static.
public enum MembRCU: RCUFlavor {
    public static var name: RCUFlavorName { .memb }
    public static func registerThread() { mmut_memb_register_thread() }
    public static func unregisterThread() { mmut_memb_unregister_thread() }
    @inline(__always) public static func readLock() { mmut_memb_read_lock() }
    @inline(__always) public static func readUnlock() { mmut_memb_read_unlock() }
    @inline(__always) public static func readOngoing() -> Bool { mmut_memb_read_ongoing() != 0 }
    public static func synchronize() { checkNotInReadSection(); mmut_memb_synchronize() }
    public static func callRCU(_ cb: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ ctx: UnsafeMutableRawPointer?) { mmut_memb_call_rcu(cb, ctx) }
    public static func barrier() { checkNotInReadSection(); mmut_memb_barrier() }
}

/// liburcu-qsbr: reads are free, but an online thread must report quiescent
/// states, and go offline while it blocks; read lock/unlock inlined.
public enum QSBRRCU: RCUFlavor {
    public static var name: RCUFlavorName { .qsbr }
    public static func registerThread() { mmut_qsbr_register_thread() }
    public static func unregisterThread() { mmut_qsbr_unregister_thread() }
    @inline(__always) public static func readLock() { mmut_qsbr_read_lock() }
    @inline(__always) public static func readUnlock() { mmut_qsbr_read_unlock() }
    @inline(__always) public static func readOngoing() -> Bool { mmut_qsbr_read_ongoing() != 0 }
    public static func synchronize() { checkNotInReadSection(); mmut_qsbr_synchronize() }
    public static func callRCU(_ cb: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ ctx: UnsafeMutableRawPointer?) { mmut_qsbr_call_rcu(cb, ctx) }
    public static func barrier() { checkNotInReadSection(); mmut_qsbr_barrier() }
    @inline(__always) public static func quiescentState() { mmut_qsbr_quiescent_state() }
    @inline(__always) public static func threadOffline() { mmut_qsbr_thread_offline() }
    @inline(__always) public static func threadOnline() { mmut_qsbr_thread_online() }
}

/// liburcu-mb: full barriers on the read side (no signals, no membarrier).
public enum MBRCU: RCUFlavor {
    public static var name: RCUFlavorName { .mb }
    public static func registerThread() { mmut_mb_register_thread() }
    public static func unregisterThread() { mmut_mb_unregister_thread() }
    @inline(__always) public static func readLock() { mmut_mb_read_lock_outline() }
    @inline(__always) public static func readUnlock() { mmut_mb_read_unlock_outline() }
    @inline(__always) public static func readOngoing() -> Bool { mmut_mb_read_ongoing_outline() != 0 }
    public static func synchronize() { checkNotInReadSection(); mmut_mb_synchronize() }
    public static func callRCU(_ cb: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ ctx: UnsafeMutableRawPointer?) { mmut_mb_call_rcu(cb, ctx) }
    public static func barrier() { checkNotInReadSection(); mmut_mb_barrier() }
}

/// liburcu-bp ("bulletproof"): readers register lazily on first use;
/// explicit registration is still done so every flavour is driven alike.
public enum BPRCU: RCUFlavor {
    public static var name: RCUFlavorName { .bp }
    public static func registerThread() { mmut_bp_register_thread() }
    public static func unregisterThread() { mmut_bp_unregister_thread() }
    @inline(__always) public static func readLock() { mmut_bp_read_lock_outline() }
    @inline(__always) public static func readUnlock() { mmut_bp_read_unlock_outline() }
    @inline(__always) public static func readOngoing() -> Bool { mmut_bp_read_ongoing_outline() != 0 }
    public static func synchronize() { checkNotInReadSection(); mmut_bp_synchronize() }
    public static func callRCU(_ cb: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ ctx: UnsafeMutableRawPointer?) { mmut_bp_call_rcu(cb, ctx) }
    public static func barrier() { checkNotInReadSection(); mmut_bp_barrier() }
}

extension RCUFlavorName {
    /// The flavour type for a name, for the one place (the runner) that turns
    /// a configured name into a generic instantiation.
    public var flavorType: any RCUFlavor.Type {
        switch self {
        case .memb: return MembRCU.self
        case .qsbr: return QSBRRCU.self
        case .mb: return MBRCU.self
        case .bp: return BPRCU.self
        }
    }
}

/// Number of call_rcu callbacks that have run so far, all flavours.
public func rcuCallbacksRun() -> UInt64 { mmut_rcu_callbacks_run() }

/// No RCU at all: for a thread that never reads under RCU and must not be
/// registered (the main thread's final audit, after the others stopped).
public enum NoRCU: RCUFlavor {
    public static var name: RCUFlavorName { .mb }
    public static func registerThread() {}
    public static func unregisterThread() {}
    public static func readLock() {}
    public static func readUnlock() {}
    public static func readOngoing() -> Bool { false }
    public static func synchronize() {}
    public static func callRCU(_ cb: @convention(c) (UnsafeMutableRawPointer?) -> Void, _ ctx: UnsafeMutableRawPointer?) { cb(ctx) }
    public static func barrier() {}
}
