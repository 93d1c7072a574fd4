/// Reads what follows a herd7 test's thread grid: the final condition
/// (`exists`, `~exists` or `forall`, then a proposition over atoms
/// `N:REG=v`, `x=v`, `[x]=v` with `/\`, `\/`, `~`, parentheses, `true`,
/// `false`; `~` binds tightest, then `/\`, then `\/`) and an optional
/// `locations [x; 0:rax;]` clause, before or after it, over any number of
/// lines.
struct HerdConditionParser {
    enum Token: Equatable {
        case symbol(String)   // ( ) [ ] ; : = ~ /\ \/
        case number(Int64)
        case word(String)

        var text: String {
            switch self {
            case .symbol(let s), .word(let s): return s
            case .number(let n): return String(n)
            }
        }
    }

    let file: String
    let dialect: HerdDialect
    let threadCount: Int
    /// The line reported when the text ends too early (the file's last).
    let lastLine: Int

    private var tokens: [(token: Token, line: Int)] = []
    private var position = 0

    init(file: String, dialect: HerdDialect, threadCount: Int, lastLine: Int) {
        self.file = file
        self.dialect = dialect
        self.threadCount = threadCount
        self.lastLine = lastLine
    }

    struct Result {
        var quantifier: HerdQuantifier
        var condition: HerdCondition
        var line: Int
        var locations: [HerdObservable]
    }

    func error(_ line: Int, _ message: String) -> HerdLitmusError {
        HerdLitmusError(file: file, line: line, message)
    }

    /// Parses `lines` (1-based line number, text).
    mutating func parse(_ lines: [(Int, String)]) throws -> Result {
        tokens = try lines.flatMap { try tokenize($0.1, line: $0.0) }
        position = 0
        var found: (HerdQuantifier, HerdCondition, Int)?
        var locations: [HerdObservable] = []
        while let (token, line) = peek() {
            switch token {
            case .word("locations"):
                position += 1
                try expect(.symbol("["), after: "locations")
                while peek()?.token != .symbol("]") {
                    let o = try observable()
                    if !locations.contains(o) { locations.append(o) }
                    if peek()?.token == .symbol(";") { position += 1 }
                }
                position += 1
            case .word("filter"):
                throw error(line, "'filter' clauses are not supported")
            case .word("exists"), .word("forall"), .symbol("~"):
                guard found == nil else { throw error(line, "a second final condition: '\(token.text)'") }
                var quantifier: HerdQuantifier = token == .word("forall") ? .forall : .exists
                position += 1
                if token == .symbol("~") {
                    guard peek()?.token == .word("exists") else {
                        throw error(line, "expected 'exists' after '~' to start the final condition")
                    }
                    position += 1
                    quantifier = .notExists
                }
                found = (quantifier, try disjunction(), line)
            default:
                throw error(line, found == nil
                    ? "expected the final condition (exists, ~exists or forall), found '\(token.text)'"
                    : "unexpected '\(token.text)' after the final condition")
            }
        }
        guard let (quantifier, condition, line) = found else {
            throw error(lastLine, "missing final condition (exists, ~exists or forall)")
        }
        return Result(quantifier: quantifier, condition: condition, line: line, locations: locations)
    }

    // MARK: the proposition

    private mutating func disjunction() throws -> HerdCondition { try binary(0) }

    /// Level 0: operands joined by `\/`, each of level 1: operands joined
    /// by `/\`, each a `unary`.
    private mutating func binary(_ level: Int) throws -> HerdCondition {
        let symbol = Token.symbol(level == 0 ? "\\/" : "/\\")
        var c = level == 0 ? try binary(1) : try unary()
        while peek()?.token == symbol {
            position += 1
            let rhs = level == 0 ? try binary(1) : try unary()
            c = level == 0 ? .or(c, rhs) : .and(c, rhs)
        }
        return c
    }

    private mutating func unary() throws -> HerdCondition {
        guard let (token, _) = peek() else { throw error(endLine, "the final condition ends too early") }
        switch token {
        case .symbol("~"):
            position += 1
            return .not(try unary())
        case .symbol("("):
            position += 1
            let c = try disjunction()
            try expect(.symbol(")"), after: "the condition")
            return c
        case .word("true"), .word("false"):
            position += 1
            return .constant(token == .word("true"))
        default:
            let o = try observable()
            try expect(.symbol("="), after: "'\(o)'")
            guard let (valueToken, valueLine) = next() else { throw error(endLine, "missing value after '\(o)='") }
            switch valueToken {
            case .number(let v): return .atom(o, v)
            case .word(let w):
                throw error(valueLine, "'\(o)=\(w)': comparing with the address of a location is not supported")
            case .symbol(let s): throw error(valueLine, "expected a value after '\(o)=', found '\(s)'")
            }
        }
    }

    /// `N:REG`, `x` or `[x]`.
    private mutating func observable() throws -> HerdObservable {
        guard let (token, line) = next() else { throw error(endLine, "the final condition ends too early") }
        switch token {
        case .number(let n):
            try expect(.symbol(":"), after: "thread number \(n)")
            guard let (nameToken, nameLine) = next(), case .word(let name) = nameToken else {
                throw error(line, "expected a register after '\(n):'")
            }
            guard n >= 0 && n < Int64(threadCount) else {
                throw error(nameLine, "register \(n):\(name) of thread \(n), but the test has \(threadCount) thread"
                    + (threadCount == 1 ? "" : "s"))
            }
            guard let r = HerdRegister.named(name, dialect: dialect) else {
                throw error(nameLine, "unknown register '\(name)' in \(n):\(name)")
            }
            return .register(thread: Int(n), r)
        case .symbol("["):
            guard let (nameToken, _) = next(), case .word(let name) = nameToken else {
                throw error(line, "expected a location after '['")
            }
            try expect(.symbol("]"), after: "[\(name)")
            return .location(name)
        case .word(let name) where !["exists", "forall", "locations", "filter", "true", "false"].contains(name):
            return .location(name)
        default:
            throw error(line, "expected a register (N:REG) or a location, found '\(token.text)'")
        }
    }

    // MARK: tokens

    private var endLine: Int { tokens.last?.line ?? lastLine }

    private func peek() -> (token: Token, line: Int)? { position < tokens.count ? tokens[position] : nil }

    private mutating func next() -> (token: Token, line: Int)? {
        defer { position += 1 }
        return peek()
    }

    private mutating func expect(_ token: Token, after what: String) throws {
        guard let (t, line) = next() else { throw error(endLine, "expected '\(token.text)' after \(what)") }
        guard t == token else { throw error(line, "expected '\(token.text)' after \(what), found '\(t.text)'") }
    }

    func tokenize(_ text: String, line: Int) throws -> [(token: Token, line: Int)] {
        let chars = Array(text)
        var out: [(token: Token, line: Int)] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if i + 1 < chars.count, (c == "/" && chars[i + 1] == "\\") || (c == "\\" && chars[i + 1] == "/") {
                out.append((.symbol(String(chars[i...i + 1])), line))
                i += 2
                continue
            }
            if "()[];:=~".contains(c) {
                out.append((.symbol(String(c)), line))
                i += 1
                continue
            }
            if c.isASCII && (c.isNumber || (c == "-" && i + 1 < chars.count && chars[i + 1].isNumber)) {
                var j = i + 1
                while j < chars.count && chars[j].isASCII && (chars[j].isHexDigit || chars[j] == "x" || chars[j] == "X") { j += 1 }
                let literal = String(chars[i..<j])
                guard let v = HerdInstructionParser.integer(literal) else {
                    throw error(line, "bad number '\(literal)' in the final condition")
                }
                out.append((.number(v), line))
                i = j
                continue
            }
            if c.isASCII && (c.isLetter || c == "_") {
                var j = i + 1
                while j < chars.count && chars[j].isASCII && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                out.append((.word(String(chars[i..<j])), line))
                i = j
                continue
            }
            throw error(line, "unexpected character '\(c)' in the final condition")
        }
        return out
    }
}
