/// A platform operation handed to a `MutationOperator`: what the path asked
/// for, and what the mutated operation returns.
public struct MutatedOperation {
    public let kind: SiteOperation
    /// The word of a memory operation.
    public let address: UnsafeMutablePointer<UInt64>?
    /// The bytes a plain store writes (all ones; `0xFF << 56` for the top byte).
    public let mask: UInt64
    /// A plain store's value (already shifted into `mask`).
    public let value: UInt64
    /// cmpxchg: the value it compares with, and the one it writes.
    public let expected: UInt64
    public let desired: UInt64
    /// A read-modify-write: the new value from the old one, nil to write nothing.
    public let update: ((UInt64) -> UInt64?)?
    /// lock / unlock: the lock.
    public let lock: MMULock?

    /// A read-modify-write's old value.
    public var result: UInt64 = 0
    /// cmpxchg: whether it reports success.
    public var exchanged = false
    /// A composite operation (remote flush, wait): whether it runs.
    public var performs = false

    init(kind: SiteOperation, address: UnsafeMutablePointer<UInt64>? = nil, value: UInt64 = 0, mask: UInt64 = ~0,
         expected: UInt64 = 0, desired: UInt64 = 0, update: ((UInt64) -> UInt64?)? = nil, lock: MMULock? = nil) {
        self.kind = kind
        self.address = address
        self.value = value
        self.mask = mask
        self.expected = expected
        self.desired = desired
        self.update = update
        self.lock = lock
    }

    /// The executor's name for a read-modify-write of this kind.
    var simOp: SimOp {
        switch kind {
        case .compareExchange: return .compareExchange
        case .exchange: return .exchange
        case .fetchOr: return .fetchOr
        case .fetchAnd: return .fetchAnd
        case .fetchAdd: return .fetchAdd
        case .storeTopByte: return .storeTopByte
        default: return .store
        }
    }
}
