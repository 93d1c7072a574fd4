/// How a simulated execution ended.
public enum SimOutcome: String, Sendable, Equatable {
    /// Every thread returned and every store buffer drained.
    case completed
    /// No thread could move (all blocked on the mmu-lock or in grace
    /// periods, or finished) while some had not finished.
    case deadlock
    /// The execution reached `SimExecutor.Options.stepLimit` steps.
    case stepLimit = "step-limit"
}

/// The operations a simulated thread performs through `SimPlatform`, as
/// they appear in the step log and the trace hash.
public enum SimOp: UInt8, Sendable, CaseIterable {
    case load, store, storeTopByte, compareExchange, exchange, fetchOr, fetchAnd, fetchAdd
    case fullBarrier
    /// A store-buffer entry reached memory (a scheduled flush, or a drain
    /// by a fence, a locked instruction, lock/unlock or a grace period).
    case flush
    case lock, unlock
    case rcuReadLock, rcuReadUnlock, synchronizeBegin, synchronizeEnd
    case relax, perturb
    /// The thread's body returned.
    case finish
    /// A guest instruction between its translation and its memory effect
    /// (`Platform.instructionInFlight`).
    case inFlight
    /// A checker's record entering the store buffer (`Platform.ghostAdd`,
    /// `ghostOr`); it reaches memory at a flush, like a store.
    case ghostAdd, ghostOr

    public var name: String {
        switch self {
        case .load: return "load"
        case .store: return "store"
        case .storeTopByte: return "store-top-byte"
        case .compareExchange: return "cmpxchg"
        case .exchange: return "xchg"
        case .fetchOr: return "lock-or"
        case .fetchAnd: return "lock-and"
        case .fetchAdd: return "lock-xadd"
        case .fullBarrier: return "mfence"
        case .flush: return "flush"
        case .lock: return "lock"
        case .unlock: return "unlock"
        case .rcuReadLock: return "rcu-read-lock"
        case .rcuReadUnlock: return "rcu-read-unlock"
        case .synchronizeBegin: return "synchronize-rcu:begin"
        case .synchronizeEnd: return "synchronize-rcu:end"
        case .relax: return "relax"
        case .perturb: return "perturb"
        case .finish: return "finish"
        case .inFlight: return "in-flight"
        case .ghostAdd: return "ghost-add"
        case .ghostOr: return "ghost-or"
        }
    }
}

/// One operation in the step log (`SimExecutor.Options.recordSteps`).
/// Several entries share a step when a fence drains a store buffer.
public struct SimStep: Equatable, Sendable {
    /// The global step (what `SimPlatform.timestamp()` returned during it).
    public var step: UInt64
    public var thread: Int
    public var op: SimOp
    /// The word operated on (0 for fences, RCU operations, relax...). Raw
    /// addresses: compare them within one process only.
    public var address: UInt
    /// What the operation observed: the value loaded, the old value of a
    /// read-modify-write, the memory word before a flush, the readers a
    /// grace period waits for (bit mask), the perturbation point.
    public var read: UInt64
    /// What it wrote: the stored value (a top-byte store: the byte in bits
    /// 56-63), the word after a read-modify-write or a flush.
    public var written: UInt64

    public init(step: UInt64, thread: Int, op: SimOp, address: UInt, read: UInt64, written: UInt64) {
        self.step = step
        self.thread = thread
        self.op = op
        self.address = address
        self.read = read
        self.written = written
    }
}

/// What a simulated thread was doing when an execution ended.
public enum SimThreadStatus: Equatable, Sendable {
    case notStarted
    /// Could have moved (an execution cut short by the step limit).
    case runnable
    /// Waiting for the mmu-lock; `heldBy` the owning thread (nil: free, but
    /// the thread was not chosen before the end).
    case blockedOnLock(heldBy: Int?)
    /// In `synchronizeRCU`, waiting for these threads to leave the read-side
    /// sections they were in when the grace period began.
    case waitingForGracePeriod(readers: [Int])
    case finished
}

/// One thread's state at the end of an execution.
public struct SimThreadReport: Equatable, Sendable, CustomStringConvertible {
    public var thread: Int
    public var status: SimThreadStatus
    /// RCU read-side nesting depth.
    public var rcuNesting: Int
    /// mmu-locks held.
    public var locksHeld: Int
    /// Stores still in its store buffer.
    public var bufferedStores: Int
    /// The last operation it performed.
    public var lastOperation: SimOp?

    public var description: String {
        var s = "thread \(thread): "
        switch status {
        case .notStarted: s += "not started"
        case .runnable: s += "runnable"
        case .blockedOnLock(let h):
            s += "blocked on the mmu-lock" + (h.map { $0 == thread ? " (which it holds itself)" : " held by thread \($0)" } ?? "")
        case .waitingForGracePeriod(let readers):
            s += "in synchronize_rcu, waiting for the read-side section(s) of thread(s) "
                + readers.map(String.init).joined(separator: ", ")
            if readers.contains(thread) { s += " (its own: synchronize_rcu inside a read-side section)" }
        case .finished: s += "finished"
        }
        if rcuNesting > 0 { s += "; inside an RCU read-side section (nesting \(rcuNesting))" }
        if locksHeld > 0 { s += "; holds \(locksHeld) mmu-lock(s)" }
        if bufferedStores > 0 { s += "; \(bufferedStores) store(s) buffered" }
        if let op = lastOperation { s += "; last operation \(op.name)" }
        return s
    }
}

/// The result of one simulated execution.
public struct SimExecution: Sendable {
    public var outcome: SimOutcome
    /// Steps taken (forced decisions included; = the last timestamp).
    public var steps: UInt64
    /// Every decision taken at a point with a choice: print it with
    /// `schedule.description`, replay it with `ReplayScheduler`.
    public var schedule: SimSchedule
    /// A hash of the whole step sequence (step, thread, operation, values
    /// read and written; not addresses): equal hashes, same execution.
    public var traceHash: UInt64
    /// Every thread's state at the end.
    public var threads: [SimThreadReport]
    /// The operations, when `Options.recordSteps` is on.
    public var stepLog: [SimStep]
    /// Coroutine switches taken (the executor's own included: start and end).
    public var contextSwitches: UInt64
    public var elapsedNanoseconds: UInt64

    /// Every thread's state, one line each (for a deadlock report).
    public var threadStates: String { threads.map(\.description).joined(separator: "\n") }

    public var stepsPerSecond: Double { Double(steps) / max(Double(elapsedNanoseconds) / 1e9, 1e-9) }
}
