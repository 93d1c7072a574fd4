#if canImport(Glibc)
import Glibc
#endif

/// A plain native (pthread) thread running a closure.
public final class NativeThread {
    private var thread: pthread_t?

    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    public init(stackSize: Int = 1 << 20, _ body: @escaping () -> Void) {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setstacksize(&attr, stackSize)
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attr, { raw in
            let box = Unmanaged<NativeThread.Box>.fromOpaque(raw!).takeRetainedValue()
            box.body()
            return nil
        }, context)
        pthread_attr_destroy(&attr)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        thread = tid
    }

    /// Waits for the thread to finish.
    public func join() {
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
    }
}

/// Starts a native thread that is registered with the RCU flavour `R` for as
/// long as its body runs and unregistered when it returns. Unregistered
/// readers are silently not waited for by liburcu, so every thread of the
/// harness that may read under RCU is started through this function.
public func spawnRCUThread<R: RCUFlavor>(_ flavor: R.Type, stackSize: Int = 1 << 20,
                                         _ body: @escaping () -> Void) -> NativeThread {
    NativeThread(stackSize: stackSize) {
        R.registerThread()
        body()
        R.unregisterThread()
    }
}

/// Runs `body` with the calling thread registered with `R` (for the main
/// thread or a test's thread).
public func withRCURegistration<R: RCUFlavor, T>(_ flavor: R.Type, _ body: () throws -> T) rethrows -> T {
    R.registerThread()
    defer { R.unregisterThread() }
    return try body()
}
