/// A herd7 litmus file (or a kinds file) that cannot be read: the file, the
/// 1-based line (0 when the whole file is at fault), and what is wrong there. Its description is one line,
/// `tests/SB.litmus:14: unknown instruction 'movz $1,(x)'`, the form
/// compilers use, so editors can jump to it.
public struct HerdLitmusError: Error, CustomStringConvertible, Equatable, Sendable {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, _ message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}
