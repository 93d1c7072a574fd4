#if canImport(Glibc)
import Glibc
#endif

/// Writes a line to standard error.
public func printError(_ message: String) {
    var line = message
    line += "\n"
    _ = line.withCString { fputs($0, stderr) }
}
