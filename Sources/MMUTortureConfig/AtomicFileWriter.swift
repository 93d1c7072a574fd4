#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// write(2), under a name that the `write` methods below do not shadow.
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(fd, buffer, count)
}

/// Writes files so that a reader sees either the old contents or the new,
/// never a torn file, even when the writer is interrupted (Ctrl-C while a
/// report is written): the data goes to a temporary file in the same
/// directory (`.NAME.tmp.PID`), is fsynced, and is renamed over the target
/// (an atomic replace on POSIX file systems); then the directory is fsynced
/// so the rename itself survives a crash.
public enum AtomicFileWriter {
    /// Writes `data` to `path` atomically; throws `FileWriteError`.
    public static func write(_ data: Data, to path: String) throws {
        let (directory, name) = split(path)
        guard !name.isEmpty else { throw FileWriteError(path: path, reason: "not a file name") }
        let prefix = path.lastIndex(of: "/").map { String(path[...$0]) } ?? ""
        let temporary = prefix + ".\(name).tmp.\(getpid())"

        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FileWriteError(path: path, reason: errnoText()) }
        var success = false
        defer {
            if !success { unlink(temporary) }
        }
        do {
            try writeAll(data, to: fd, path: path)
            guard fsync(fd) == 0 else { throw FileWriteError(path: path, reason: "fsync: " + errnoText()) }
        } catch {
            close(fd)
            throw error
        }
        guard close(fd) == 0 else { throw FileWriteError(path: path, reason: "close: " + errnoText()) }
        guard rename(temporary, path) == 0 else { throw FileWriteError(path: path, reason: errnoText()) }
        success = true
        syncDirectory(directory)
    }

    /// Writes `text` as UTF-8 to `path` atomically.
    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Checks up front, before a long run, that `path` could be written: its
    /// directory exists, is a directory and is writable, and `path` is not
    /// itself a directory. Throws `FileWriteError` naming the path.
    public static func checkWritable(path: String) throws {
        let (directory, name) = split(path)
        guard !name.isEmpty else { throw FileWriteError(path: path, reason: "not a file name") }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) else {
            throw FileWriteError(path: path, reason: "directory \(directory) does not exist")
        }
        guard isDirectory.boolValue else {
            throw FileWriteError(path: path, reason: "\(directory) is not a directory")
        }
        guard access(directory, W_OK | X_OK) == 0 else {
            throw FileWriteError(path: path, reason: "directory \(directory) is not writable (\(errnoText()))")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw FileWriteError(path: path, reason: "it is a directory")
        }
    }

    /// (directory, file name) of `path`; the directory is "." for a bare name.
    static func split(_ path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let name = String(path[path.index(after: slash)...])
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, name)
    }

    private static func writeAll(_ data: Data, to fd: Int32, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let written = systemWrite(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw FileWriteError(path: path, reason: errnoText())
                }
                remaining -= written
                pointer += written
            }
        }
    }

    /// Best effort: some file systems refuse fsync on a directory.
    private static func syncDirectory(_ directory: String) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    private static func errnoText() -> String {
        String(cString: strerror(errno))
    }
}
