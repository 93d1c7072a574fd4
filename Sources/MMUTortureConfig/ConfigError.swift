/// A problem with a config: a file that cannot be read, malformed YAML, an
/// unknown key, a bad value, or a rule between keys that does not hold.
///
/// Its description is one line that names where the problem is, like a
/// compiler diagnostic:
/// `configs/x.yaml:12: workload.write_ratio: expected a number between 0 and 1, got 'lots'`.
/// The parts that do not apply (no line for a missing file, no key for
/// malformed YAML) are left out.
public struct ConfigError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file the problem is in (`command line` for overrides), if any.
    public var file: String?
    /// The dotted key path, like `workload.write_ratio` or `scenarios[2]`.
    public var keyPath: String?
    /// The 1-based line in `file`.
    public var line: Int?
    /// What is wrong, and where it helps, what would be right.
    public var message: String

    /// An error; see the properties.
    public init(file: String? = nil, keyPath: String? = nil, line: Int? = nil, message: String) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: KEY: MESSAGE`, leaving out the parts that are nil.
    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" }
            location += ": "
        }
        if let keyPath, !keyPath.isEmpty { location += keyPath + ": " }
        return location + message
    }
}
