/// A site that an execution reached: a `Platform` operation of one kind at
/// one place of the paths.
public struct ReachedSite: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The file relative to the repository.
    public let path: String
    public let line: Int
    public let column: Int
    public let operation: SiteOperation

    public init(path: String, line: Int, column: Int, operation: SiteOperation) {
        self.path = path
        self.line = line
        self.column = column
        self.operation = operation
    }

    /// A site from its name (`path:line:column`) and its operation's name
    /// (`cmpxchg`, ...), as reports write them; nil if either is malformed.
    public init?(name: String, operation: String) {
        let parts = name.split(separator: ":")
        guard parts.count == 3, let line = Int(parts[1]), let column = Int(parts[2]),
              let op = SiteOperation.allCases.first(where: { $0.description == operation }) else { return nil }
        self.init(path: String(parts[0]), line: line, column: column, operation: op)
    }

    init(_ site: OperationSite, _ operation: SiteOperation) {
        self.init(path: site.path, line: Int(site.line), column: Int(site.column), operation: operation)
    }

    /// `path:line:column`.
    public var name: String { "\(path):\(line):\(column)" }
    /// The path's file name without `.swift`, in kebab case: `FastPageFault.swift`
    /// is `fast-page-fault`, `TDPFault.swift` is `tdp-fault` (an acronym is
    /// one word; `mutants sweep --only-path`).
    public var pathName: String {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let chars = Array(file.hasSuffix(".swift") ? String(file.dropLast(6)) : file)
        var out = ""
        for (i, ch) in chars.enumerated() {
            // A word starts at an upper-case letter after a lower-case one,
            // or at the last capital of an acronym followed by lower case.
            let startsWord = ch.isUppercase && i > 0
                && (chars[i - 1].isLowercase || (i + 1 < chars.count && chars[i + 1].isLowercase))
            if startsWord { out.append("-") }
            out.append(Character(ch.lowercased()))
        }
        return out
    }

    public var description: String { "\(name) \(operation)" }

    public static func < (a: ReachedSite, b: ReachedSite) -> Bool {
        (a.path, a.line, a.column, a.operation.rawValue) < (b.path, b.line, b.column, b.operation.rawValue)
    }
}
