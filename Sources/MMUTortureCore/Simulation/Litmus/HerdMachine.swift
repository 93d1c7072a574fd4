/// One thread of a herd7 test executing its instructions on the simulated
/// platform (see `HerdLitmusTest.explore` for what each instruction does).
struct HerdMachine {
    /// An operand with its location resolved to a memory slot.
    enum Operand {
        case register(Int, HerdWidth)
        case immediate(UInt64)
        case memory(Int)

        init(_ o: HerdOperand, slot: [String: Int]) {
            switch o {
            case .register(let r): self = .register(r.index, r.width)
            case .immediate(let v): self = .immediate(UInt64(bitPattern: v))
            case .memory(let x): self = .memory(slot[x]!)
            }
        }
    }

    /// An instruction ready to run.
    struct Step {
        let instruction: HerdInstruction
        let operands: [Operand]

        init(_ instruction: HerdInstruction, slot: [String: Int]) {
            self.instruction = instruction
            let list: [HerdOperand]
            switch instruction.operation {
            case .move(let d, let s): list = [d, s]
            case .mfence, .weakFence: list = []
            case .arithmetic(_, let d, let s): list = [d] + (s.map { [$0] } ?? [])
            case .exchange(let a, let b): list = [a, b]
            case .exchangeAdd(let d, let s), .compareExchange(let d, let s): list = [d, .register(s)]
            }
            operands = list.map { Operand($0, slot: slot) }
        }
    }

    let platform: SimPlatform
    let memory: UnsafeMutablePointer<UInt64>
    /// This thread's registers.
    let registers: UnsafeMutablePointer<UInt64>

    func read(_ o: Operand, _ mask: UInt64) -> UInt64 {
        switch o {
        case .register(let i, _): return registers[i] & mask
        case .immediate(let v): return v & mask
        case .memory(let i): return platform.load(memory + i) & mask
        }
    }

    func write(_ o: Operand, _ value: UInt64, _ width: HerdWidth) {
        let mask = width.mask
        switch o {
        case .register(let i, _):
            registers[i] = width >= .long ? value & mask : (registers[i] & ~mask) | (value & mask)
        case .immediate: preconditionFailure("the parser rejects immediate destinations")
        case .memory(let i): platform.store(memory + i, value & mask, mask: mask)
        }
    }

    /// A locked read-modify-write of the low bytes `mask` of slot `i`:
    /// `f` maps their old value to the new one (nil: no write); returns the old.
    func locked(_ i: Int, _ op: SimOp, _ mask: UInt64, _ f: (UInt64) -> UInt64?) -> UInt64 {
        platform.lockedUpdate(memory + i, op) { word in
            f(word & mask).map { (word & ~mask) | ($0 & mask) }
        } & mask
    }

    func run(_ step: Step) {
        let ins = step.instruction
        let width = ins.width, mask = width.mask
        let ops = step.operands
        switch ins.operation {
        case .move:
            write(ops[0], read(ops[1], mask), width)
        case .mfence:
            platform.fullBarrier()
        case .weakFence:
            break
        case .arithmetic(let a, _, _):
            let source = ops.count == 2 ? read(ops[1], mask) : 0
            if ins.locked, case .memory(let i) = ops[0] {
                _ = locked(i, a.simOp, mask) { a.apply($0, source) }
            } else {
                write(ops[0], a.apply(read(ops[0], mask), source), width)
            }
        case .exchange:
            if case .memory(let i) = ops[0] {
                let value = read(ops[1], mask)
                write(ops[1], locked(i, .exchange, mask) { _ in value }, width)
            } else if case .memory(let i) = ops[1] {
                let value = read(ops[0], mask)
                write(ops[0], locked(i, .exchange, mask) { _ in value }, width)
            } else {
                let a = read(ops[0], mask), b = read(ops[1], mask)
                write(ops[0], b, width)
                write(ops[1], a, width)
            }
        case .exchangeAdd:
            let source = read(ops[1], mask)
            let old: UInt64
            if ins.locked, case .memory(let i) = ops[0] {
                old = locked(i, .fetchAdd, mask) { $0 &+ source }
            } else {
                old = read(ops[0], mask)
                write(ops[0], old &+ source, width)
            }
            write(ops[1], old, width)
        case .compareExchange:
            let source = read(ops[1], mask)
            let accumulator = Operand.register(0, width)
            let expected = read(accumulator, mask)
            let old: UInt64
            if ins.locked, case .memory(let i) = ops[0] {
                old = locked(i, .compareExchange, mask) { $0 == expected ? source : nil }
            } else {
                // Without lock: a read, then a write of the new value or, on
                // a mismatch, of the old one (Intel SDM vol. 2A, CMPXCHG).
                old = read(ops[0], mask)
                write(ops[0], old == expected ? source : old, width)
            }
            if old != expected { write(accumulator, old, width) }
        }
    }
}
