import Foundation

/// One entry of a campaign's `scenarios:` list, `[N*]NAME` as in
/// rcutorture's `5*TREE01`: run scenario file NAME (NAME.yaml beside the
/// campaign file) N times.
public struct ScenarioReference: Equatable, Sendable {
    /// The repeat factor N (1 when the entry has none).
    public var factor: Int
    /// The scenario's name as written.
    public var name: String

    /// The largest repeat factor an entry may have.
    public static let maxFactor = 10_000

    /// A reference; see the properties.
    public init(factor: Int = 1, name: String) {
        self.factor = factor
        self.name = name
    }

    /// Parses `[N*]NAME`; the error message says what is wrong.
    public init(parsing entry: String) throws {
        var text = Substring(entry.trimmingCharacters(in: .whitespaces))
        var factor = 1
        if let star = text.firstIndex(of: "*") {
            let count = text[..<star].trimmingCharacters(in: .whitespaces)
            guard !count.isEmpty, count.allSatisfy(\.isASCIIDigit), let value = Int(count),
                  (1...ScenarioReference.maxFactor).contains(value) else {
                throw ConfigError(message: "expected N*NAME with N from 1 to \(ScenarioReference.maxFactor), "
                    + "got '\(shortened(entry))'")
            }
            factor = value
            text = Substring(text[text.index(after: star)...].trimmingCharacters(in: .whitespaces))
        }
        guard !text.isEmpty else {
            throw ConfigError(message: "expected a scenario name like 'vcpu-id-tdp' or '3*vcpu-id-tdp', got '\(shortened(entry))'")
        }
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw ConfigError(message: "a scenario name cannot contain control characters: '\(shortened(entry))'")
        }
        self.init(factor: factor, name: String(text))
    }

    /// The scenario's file: NAME.yaml (or NAME, when it already ends in
    /// .yaml or .yml), relative to `directory` unless NAME is absolute.
    public func path(relativeTo directory: String) -> String {
        let fileName = name.hasSuffix(".yaml") || name.hasSuffix(".yml") ? name : name + ".yaml"
        if fileName.hasPrefix("/") || directory.isEmpty { return fileName }
        return directory.hasSuffix("/") ? directory + fileName : directory + "/" + fileName
    }

    /// The name without directories and without a .yaml/.yml suffix.
    public var baseName: String { fileStem(name) }
}

/// The last path component of `path` without a .yaml or .yml suffix.
func fileStem(_ path: String) -> String {
    var last = path.split(separator: "/").last.map(String.init) ?? path
    for suffix in [".yaml", ".yml"] where last.hasSuffix(suffix) && last.count > suffix.count {
        last.removeLast(suffix.count)
        break
    }
    return last
}

/// The directory part of `path` ("" for a bare file name).
func directoryPart(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
}
