import Foundation

/// herdtools7's expected verdicts: a `kinds.txt` file, one `NAME KIND`
/// line per test (KIND `Allow` or `Forbid`; blank lines and `#` comments
/// are skipped). herd's third kind, `Require` (a `forall` whose condition
/// holds in every final state), is read as Forbid: for `forall C` the
/// verdict refers to `~C` (`HerdQuantifier`).
public enum HerdKinds {
    public static func parse(_ text: String, file: String) throws -> [String: HerdVerdict] {
        var kinds: [String: HerdVerdict] = [:]
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(raw).trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            let verdict: HerdVerdict?
            switch words.count == 2 ? words[1] : "" {
            case "Allow": verdict = .allow
            case "Forbid", "Require": verdict = .forbid
            default: verdict = nil
            }
            guard let verdict else { throw HerdLitmusError(file: file, line: n + 1, "expected 'NAME Allow|Forbid', found '\(line)'") }
            if let previous = kinds[words[0]], previous != verdict {
                throw HerdLitmusError(file: file, line: n + 1, "\(words[0]) is listed twice, as \(previous.rawValue) and \(verdict.rawValue)")
            }
            kinds[words[0]] = verdict
        }
        return kinds
    }

    public static func load(path: String) throws -> [String: HerdVerdict] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw HerdLitmusError(file: path, line: 0, "cannot read the file")
        }
        return try parse(text, file: path)
    }
}
