/// The initial-state block of a herd7 test as `HerdLitmusParser` reads it,
/// one item at a time: `x=1`, `[x]=1`, `uint64_t x`, `int x=1`, `0:rax=1`,
/// `0:EAX=1`, `int 0:rax=1`. Values are decimal or `0x` hexadecimal
/// integers; pointers and registers holding a location's address
/// (`0:rdi=x`) need addressing through a register, which is not modelled.
struct HerdInitialState {
    let parser: HerdLitmusParser
    let dialect: HerdDialect
    var memory: [String: Int64] = [:]
    var widths: [String: HerdWidth] = [:]
    var registers: [HerdObservable: Int64] = [:]
    /// Where each register was set, to check its thread once the grid is read.
    var registerLines: [(HerdObservable, Int)] = []
    /// Locations in order of first appearance.
    var locations: [String] = []

    init(parser: HerdLitmusParser, dialect: HerdDialect) {
        self.parser = parser
        self.dialect = dialect
    }

    mutating func add(_ item: String, line: Int) throws {
        guard !item.isEmpty else { return }
        let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        let words = parts[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let target = words.last else { throw parser.error(line, "expected a location or register before '=' in '\(item)'") }
        let type = words.dropLast().joined(separator: " ")
        if item.contains("*") {
            throw parser.error(line, "pointer declaration '\(item)': addressing through a register is not supported")
        }
        var value: Int64 = 0
        if parts.count == 2 {
            let text = String(parts[1]).trimmingWhitespace()
            if let v = HerdInstructionParser.integer(text) {
                value = v
            } else if HerdInstructionParser.isIdentifier(text) {
                throw parser.error(line, "'\(target)' is initialised to the address of '\(text)': addressing through a register is not supported")
            } else {
                throw parser.error(line, "bad initial value '\(text)' for '\(target)'")
            }
        }
        if let colon = target.firstIndex(of: ":") {
            guard let thread = Int(target[..<colon]), thread >= 0 else {
                throw parser.error(line, "bad register '\(target)' in the initial state (expected N:REG)")
            }
            var name = Substring(target[target.index(after: colon)...])
            if name.hasPrefix("%") { name = name.dropFirst() }
            guard let r = HerdRegister.named(String(name), dialect: dialect) else {
                throw parser.error(line, "unknown register '\(name)' in the initial state")
            }
            let o = HerdObservable.register(thread: thread, r)
            registers[o] = value
            registerLines.append((o, line))
            return
        }
        let name = target.hasPrefix("[") && target.hasSuffix("]") ? String(target.dropFirst().dropLast()) : target
        guard HerdInstructionParser.isIdentifier(name) else {
            throw parser.error(line, "bad location name '\(target)' in the initial state")
        }
        if !type.isEmpty {
            guard let w = HerdWidth(cType: type) else { throw parser.error(line, "unsupported type '\(type)' for '\(name)'") }
            widths[name] = w
        }
        if parts.count == 2 { memory[name] = value }
        if !locations.contains(name) { locations.append(name) }
    }
}
