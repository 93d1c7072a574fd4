import XCTest
@testable import MMUTortureCampaign
import MMUTortureCore
import MMUTortureConfig

/// False alarms the deterministic search found in the checker, pinned by
/// the execution that showed each (docs/regressions.md). A pinned
/// execution replays exactly only while the paths make the same platform
/// operations; a change to them moves the schedule, and the pin then
/// tests an ordinary execution (still clean, but no longer this race).
final class CheckerRegressionTests: XCTestCase {
    /// tdp-mmu, three vCPUs and two mmu threads, dirty-log heavy: the
    /// scenario where the search found a correct TLB entry called stale and
    /// an emulated write seen before its page was dirty.
    static let dirtyLogStress = """
        name: dirty-log-stress
        protocol: tdp-mmu
        mode: deterministic
        duration: 5m
        vcpus: 3
        guest: { frames: 64, paging: tdp }
        workload: { write_ratio: 0.8, pattern: hotset, hot_frames: 4, hot_ratio: 0.9 }
        mmu: { threads: 2, write_protect: 2, unprotect: 2, dirty_log: 4, zap_all: 1, invalidate_range: 2,
               invalidate_page: 1, audit: 1 }
        deterministic: { strategy: random }

        """

    /// Runs execution `execution` of `seed` in the scenario and returns the
    /// invariant it reported, or nil.
    func violation(seed: Int, execution: Int) throws -> Invariant? {
        let campaign = try ConfigLoader.parse(yaml: Self.dirtyLogStress + "seed: \(seed)\n", file: "stress.yaml")
        let config = try XCTUnwrap(campaign.runs.first?.config)
        let settings = DeterministicRunOptions(executions: 1, firstExecution: execution, shrink: false)
            .settings(for: config)
        let result = DeterministicRunner(params: RunParameters(config), settings: settings).run()
        XCTAssertEqual(result.executions, 1)
        return result.failure?.invariant
    }

    /// tlb-coherence (docs/regressions.md, section 6): a fill between a
    /// read-lock W removal and the removal's record read the gfn's older
    /// number; a flush numbered after the removal, handled by the vCPU
    /// before the fill, completed; the write through the new, correct entry
    /// was reported stale. With the gfn's number alone as the fill's
    /// snapshot both executions report tlb-coherence.
    func testATLBFillRacingARemovalsRecordIsNotStale() throws {
        for (seed, execution) in [(31, 21_691), (43, 27_308)] {
            XCTAssertNil(try violation(seed: seed, execution: execution), "seed \(seed), execution \(execution)")
        }
    }

    /// dirty-bit (docs/regressions.md, section 7): an emulated write under
    /// the TDP MMU's read lock recorded the guest's data in the page before
    /// the page was dirty, and a zap under the read lock checked the page
    /// in between. With the page marked dirty after the data this execution
    /// reports dirty-bit.
    func testAnEmulatedWriteDirtiesThePageBeforeItsData() throws {
        XCTAssertNil(try violation(seed: 42, execution: 22_625))
    }
}
