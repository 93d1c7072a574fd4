import Foundation
import MMUTortureCore

/// The mutants declared equivalent: mutants that cannot change what the
/// program does, each with the reason a reviewer can check
/// (`configs/equivalent-mutants.txt`, docs/mutation.md).
///
/// One declaration a line: `PROTOCOL SITE OPERATOR REASON...`, where
/// PROTOCOL is a protocol name or `*`, SITE is `path:line:column` as the
/// sweep reports it, and the reason is the rest of the line (required).
/// `#` starts a comment.
public struct EquivalentMutants: Sendable {
    public struct Declaration: Sendable, Equatable {
        public var protocolName: String
        public var site: String
        public var operatorName: String
        public var reason: String
        /// Where it is declared (`file:line`).
        public var location: String

        public func matches(protocol p: String, site s: String, operator o: String) -> Bool {
            (protocolName == "*" || protocolName == p) && site == s && operatorName == o
        }
    }

    public struct ParseError: Error, CustomStringConvertible {
        public var description: String
    }

    public var declarations: [Declaration]

    public init(declarations: [Declaration] = []) { self.declarations = declarations }

    /// Parses the declarations of `text` (read from `file`).
    public init(text: String, file: String) throws {
        var out: [Declaration] = []
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            if fields.isEmpty { continue }
            let at = "\(file):\(i + 1)"
            guard fields.count >= 4 else {
                throw ParseError(description: "\(at): a declaration is PROTOCOL SITE OPERATOR REASON (the reason is required)")
            }
            guard MutationOperators.named(fields[2]) != nil else {
                throw ParseError(description: "\(at): unknown operator '\(fields[2])' (operators: "
                                 + MutationOperators.all.map(\.name).joined(separator: ", ") + ")")
            }
            guard fields[1].split(separator: ":").count == 3 else {
                throw ParseError(description: "\(at): the site '\(fields[1])' is not path:line:column")
            }
            out.append(Declaration(protocolName: fields[0], site: fields[1], operatorName: fields[2],
                                   reason: fields[3...].joined(separator: " "), location: at))
        }
        declarations = out
    }

    /// Reads a declarations file.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ParseError(description: "\(path): cannot read the declared-equivalent mutants")
        }
        try self.init(text: text, file: path)
    }

    public func declaration(protocol p: String, site: String, operator o: String) -> Declaration? {
        declarations.first { $0.matches(protocol: p, site: site, operator: o) }
    }
}
