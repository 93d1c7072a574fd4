/// Reads one cell of a herd7 thread grid (labels already removed) as an
/// x86 instruction, in the test's dialect:
///
/// | dialect | operand order | immediate | memory | register |
/// | --- | --- | --- | --- | --- |
/// | `X86` (Intel, herd's `X86Parser`) | destination, source | `$1`, `1` | `[x]` | `EAX` |
/// | `X86_64` (AT&T, herd's `X86_64Parser`) | source, destination | `$1` | `(x)`, `[x]` | `%eax` |
///
/// Mnemonics: `mov`, `add`, `sub`, `and`, `or`, `xor`, `inc`, `dec`,
/// `xchg`, `xadd`, `cmpxchg` (each with an optional `b`/`w`/`l`/`q` size
/// suffix and, but for `mov`, an optional `lock` prefix), `mfence`,
/// `lfence`, `sfence`, in either case. The access width is the suffix's,
/// else the register operands', else the location's declared type. Anything
/// else (branches, `cmp`, `setnb`, addressing through a register) is an
/// error naming the line and the instruction.
struct HerdInstructionParser {
    let file: String
    let dialect: HerdDialect
    /// Declared widths of locations, for instructions with no register and no suffix.
    let locationWidths: [String: HerdWidth]

    static let arithmetic: [String: HerdArithmetic] = Dictionary(
        uniqueKeysWithValues: HerdArithmetic.allCases.map { ($0.rawValue, $0) })
    static let others: Set<String> = ["mov", "xchg", "xadd", "cmpxchg"]
    static let fences: Set<String> = ["mfence", "lfence", "sfence"]
    static let supported = "mov, add, sub, and, or, xor, inc, dec, xchg, xadd, cmpxchg (b/w/l/q suffixes, lock prefix), "
        + "mfence, lfence, sfence"

    func error(_ line: Int, _ message: String) -> HerdLitmusError {
        HerdLitmusError(file: file, line: line, message)
    }

    func parse(_ text: String, line: Int) throws -> HerdInstruction {
        var (mnemonic, rest) = HerdInstructionParser.splitWord(text)
        var locked = false
        if mnemonic == "lock" {
            locked = true
            (mnemonic, rest) = HerdInstructionParser.splitWord(rest)
            guard !mnemonic.isEmpty else { throw error(line, "'lock' prefix without an instruction in '\(text)'") }
        }
        guard let (base, suffixWidth) = HerdInstructionParser.base(of: mnemonic) else {
            throw error(line, "unknown instruction '\(text)' (supported: \(HerdInstructionParser.supported))")
        }
        var operands = try rest.isEmpty ? [] : rest.split(separator: ",", omittingEmptySubsequences: false).map {
            try operand(String($0).trimmingWhitespace(), instruction: text, line: line)
        }
        // AT&T writes the source first: put the destination first, as Intel does.
        if dialect == .x86_64 { operands.reverse() }

        if HerdInstructionParser.fences.contains(base) {
            guard operands.isEmpty else { throw error(line, "'\(base)' takes no operands: '\(text)'") }
            guard !locked else { throw error(line, "lock prefix on '\(base)': '\(text)'") }
            return HerdInstruction(base == "mfence" ? .mfence : .weakFence(base), width: .quad, line: line, text: text)
        }
        let arithmetic = HerdInstructionParser.arithmetic[base]
        let arity = (arithmetic.map { $0.takesSource } ?? true) ? 2 : 1
        guard operands.count == arity else {
            throw error(line, "'\(base)' takes \(arity) operand\(arity == 1 ? "" : "s"), found \(operands.count): '\(text)'")
        }
        // herd's X86_64 writes `cmpxchg mem,reg` and `xadd mem,reg` the Intel
        // way round; x86 assemblers write the register (source) first.
        if (base == "cmpxchg" || base == "xadd") && dialect == .x86_64 && operands[1].isMemory {
            operands.swapAt(0, 1)
        }
        let width = try accessWidth(operands, suffix: suffixWidth, text: text, line: line)
        let destination = operands[0]
        if case .immediate = destination { throw error(line, "cannot write to an immediate: '\(text)'") }
        if operands.count == 2 && operands[0].isMemory && operands[1].isMemory {
            throw error(line, "two memory operands: '\(text)'")
        }
        if locked && !destination.isMemory {
            throw error(line, "lock prefix needs a memory destination: '\(text)'")
        }
        let operation: HerdInstruction.Operation
        switch base {
        case "mov":
            guard !locked else { throw error(line, "lock prefix is not allowed on mov: '\(text)'") }
            operation = .move(destination: destination, source: operands[1])
        case "xchg":
            if case .immediate = operands[1] { throw error(line, "xchg needs two registers or a register and memory: '\(text)'") }
            operation = .exchange(destination, operands[1])
        case "xadd", "cmpxchg":
            guard let source = operands[1].register else {
                throw error(line, "\(base) needs a register source: '\(text)'")
            }
            operation = base == "xadd" ? .exchangeAdd(destination: destination, source: source)
                : .compareExchange(destination: destination, source: source)
        default:
            operation = .arithmetic(arithmetic!, destination: destination, source: operands.count == 2 ? operands[1] : nil)
        }
        return HerdInstruction(operation, width: width, locked: locked, line: line, text: text)
    }

    /// The suffix's width, else the registers' (which must agree with it and
    /// with each other), else the memory operand's declared width.
    func accessWidth(_ operands: [HerdOperand], suffix: HerdWidth?, text: String, line: Int) throws -> HerdWidth {
        let registerWidths = Set(operands.compactMap { $0.register?.width })
        if registerWidths.count > 1 || (suffix != nil && !registerWidths.isEmpty && registerWidths.first != suffix) {
            throw error(line, "operand size mismatch: '\(text)'")
        }
        if let w = suffix ?? registerWidths.first { return w }
        for case .memory(let x) in operands { return locationWidths[x] ?? .long }
        return .long
    }

    /// One operand in the dialect's syntax.
    func operand(_ s: String, instruction: String, line: Int) throws -> HerdOperand {
        func bad(_ why: String) -> HerdLitmusError { error(line, "\(why) '\(s)' in '\(instruction)'") }
        guard !s.isEmpty else { throw bad("missing operand") }
        if s.hasPrefix("$") {
            guard let v = HerdInstructionParser.integer(String(s.dropFirst())) else { throw bad("bad immediate") }
            return .immediate(v)
        }
        if let v = HerdInstructionParser.integer(s) { return .immediate(v) }
        if let inner = HerdInstructionParser.enclosed(s, "(", ")") ?? HerdInstructionParser.enclosed(s, "[", "]") {
            let name = inner.trimmingWhitespace()
            if name.hasPrefix("%") || HerdRegister.named(name, dialect: dialect) != nil {
                throw bad("addressing through a register is not supported:")
            }
            guard HerdInstructionParser.isIdentifier(name) else { throw bad("bad memory operand") }
            return .memory(name)
        }
        if dialect == .x86_64 {
            guard s.hasPrefix("%") else { throw bad("bad operand") }
            guard let r = HerdRegister.named(String(s.dropFirst()), dialect: dialect) else { throw bad("unknown register") }
            return .register(r)
        }
        guard let r = HerdRegister.named(s, dialect: dialect) else {
            throw bad(HerdInstructionParser.isIdentifier(s) ? "unknown register" : "bad operand")
        }
        return .register(r)
    }

    /// (base mnemonic, width of its size suffix) for a supported mnemonic.
    static func base(of mnemonic: String) -> (String, HerdWidth?)? {
        func known(_ m: String) -> Bool { arithmetic[m] != nil || others.contains(m) || fences.contains(m) }
        if known(mnemonic) { return (mnemonic, nil) }
        guard let last = mnemonic.last, let w = HerdWidth(suffix: last) else { return nil }
        let base = String(mnemonic.dropLast())
        guard known(base), !fences.contains(base) else { return nil }
        return (base, w)
    }

    /// The first word, lower-cased, and the rest, trimmed.
    static func splitWord(_ s: String) -> (String, String) {
        let t = s.trimmingWhitespace()
        guard let space = t.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (t.lowercased(), "") }
        return (t[..<space].lowercased(), String(t[space...]).trimmingWhitespace())
    }

    static func enclosed(_ s: String, _ open: Character, _ close: Character) -> String? {
        guard s.count >= 2, s.first == open, s.last == close else { return nil }
        return String(s.dropFirst().dropLast())
    }

    /// A decimal (optionally negative) or `0x` hexadecimal integer.
    static func integer(_ s: String) -> Int64? {
        var t = Substring(s)
        let negative = t.hasPrefix("-")
        if negative { t = t.dropFirst() }
        let magnitude: UInt64?
        if t.hasPrefix("0x") || t.hasPrefix("0X") {
            magnitude = UInt64(t.dropFirst(2), radix: 16)
        } else {
            magnitude = t.allSatisfy(\.isASCII) ? UInt64(t) : nil
        }
        guard let m = magnitude else { return nil }
        return negative ? Int64(bitPattern: 0 &- m) : Int64(bitPattern: m)
    }

    static func isIdentifier(_ s: String) -> Bool {
        guard let first = s.first, first.isLetter || first == "_" else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
