import XCTest
@testable import MMUTortureCore

/// Every litmus test, every interleaving: the observed outcomes are exactly
/// the set x86-TSO allows, and under SC exactly that set minus the TSO-only
/// outcomes (so the store buffers are what produce the relaxed behaviours).
final class SimLitmusTests: XCTestCase {
    func check(_ t: LitmusTest, _ model: SimMemoryModel, file: StaticString = #filePath, line: UInt = #line) {
        let r = t.explore(model: model)
        XCTAssertTrue(r.exhaustive, "\(t.name) [\(model)]: search not exhaustive", file: file, line: line)
        XCTAssertEqual(r.incomplete, 0, "\(t.name) [\(model)]: executions did not complete", file: file, line: line)
        XCTAssertEqual(Set(r.counts.keys), t.expected(under: model),
                       "\(t.name) [\(model)]: unexpected \(r.unexpected.map(t.render)), missing \(r.missing.map(t.render))",
                       file: file, line: line)
        XCTAssertTrue(r.passed, file: file, line: line)
    }

    func testEveryLitmusTestUnderTSO() {
        for t in LitmusCatalog.all { check(t, .tso) }
    }

    func testEveryLitmusTestUnderSC() {
        for t in LitmusCatalog.all { check(t, .sc) }
    }

    func testTSOOnlyOutcomesAreObservedForStoreBuffering() {
        let r = LitmusCatalog.sb.explore(model: .tso)
        XCTAssertGreaterThan(r.counts[LitmusOutcome([0, 0])] ?? 0, 0)
        XCTAssertEqual(LitmusCatalog.sbMfences.explore(model: .tso).counts[LitmusOutcome([0, 0])], nil)
    }

    /// The verdict has teeth: a wrong expectation fails either way round.
    func testWrongExpectationsFail() {
        let sb = LitmusCatalog.sb
        // Claim SB's relaxed outcome is forbidden: it is observed, so unexpected.
        let strict = LitmusTest(name: "SB-claimed-SC", summary: "", source: "", locations: sb.locations,
                                registers: sb.registers, domains: [[0, 1], [0, 1]], forbidden: [[0, 0]], tsoOnly: [],
                                threads: sb.threads)
        let r1 = strict.explore(model: .tso)
        XCTAssertFalse(r1.passed)
        XCTAssertEqual(r1.unexpected, [LitmusOutcome([0, 0])])
        // Claim an impossible outcome is allowed: never observed, so missing.
        let mp = LitmusCatalog.mp
        let lax = LitmusTest(name: "MP-claimed-relaxed", summary: "", source: "", locations: mp.locations,
                             registers: mp.registers, domains: [[0, 1], [0, 1]], forbidden: [], tsoOnly: [[1, 0]],
                             threads: mp.threads)
        let r2 = lax.explore(model: .tso)
        XCTAssertFalse(r2.passed)
        XCTAssertEqual(r2.missing, [LitmusOutcome([1, 0])])
        XCTAssertTrue(r2.unexpected.isEmpty)
    }

    func testCatalogNamesAreUnique() {
        XCTAssertEqual(Set(LitmusCatalog.all.map { $0.name.lowercased() }).count, LitmusCatalog.all.count)
        XCTAssertNotNil(LitmusCatalog.named("sb+MFENCES"))
    }
}
