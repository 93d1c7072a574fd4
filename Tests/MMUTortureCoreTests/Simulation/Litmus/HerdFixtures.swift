import Foundation
import XCTest
@testable import MMUTortureCore

/// The herdtools7 litmus tests copied into the repository
/// (Tests/Fixtures/herdtools7, see its README.md), and helpers to parse
/// test text and check parse errors.
enum HerdFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/Fixtures/herdtools7").path

    static func directory(_ dialect: String) -> String { root + "/" + dialect }

    /// The verdicts herdtools7 records for the X86_64 tests.
    static func kinds() throws -> [String: HerdVerdict] {
        try HerdKinds.load(path: directory("x86_64") + "/kinds.txt")
    }

    static func parse(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> HerdLitmusTest? {
        do {
            return try HerdLitmusParser.parse(text, file: "t.litmus")
        } catch {
            XCTFail("unexpected error: \(error)", file: file, line: line)
            return nil
        }
    }

    /// The error parsing `text` (as file "bad.litmus") throws; fails unless
    /// it names the file and `expectedLine` and its message contains `fragment`.
    static func expectError(_ text: String, line expectedLine: Int, _ fragment: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        do {
            let t = try HerdLitmusParser.parse(text, file: "bad.litmus")
            XCTFail("parsed without error: \(t.name)", file: file, line: line)
        } catch let e as HerdLitmusError {
            XCTAssertEqual(e.file, "bad.litmus", file: file, line: line)
            XCTAssertEqual(e.line, expectedLine, "\(e)", file: file, line: line)
            XCTAssertTrue(e.message.contains(fragment), "'\(e.message)' lacks '\(fragment)'", file: file, line: line)
            XCTAssertTrue(e.description.hasPrefix("bad.litmus:\(expectedLine): "), e.description, file: file, line: line)
        } catch {
            XCTFail("not a HerdLitmusError: \(error)", file: file, line: line)
        }
    }
}
