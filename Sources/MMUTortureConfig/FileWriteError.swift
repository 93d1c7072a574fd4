/// A report or JUnit file that could not be written: the path and why.
/// Its description is one line: `cannot write reports/x.json: No such file or directory`.
public struct FileWriteError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file that was to be written.
    public var path: String
    /// Why it could not be.
    public var reason: String

    /// An error; see the properties.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "cannot write \(path): \(reason)" }
}
