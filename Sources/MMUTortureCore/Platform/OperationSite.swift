/// Where a protocol path performs a shared-memory operation: the source
/// file, line and column of the call (docs/mutation.md). Every `Platform`
/// operation takes one; the paths never write it, the default arguments of
/// the `Platform` extension fill it in from the call site.
///
/// Natively a site is never read: the specialised paths drop it, so it costs
/// nothing (no argument, no load; the constant is dead code). The
/// deterministic mode reads it only while a mutation sweep records the sites
/// an execution reaches or applies a mutant at one of them.
public struct OperationSite: Sendable {
    /// `#filePath` of the call.
    public let file: StaticString
    public let line: UInt
    public let column: UInt

    @inline(__always)
    public init(file: StaticString, line: UInt, column: UInt) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// The site of every access to the checker's ghost state
    /// (`Platform.ghostStore`): outside the paths, never mutated.
    public static let ghost = OperationSite(file: "(ghost state)", line: 0, column: 0)

    /// Whether this is `ghost` (no call site has line 0): a constant
    /// wherever the site is one.
    @inline(__always)
    public var isGhost: Bool { line == 0 }

    /// The file relative to the repository (from `Sources/` or `Tests/`),
    /// as a person opens it.
    public var path: String { OperationSite.repositoryPath(file.description) }

    /// `path:line:column`, the site's stable name in reports and in the
    /// declared-equivalent list.
    public var name: String { "\(path):\(line):\(column)" }

    static func repositoryPath(_ full: String) -> String {
        for marker in ["/Sources/", "/Tests/"] {
            if let r = full.range(of: marker, options: .backwards) {
                return String(full[full.index(after: r.lowerBound)...])
            }
        }
        return full
    }
}

/// The kinds of shared-memory operation the paths make through `Platform`
/// (the sites a mutation sweep can change).
public enum SiteOperation: Int, CaseIterable, Sendable, CustomStringConvertible {
    case load, store, storeTopByte, compareExchange, exchange, fetchOr, fetchAnd, fetchAdd, fullBarrier
    case rcuReadLock, rcuReadUnlock, synchronizeRCU, lock, unlock
    /// The mmu-lock taken and released for read (`read_lock(&kvm->mmu_lock)`, tdp-mmu).
    case lockShared, unlockShared
    /// `kvm_flush_remote_tlbs`: the requests and the wait, as one operation.
    case remoteFlush
    /// The wait for the vCPUs' acknowledgements inside a remote flush.
    case flushWait

    /// The locked read-modify-writes.
    public var isReadModifyWrite: Bool {
        switch self {
        case .compareExchange, .exchange, .fetchOr, .fetchAnd, .fetchAdd: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .load: return "load"
        case .store: return "store"
        case .storeTopByte: return "store-top-byte"
        case .compareExchange: return "cmpxchg"
        case .exchange: return "xchg"
        case .fetchOr: return "fetch-or"
        case .fetchAnd: return "fetch-and"
        case .fetchAdd: return "fetch-add"
        case .fullBarrier: return "smp-mb"
        case .rcuReadLock: return "rcu-read-lock"
        case .rcuReadUnlock: return "rcu-read-unlock"
        case .synchronizeRCU: return "synchronize-rcu"
        case .lock: return "lock"
        case .unlock: return "unlock"
        case .lockShared: return "lock-shared"
        case .unlockShared: return "unlock-shared"
        case .remoteFlush: return "remote-flush"
        case .flushWait: return "flush-wait"
        }
    }
}
