import XCTest
import MMUTortureCampaign
import MMUTortureCore

/// The sweep on toy paths whose mutants are known exactly.
final class MutationSweepTests: XCTestCase {
    func sweep(_ program: ToySubject.Program, equivalents: EquivalentMutants = EquivalentMutants(),
               executions: Int = 2_000) -> (MutationSweep, [ReachedSite], MutationSweep.Outcome) {
        var s = MutationSweep.Settings()
        s.executions = executions
        s.discoveryExecutions = 200
        s.siteFolders = ["Tests/MMUTortureCampaignTests/"]
        s.workers = 2
        let sweep = MutationSweep(subject: ToySubject(program: program), settings: s, equivalents: equivalents)
        let (sites, problem) = sweep.discoverSites()
        XCTAssertNil(problem, "the clean toy must run clean")
        return (sweep, sites, sweep.run(sites: sites))
    }

    /// Dekker: two stores, two barriers, two loads reached; drop-store and
    /// drop-barrier at each thread; every one of the four killed.
    func testDekkerBarriersAreBothKilled() {
        let (_, sites, o) = sweep(.dekker)
        XCTAssertEqual(sites.map(\.operation).sorted { $0.rawValue < $1.rawValue },
                       [.load, .load, .store, .store, .fullBarrier, .fullBarrier])
        XCTAssertTrue(sites.allSatisfy { $0.path == "Tests/MMUTortureCampaignTests/ToyPaths.swift" }, "\(sites)")
        XCTAssertEqual(o.generated, 4)
        let barriers = o.results.filter { $0.mutant.operatorName == "drop-barrier" }
        XCTAssertEqual(barriers.count, 2)
        XCTAssertEqual(Set(barriers.map(\.mutant.site.line)).count, 2, "one mutant per barrier")
        for b in barriers {
            XCTAssertEqual(b.verdict, .killed, "\(b.mutant.name)")
            XCTAssertEqual(b.kill?.message, "dekker: both threads read 0")
        }
        XCTAssertEqual(o.results.filter { $0.mutant.operatorName == "drop-store" }.count, 2)
        XCTAssertEqual(o.killed, 4)
        XCTAssertEqual(o.equivalent, 0)
        XCTAssertEqual(o.score, 1.0)
        XCTAssertTrue(o.passed)
    }

    /// Increments: one site (both threads run the same line), so one
    /// split-rmw mutant, which loses an update, and one drop-store.
    func testSplitRMWLosesAnUpdate() {
        let (_, sites, o) = sweep(.increments)
        XCTAssertEqual(sites.map(\.operation), [.fetchAdd])
        XCTAssertEqual(o.generated, 2)
        XCTAssertEqual(Set(o.results.map(\.mutant.operatorName)), ["split-rmw", "drop-store"])
        XCTAssertEqual(o.killed, 2)
        XCTAssertEqual(o.results.first { $0.mutant.operatorName == "split-rmw" }?.kill?.message,
                       "increments: the counter ended at 1")
        XCTAssertEqual(o.score, 1.0)
    }

    /// A mutant declared equivalent that an invariant in fact catches fails
    /// the sweep; a survivor that is not declared fails it too.
    func testWrongDeclarationFailsTheSweep() throws {
        let (_, sites, _) = sweep(.dekker, executions: 1)
        let barrier = try XCTUnwrap(sites.first { $0.operation == .fullBarrier })
        let fixture = """
            # a deliberately wrong declaration
            *  \(barrier.name)  drop-barrier  x86-TSO makes this barrier redundant (it does not)
            """
        let declared = try EquivalentMutants(text: fixture, file: "fixture.txt")
        let (_, _, o) = sweep(.dekker, equivalents: declared)
        let r = try XCTUnwrap(o.results.first { $0.mutant.site == barrier && $0.mutant.operatorName == "drop-barrier" })
        XCTAssertEqual(r.verdict, .declaredButKilled)
        XCTAssertEqual(r.declaration?.location, "fixture.txt:2")
        XCTAssertFalse(o.passed)
        // With one execution per mutant some survive: undeclared, they fail it.
        let (_, _, short) = sweep(.dekker, executions: 1)
        XCTAssertFalse(short.survivors.isEmpty)
        XCTAssertFalse(short.passed)
        XCTAssertLessThan(short.score, 1.0)
    }

    func testDeclarationsAreParsedStrictly() {
        XCTAssertThrowsError(try EquivalentMutants(text: "* a.swift:1:2 drop-barrier", file: "f"))   // no reason
        XCTAssertThrowsError(try EquivalentMutants(text: "* a.swift:1:2 drop-everything because", file: "f"))
        XCTAssertThrowsError(try EquivalentMutants(text: "* a.swift:1 drop-barrier because", file: "f"))
        let d = try? EquivalentMutants(text: "# c\n\nvcpu-id a.swift:1:2 drop-barrier the reason  # c\n", file: "f")
        XCTAssertEqual(d?.declarations.first?.reason, "the reason")
        XCTAssertNotNil(d?.declaration(protocol: "vcpu-id", site: "a.swift:1:2", operator: "drop-barrier"))
        XCTAssertNil(d?.declaration(protocol: "mmu-writable", site: "a.swift:1:2", operator: "drop-barrier"))
    }

    /// Recording the sites reached changes no execution: the same seed
    /// gives the same trace hashes with and without it.
    func testRecordingSitesChangesNoExecution() {
        func hashes(record: Bool) -> [UInt64] {
            let executor = SimExecutor(threadCount: 2)
            executor.configureMutation(nil, recordSites: record)
            let m = UnsafeMutablePointer<UInt64>.allocate(capacity: ToyPaths.words)
            defer { m.deallocate() }
            var out: [UInt64] = []
            executor.explore(scheduler: RandomWalkScheduler(seed: 7, maxExecutions: 50, flushProbability: 0.1),
                             maxExecutions: 50, makeBodies: {
                m.initialize(repeating: 0, count: ToyPaths.words)
                return [{ ToyPaths.dekker0($0, m) }, { ToyPaths.dekker1($0, m) }]
            }) { e in
                out.append(e.traceHash)
                return true
            }
            if record { XCTAssertEqual(executor.reachedSites.count, 6) }
            return out
        }
        let plain = hashes(record: false)
        XCTAssertEqual(plain.count, 50)
        XCTAssertEqual(plain, hashes(record: true))
    }

    /// A site's name parses back, and its path names the path file.
    func testSiteNames() {
        let s = ReachedSite(name: "Sources/MMUTortureCore/Paths/FastPageFault.swift:111:47", operation: "smp-mb")
        XCTAssertEqual(s?.operation, .fullBarrier)
        XCTAssertEqual(s?.line, 111)
        XCTAssertEqual(s?.pathName, "fast-page-fault")
        XCTAssertEqual(ReachedSite(name: "Sources/MMUTortureCore/Paths/TDPFault.swift:1:1", operation: "smp-mb")?.pathName,
                       "tdp-fault", "an acronym is one word")
        XCTAssertEqual(ReachedSite(name: "Sources/MMUTortureCore/Paths/SlowPageFault.swift:1:1", operation: "smp-mb")?.pathName,
                       "slow-page-fault")
        XCTAssertEqual(s?.name, "Sources/MMUTortureCore/Paths/FastPageFault.swift:111:47")
        XCTAssertNil(ReachedSite(name: "FastPageFault.swift:111", operation: "smp-mb"))
        XCTAssertNil(ReachedSite(name: "a.swift:1:2", operation: "mfence"))
    }
}
