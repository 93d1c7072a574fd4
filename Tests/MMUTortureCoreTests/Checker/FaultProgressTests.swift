import Foundation
import XCTest
@testable import MMUTortureCore

/// fault-progress end to end (docs/invariants.md): the slow path's link of
/// a new shadow page into its parent, lost (the mutation sweep's
/// `drop-store` at that store), leaves every fault's leaf out of the
/// guest's reach. No other invariant sees it (the page is hashed, filled
/// and in the rmaps, only unreachable); fault-progress does, in the first
/// execution that builds a table. The same executions of the correct
/// protocol report nothing.
final class FaultProgressTests: XCTestCase {
    /// The link's site: the line of `SlowPageFault.swift` that stores the
    /// new non-leaf entry, found by its text (so that edits above it do not
    /// break the test), and the column of its call's parenthesis (the
    /// column `#column` gives a `Platform` call).
    func linkSite() throws -> ReachedSite {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/MMUTortureCore/Paths/SlowPageFault.swift")
        let lines = try String(contentsOf: url, encoding: .utf8).components(separatedBy: "\n")
        let call = "p.store(sp, SPTE.nonLeaf(child: child).raw)"
        let matches = lines.indices.filter { lines[$0].contains(call) }
        XCTAssertEqual(matches.count, 1, "the link's store, once in SlowPageFault.swift")
        let index = try XCTUnwrap(matches.first)
        let prefix = try XCTUnwrap(lines[index].range(of: call)).lowerBound
        let column = lines[index].distance(from: lines[index].startIndex, to: prefix) + "p.store".count + 1
        return ReachedSite(path: "Sources/MMUTortureCore/Paths/SlowPageFault.swift", line: index + 1, column: column,
                           operation: .store)
    }

    func run(protocol p: ProtocolName, paging: PagingMode, mutation: SimMutation?) -> DeterministicResult {
        var params = DeterministicRunnerTests.params(protocol: p)
        params.vm.paging = paging
        var s = DeterministicRunnerTests.settings(executions: 50)
        s.mutation = mutation
        return DeterministicRunner(params: params, settings: s).run()
    }

    func testALostLinkIsCaughtByFaultProgress() throws {
        let mutation = SimMutation(site: try linkSite(), operator: DropStore())
        for p in [ProtocolName.vcpuID, .mmuWritable] {
            for paging in [PagingMode.tdp, .shadow, .shadow32] {
                let clean = run(protocol: p, paging: paging, mutation: nil)
                XCTAssertNil(clean.failure, "\(p) \(paging): the correct protocol")
                XCTAssertEqual(clean.executions, 50)
                let mutated = run(protocol: p, paging: paging, mutation: mutation)
                XCTAssertEqual(mutated.failure?.invariant, .faultProgress, "\(p) \(paging): the lost link")
            }
        }
    }
}
