/// One instruction of a thread, in a form both dialects share: what it
/// does, the width of its accesses, whether it carries the `lock` prefix
/// (an `xchg` with memory is locked without one, as on x86), and where it
/// was written.
public struct HerdInstruction: Equatable, Sendable {
    public enum Operation: Equatable, Sendable {
        /// `mov`: register, memory or immediate source; never memory to memory.
        case move(destination: HerdOperand, source: HerdOperand)
        /// `mfence`: drains the store buffer.
        case mfence
        /// `lfence`, `sfence`: no effect on ordinary (write-back) memory
        /// under x86-TSO; they order only non-temporal and string stores
        /// (Intel SDM vol. 3A 8.2.5), which herd's tests here do not use.
        case weakFence(String)
        /// `add`, `sub`, `and`, `or`, `xor`, `inc`, `dec` (source nil for the last two).
        case arithmetic(HerdArithmetic, destination: HerdOperand, source: HerdOperand?)
        /// `xchg`: locked when an operand is memory.
        case exchange(HerdOperand, HerdOperand)
        /// `xadd`: the destination gets the sum, the source register the old value.
        case exchangeAdd(destination: HerdOperand, source: HerdRegister)
        /// `cmpxchg`: if the destination equals the accumulator (`eax`/`rax`
        /// at the width), it gets the source; else the accumulator gets it.
        case compareExchange(destination: HerdOperand, source: HerdRegister)
    }

    public let operation: Operation
    public let width: HerdWidth
    public let locked: Bool
    /// 1-based line in the file.
    public let line: Int
    /// The instruction as written.
    public let text: String

    public init(_ operation: Operation, width: HerdWidth, locked: Bool = false, line: Int, text: String) {
        self.operation = operation
        self.width = width
        self.locked = locked
        self.line = line
        self.text = text
    }

    /// The locations it names.
    public var locations: [String] {
        let operands: [HerdOperand?]
        switch operation {
        case .move(let d, let s): operands = [d, s]
        case .mfence, .weakFence: operands = []
        case .arithmetic(_, let d, let s): operands = [d, s]
        case .exchange(let a, let b): operands = [a, b]
        case .exchangeAdd(let d, _), .compareExchange(let d, _): operands = [d]
        }
        return operands.compactMap { if case .memory(let x)? = $0 { return x } else { return nil } }
    }
}
