/// The integer operations of herd's x86 instructions (`add`, `sub`, `and`,
/// `or`, `xor`, `inc`, `dec`), locked or not.
public enum HerdArithmetic: String, Sendable, CaseIterable {
    case add, sub, and, or, xor, inc, dec

    /// Whether it takes a source operand (`inc`, `dec` do not).
    public var takesSource: Bool { self != .inc && self != .dec }

    /// The new value of the destination (the caller keeps the width's bits).
    public func apply(_ old: UInt64, _ source: UInt64) -> UInt64 {
        switch self {
        case .add: return old &+ source
        case .sub: return old &- source
        case .and: return old & source
        case .or: return old | source
        case .xor: return old ^ source
        case .inc: return old &+ 1
        case .dec: return old &- 1
        }
    }

    /// How the simulator's trace names the locked form.
    var simOp: SimOp {
        switch self {
        case .and: return .fetchAnd
        case .or, .xor: return .fetchOr
        case .add, .sub, .inc, .dec: return .fetchAdd
        }
    }
}
