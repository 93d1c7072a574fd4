/// An instruction operand: a register, an immediate (`$1`, or a bare
/// number in Intel syntax), or a named memory location (`(x)` in AT&T,
/// `[x]` in Intel syntax). Addressing through a register (`(%rdi)`) is not
/// supported: the parser rejects it.
public enum HerdOperand: Equatable, Sendable {
    case register(HerdRegister)
    case immediate(Int64)
    case memory(String)

    public var isMemory: Bool { if case .memory = self { return true } else { return false } }
    public var register: HerdRegister? { if case .register(let r) = self { return r } else { return nil } }
}
