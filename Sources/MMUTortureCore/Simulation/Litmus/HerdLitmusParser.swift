import Foundation

/// Reads litmus tests in herd7's format (herdtools7's `doc/herd.txt`,
/// "Litmus tests") for x86, in both dialects (`HerdDialect`):
///
///     X86_64 SB                        header: architecture and name
///     "PodWR Fre PodWR Fre"            metadata: quoted lines, Key=value lines
///     Cycle=Fre PodWR Fre PodWR
///     { x=0; uint64_t y; 0:rax=0; }    initial state: locations, registers, typed declarations
///      P0            | P1            ; the thread grid: one column per thread,
///      movl $1,(x)   | movl $1,(y)   ; one instruction per cell (empty cells,
///      movl (y),%eax | L0:           ; `LABEL:` prefixes allowed)
///     locations [x;]                   optional: more to show in each final state
///     exists (0:rax=0 /\ 1:rax=0)      the final condition (`HerdConditionParser`)
///
/// `(* comments *)` (nested, as in OCaml) may appear anywhere. Every error
/// is a `HerdLitmusError` naming the file and the line.
public struct HerdLitmusParser {
    public let file: String

    public init(file: String) {
        self.file = file
    }

    /// Parses `text`, read from `file` (used in error messages only).
    public static func parse(_ text: String, file: String) throws -> HerdLitmusTest {
        try HerdLitmusParser(file: file).parse(text)
    }

    /// Reads and parses the file at `path`.
    public static func load(path: String) throws -> HerdLitmusTest {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw HerdLitmusError(file: path, line: 0, "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw HerdLitmusError(file: path, line: 0, "not UTF-8 text")
        }
        return try parse(text, file: path)
    }

    /// `path` itself if it is a file, else the `*.litmus` files in the
    /// directory `path`, sorted by name.
    public static func litmusFiles(at path: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw HerdLitmusError(file: path, line: 0, "no such file or directory")
        }
        guard isDirectory.boolValue else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let files = names.filter { $0.hasSuffix(".litmus") }.sorted()
        guard !files.isEmpty else { throw HerdLitmusError(file: path, line: 0, "no *.litmus files in the directory") }
        return files.map { (path.hasSuffix("/") ? path : path + "/") + $0 }
    }

    func error(_ line: Int, _ message: String) -> HerdLitmusError {
        HerdLitmusError(file: file, line: line, message)
    }

    public func parse(_ text: String) throws -> HerdLitmusTest {
        let lines = try HerdLitmusParser.removingComments(text, file: file)
            .split(separator: "\n", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        let lastLine = max(1, lines.last == "" ? lines.count - 1 : lines.count)
        var i = 0
        func skipBlank() { while i < lines.count && lines[i].isEmpty { i += 1 } }

        // Header.
        skipBlank()
        guard i < lines.count else { throw error(lastLine, "empty test: expected a header like 'X86_64 SB'") }
        let header = lines[i].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard let dialect = HerdDialect(rawValue: header[0]) else {
            throw error(i + 1, "architecture '\(header[0])' is not supported: only X86 and X86_64 tests run on the x86-TSO simulator")
        }
        guard header.count >= 2 else { throw error(i + 1, "missing test name after '\(header[0])'") }
        guard header.count == 2 else { throw error(i + 1, "unexpected text after the test name: '\(lines[i])'") }
        let name = header[1]
        i += 1

        // Metadata, up to the initial state.
        var documentation: [String] = []
        var metadata: [(key: String, value: String)] = []
        while i < lines.count && !lines[i].hasPrefix("{") {
            let line = lines[i]
            if line.hasPrefix("\"") {
                guard line.count >= 2, line.hasSuffix("\"") else { throw error(i + 1, "unterminated quoted line: \(line)") }
                documentation.append(String(line.dropFirst().dropLast()))
            } else if let eq = line.firstIndex(of: "="), HerdInstructionParser.isIdentifier(String(line[..<eq])) {
                metadata.append((String(line[..<eq]), String(line[line.index(after: eq)...])))
            } else if !line.isEmpty {
                throw error(i + 1, "expected a quoted line, a Key=value line or the initial state '{', found '\(line)'")
            }
            i += 1
        }
        guard i < lines.count else { throw error(lastLine, "missing the initial state block '{ ... }'") }

        // Initial state: items separated by ';' or line ends, up to '}'.
        var state = HerdInitialState(parser: self, dialect: dialect)
        let blockStart = i + 1
        var rest = Substring(lines[i].dropFirst())
        while true {
            let (body, closed) = rest.firstIndex(of: "}").map { (rest[..<$0], true) } ?? (rest, false)
            for item in body.split(separator: ";") { try state.add(String(item).trimmingWhitespace(), line: i + 1) }
            if closed {
                let after = rest[rest.index(after: rest.firstIndex(of: "}")!)...]
                guard after.allSatisfy({ $0 == " " || $0 == "\t" }) else {
                    throw error(i + 1, "unexpected text after the initial state: '\(after)'")
                }
                break
            }
            i += 1
            guard i < lines.count else { throw error(blockStart, "unterminated initial state block: no '}'") }
            rest = Substring(lines[i])
        }
        i += 1

        // The thread grid.
        skipBlank()
        guard i < lines.count else { throw error(lastLine, "missing the thread header 'P0 | P1 ... ;'") }
        let columns = lines[i].hasSuffix(";")
            ? lines[i].dropLast().split(separator: "|", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
            : []
        guard !columns.isEmpty else { throw error(i + 1, "expected the thread header 'P0 | P1 ... ;', found '\(lines[i])'") }
        for (k, c) in columns.enumerated() where c != "P\(k)" {
            throw error(i + 1, "expected 'P\(k)' in the thread header, found '\(c)'")
        }
        guard columns.count <= 32 else { throw error(i + 1, "\(columns.count) threads: at most 32 are supported") }
        let threadCount = columns.count
        i += 1
        let instructions = HerdInstructionParser(file: file, dialect: dialect, locationWidths: state.widths)
        var threads = [[HerdInstruction]](repeating: [], count: threadCount)
        while i < lines.count && !HerdLitmusParser.startsCondition(lines[i]) {
            defer { i += 1 }
            let row = lines[i]
            if row.isEmpty { continue }
            guard row.hasSuffix(";") else { throw error(i + 1, "a row of the thread grid must end with ';': '\(row)'") }
            let cells = row.dropLast().split(separator: "|", omittingEmptySubsequences: false)
            guard cells.count <= threadCount else {
                throw error(i + 1, "\(cells.count) columns, but the header names \(threadCount) thread\(threadCount == 1 ? "" : "s")")
            }
            for (k, cell) in cells.enumerated() {
                let text = HerdLitmusParser.removingLabels(String(cell).trimmingWhitespace())
                if !text.isEmpty { threads[k].append(try instructions.parse(text, line: i + 1)) }
            }
        }

        // The final condition and `locations`.
        var conditionParser = HerdConditionParser(file: file, dialect: dialect, threadCount: threadCount, lastLine: lastLine)
        let tail = try conditionParser.parse((i..<lines.count).map { ($0 + 1, lines[$0]) })

        for (o, line) in state.registerLines {
            if case .register(let t, _) = o, t >= threadCount {
                throw error(line, "initial value for \(o), but the test has \(threadCount) thread\(threadCount == 1 ? "" : "s")")
            }
        }
        var locations = state.locations
        let named = threads.flatMap { $0.flatMap(\.locations) }
            + (tail.condition.observables + tail.locations).compactMap { if case .location(let x) = $0 { return x } else { return nil } }
        for x in named where !locations.contains(x) { locations.append(x) }

        return HerdLitmusTest(file: file, dialect: dialect, name: name, documentation: documentation, metadata: metadata,
                              locations: locations, locationWidths: state.widths, initialMemory: state.memory,
                              initialRegisters: state.registers, threads: threads, quantifier: tail.quantifier,
                              condition: tail.condition, conditionLine: tail.line, extraObservables: tail.locations)
    }

    /// Whether a line after the grid begins the condition or `locations`.
    static func startsCondition(_ line: String) -> Bool {
        let word = line.prefix { $0.isLetter }
        return line.hasPrefix("~") || ["exists", "forall", "locations", "filter"].contains(String(word))
    }

    /// `L0: movl $1,(x)` without its labels (no branches are modelled, so
    /// labels are only names).
    static func removingLabels(_ cell: String) -> String {
        var s = Substring(cell)
        while let colon = s.firstIndex(of: ":"), HerdInstructionParser.isIdentifier(String(s[..<colon])) {
            s = s[s.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
        }
        return String(s)
    }

    /// `text` with each `(* ... *)` (nested) replaced by spaces, line breaks
    /// kept so that line numbers stay right.
    static func removingComments(_ text: String, file: String) throws -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let chars = Array(text)
        var depth = 0, line = 1, openedAt: [Int] = []
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "(" && i + 1 < chars.count && chars[i + 1] == "*" {
                depth += 1
                openedAt.append(line)
                out += "  "
                i += 2
                continue
            }
            if depth > 0 && c == "*" && i + 1 < chars.count && chars[i + 1] == ")" {
                depth -= 1
                openedAt.removeLast()
                out += "  "
                i += 2
                continue
            }
            if c == "\n" || c == "\r\n" { line += 1; out.append("\n") } else { out.append(depth > 0 ? " " : c) }
            i += 1
        }
        if let start = openedAt.first {
            throw HerdLitmusError(file: file, line: start, "unterminated comment: '(*' without '*)'")
        }
        return out
    }
}
