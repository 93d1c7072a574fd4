import XCTest
import MMUTortureCore

/// Seeds everywhere: the same master seed makes the same sequence of random
/// choices, stream by stream (tested on the generators, not on timing).
final class SeedTests: XCTestCase {
    func testSameSeedSameStreams() {
        for purpose in [StreamPurpose.vcpuWorkload, .mmuOperations, .perturbation, .swarm, .scheduler, .repeatSeed] {
            for index in 0..<4 {
                var a = Xoshiro256StarStar(seed: deriveSeed(42, purpose, index))
                var b = Xoshiro256StarStar(seed: deriveSeed(42, purpose, index))
                XCTAssertEqual((0..<100).map { _ in a.next() }, (0..<100).map { _ in b.next() })
            }
        }
    }

    func testStreamsAreDistinct() {
        var seen = Set<UInt64>()
        for purpose in [StreamPurpose.vcpuWorkload, .mmuOperations, .perturbation, .swarm, .scheduler, .repeatSeed, .host] {
            for index in 0..<8 { seen.insert(deriveSeed(42, purpose, index)) }
        }
        XCTAssertEqual(seen.count, 7 * 8, "every (purpose, index) gets its own stream")
        XCTAssertNotEqual(deriveSeed(1, .vcpuWorkload, 0), deriveSeed(2, .vcpuWorkload, 0))
    }

    /// The workload's choices (gfn, write) depend on the seed alone.
    func testWorkloadChoicesRepeat() {
        for pattern in WorkloadPattern.allCases {
            var spec = WorkloadSpec()
            spec.pattern = pattern
            let sampler = WorkloadSampler(spec: spec, frames: 4096)
            defer { sampler.deallocate() }
            var r1 = Xoshiro256StarStar(seed: deriveSeed(7, .vcpuWorkload, 3))
            var r2 = Xoshiro256StarStar(seed: deriveSeed(7, .vcpuWorkload, 3))
            let a = (0..<1000).map { _ in sampler.next(&r1) }
            let b = (0..<1000).map { _ in sampler.next(&r2) }
            XCTAssertEqual(a.map(\.gfn), b.map(\.gfn))
            XCTAssertEqual(a.map(\.write), b.map(\.write))
            XCTAssertTrue(a.allSatisfy { $0.gfn >= 0 && $0.gfn < 4096 })
        }
    }

    /// The swarm choice of perturbation points is the seed's, and varies with it.
    func testSwarmChoiceRepeats() {
        var p = RunParameters()
        var choices = Set<[Int]>()
        for seed: UInt64 in 1...32 {
            p.seed = seed
            let first = p.activePerturbPoints().map(\.rawValue)
            XCTAssertEqual(first, p.activePerturbPoints().map(\.rawValue))
            XCTAssertFalse(first.isEmpty)
            choices.insert(first)
        }
        XCTAssertGreaterThan(choices.count, 4, "different seeds stress different combinations")
        p.perturb.probability = 0
        XCTAssertTrue(p.activePerturbPoints().isEmpty)
    }

    /// `mmu.swarm`: each seed keeps a subset of the operations with a
    /// nonzero weight (their weights unchanged, at least one), the same
    /// subset every time, and different seeds keep different subsets.
    func testMMUSwarmChoiceRepeats() {
        var p = RunParameters()
        p.mmu = .only(writeProtect: 4, unprotect: 4, dirtyLog: 1, zapAll: 1, invalidateRange: 2)
        XCTAssertEqual(p.activeMMUWeights(), p.mmu, "without swarm the weights are the config's")
        p.mmu.swarm = true
        var subsets = Set<[Int]>()
        var kept = [MMUOperation: Int](), dropped = [MMUOperation: Int]()
        for seed: UInt64 in 1...64 {
            p.seed = seed
            let mix = p.activeMMUWeights()
            XCTAssertEqual(mix, p.activeMMUWeights())
            XCTAssertGreaterThan(mix.totalWeight, 0)
            for ((op, w), (_, original)) in zip(mix.table, p.mmu.table) {
                XCTAssertTrue(w == 0 || w == original, "\(op): weight \(w), configured \(original)")
                if original > 0 {
                    if w > 0 { kept[op, default: 0] += 1 } else { dropped[op, default: 0] += 1 }
                }
            }
            subsets.insert(mix.table.map(\.1))
        }
        XCTAssertGreaterThan(subsets.count, 12, "different seeds stress different combinations")
        for op in [MMUOperation.writeProtect, .unprotect, .dirtyLog, .zapAll, .invalidateRange] {
            XCTAssertGreaterThan(kept[op] ?? 0, 0, "\(op) is never kept")
            XCTAssertGreaterThan(dropped[op] ?? 0, 0, "\(op) is never dropped")
        }
        XCTAssertNil(kept[.audit], "an operation of weight 0 stays off")
        // One operation: nothing to choose.
        p.mmu = .only(dirtyLog: 3)
        p.mmu.swarm = true
        for seed: UInt64 in 1...8 {
            p.seed = seed
            XCTAssertEqual(p.activeMMUWeights().dirtyLog, 3)
        }
    }

    func testBelowAndChanceStayInRange() {
        var r = Xoshiro256StarStar(seed: 9)
        for bound in [1, 2, 3, 7, 1000] {
            for _ in 0..<1000 { XCTAssertLessThan(r.below(bound), bound) }
        }
        XCTAssertFalse((0..<1000).contains { _ in r.chance(0) })
        XCTAssertTrue((0..<1000).allSatisfy { _ in r.chance(1) })
    }

    /// The schedulers' integer form of `chance` draws the same numbers and
    /// answers the same, at and around the threshold too.
    func testChanceThresholdAnswersAsChance() {
        for p in [0, 1e-300, 0.0005, 0.02, 0.5, 1.0 / 3, 0.999_999_9, 1, 2, -1, .nan] {
            let t = Xoshiro256StarStar.chanceThreshold(p)
            var a = Xoshiro256StarStar(seed: 4), b = a
            for _ in 0..<2000 { XCTAssertEqual(a.chance(p), b.chance(threshold: t), "p \(p)") }
            for x in [t &- 1, t, t &+ 1] where x < 1 << 53 {
                XCTAssertEqual(Double(x) * 0x1.0p-53 < p, x < t, "p \(p), x \(x)")
            }
        }
    }
}
