import Foundation
import XCTest
@testable import MMUTortureConfig

final class AtomicFileWriterTests: XCTestCase {
    func testWritesTheContentAndLeavesNoTemporaryFile() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("report.json").path
        try AtomicFileWriter.write(Data("first\n".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "first\n")
        try AtomicFileWriter.write("second, longer\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer\n")
        try AtomicFileWriter.write(Data(), to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), Data())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["report.json"])
    }

    func testLargeContent() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("big.bin").path
        let data = Data((0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        try AtomicFileWriter.write(data, to: path)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), data)
    }

    func testRelativePathInTheCurrentDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        let previous = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(directory.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        try AtomicFileWriter.checkWritable(path: "here.xml")
        try AtomicFileWriter.write("x", to: "here.xml")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["here.xml"])
    }

    func testMissingDirectoryGivesAClearError() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory.appendingPathComponent("no/such/dir/report.json").path
        XCTAssertThrowsError(try AtomicFileWriter.write(Data("x".utf8), to: path)) { error in
            let error = error as? FileWriteError
            XCTAssertEqual(error?.path, path)
            XCTAssertEqual(error?.description, "cannot write \(path): No such file or directory")
        }
        XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.description,
                           "cannot write \(path): directory \(directory.path)/no/such/dir does not exist")
        }
    }

    func testParentThatIsAFileOrTargetThatIsADirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        let file = try writeFile("x", named: "plain", in: directory)
        XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: file + "/r.json")) { error in
            XCTAssertEqual((error as? FileWriteError)?.reason, "\(file) is not a directory")
        }
        XCTAssertThrowsError(try AtomicFileWriter.write(Data(), to: file + "/r.json"))
        XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: directory.path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.reason, "it is a directory")
        }
        XCTAssertThrowsError(try AtomicFileWriter.write(Data("x".utf8), to: directory.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["plain"],
                       "a failed rename leaves no temporary file")
        XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: directory.path + "/"))
        XCTAssertNoThrow(try AtomicFileWriter.checkWritable(path: directory.appendingPathComponent("ok.json").path))
    }

    /// A report path that nobody may write, root included (CI runs as
    /// root): its directory is a regular file.
    func testUnwritableDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        let file = directory.appendingPathComponent("plain-file")
        try Data("x".utf8).write(to: file)
        let path = file.appendingPathComponent("r.json").path
        XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: path)) { error in
            XCTAssertEqual((error as? FileWriteError)?.reason, "\(file.path) is not a directory")
        }
        XCTAssertThrowsError(try AtomicFileWriter.write(Data(), to: path)) { error in
            XCTAssertTrue((error as? FileWriteError)?.description.hasPrefix("cannot write \(path)") ?? false, "\(error)")
        }
        // A directory without write permission: unwritable for everyone but root.
        if getuid() != 0 {
            let locked = directory.appendingPathComponent("locked")
            try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
            chmod(locked.path, 0o500)
            defer { chmod(locked.path, 0o700) }
            XCTAssertThrowsError(try AtomicFileWriter.checkWritable(path: locked.appendingPathComponent("r.json").path))
        }
    }
}
