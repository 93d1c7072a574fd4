import XCTest
@testable import MMUTortureCore

/// The simulator's x86-TSO against herdtools7's own verdicts: every X86_64
/// test agrees with kinds.txt, and every X86 (Intel syntax) test parses and
/// behaves exactly like the X86_64 test of the same name.
final class HerdLitmusFixtureTests: XCTestCase {
    func load(_ dialect: String) throws -> [HerdLitmusTest] {
        try HerdLitmusParser.litmusFiles(at: HerdFixtures.directory(dialect)).map(HerdLitmusParser.load)
    }

    func testEveryX86_64TestAgreesWithKinds() throws {
        let kinds = try HerdFixtures.kinds()
        let tests = try load("x86_64")
        XCTAssertEqual(tests.count, 28)
        XCTAssertEqual(Set(tests.map(\.name)), Set(kinds.keys), "one kinds.txt line per test")
        for t in tests {
            XCTAssertEqual(t.dialect, .x86_64)
            let r = t.explore()
            XCTAssertTrue(r.complete, "\(t.name): search incomplete")
            XCTAssertEqual(r.verdict, kinds[t.name], "\(t.name): \(t.conditionText)")
        }
    }

    func testEveryX86TestParsesAndMatchesItsX86_64Namesake() throws {
        let tests = try load("x86")
        XCTAssertEqual(tests.count, 23)
        let namesakes = Dictionary(uniqueKeysWithValues: try load("x86_64").map { ($0.name, $0) })
        var shared = 0
        for t in tests {
            XCTAssertEqual(t.dialect, .x86)
            XCTAssertFalse(t.threads.joined().isEmpty, t.name)
            let r = t.explore()
            XCTAssertTrue(r.complete, "\(t.name): search incomplete")
            guard let other = namesakes[t.name] else { continue }
            shared += 1
            let o = other.explore()
            XCTAssertEqual(r.verdict, o.verdict, t.name)
            // Same observables up to register width (EAX vs rax): same final states.
            XCTAssertEqual(Set(r.counts.keys), Set(o.counts.keys), t.name)
        }
        XCTAssertEqual(shared, 10)
    }

    /// The verdict has teeth: without its mfences SB+mfences is Allow.
    func testRemovingTheFencesChangesTheVerdict() throws {
        let path = HerdFixtures.directory("x86_64") + "/SB+mfences.litmus"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let fenced = try HerdLitmusParser.parse(text, file: path)
        let unfenced = try HerdLitmusParser.parse(text.replacingOccurrences(of: "mfence", with: "lfence"), file: path)
        XCTAssertEqual(fenced.explore().verdict, .forbid)
        XCTAssertEqual(unfenced.explore().verdict, .allow)
    }

    func testKindsFileErrorsNameTheLine() {
        XCTAssertThrowsError(try HerdKinds.parse("SB Allow\n\nMP Maybe\n", file: "k.txt")) { e in
            XCTAssertEqual((e as? HerdLitmusError)?.description, "k.txt:3: expected 'NAME Allow|Forbid', found 'MP Maybe'")
        }
        XCTAssertThrowsError(try HerdKinds.parse("SB Allow\nSB Forbid\n", file: "k.txt")) { e in
            XCTAssertEqual((e as? HerdLitmusError)?.line, 2)
        }
        XCTAssertEqual(try HerdKinds.parse("# c\nSB   Allow \nX Require\n", file: "k.txt"), ["SB": .allow, "X": .forbid])
    }
}
