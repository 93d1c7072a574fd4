import Foundation
import XCTest
@testable import MMUTortureCore

/// The simulated platform drives the real protocol paths unchanged: the
/// generic vCPU and mmu-lock loops, specialised on `SimPlatform`.
///
/// Under TSO the paths must read every word they store through the platform
/// through the platform too (a direct `.pointee` read does not see the
/// thread's own store buffer); words written directly are only ever
/// written under the mmu-lock before the platform store that publishes them.
final class SimVMTests: XCTestCase {
    struct Run {
        var execution: SimExecution
        var violations: Int
        var accesses: UInt64
    }

    /// `vcpus` vCPU loops of `budget` accesses and one mmu-lock loop, on a
    /// fresh small VM, under `scheduler`.
    static func runVM(ops: ProtocolOps = ProtocolOps(protocolName: .vcpuID), vcpus: Int = 2, budget: UInt64 = 64, mmuIterations: Int = 64, hotFrames: Int = 4, writeRatio: Double = 0.7,
                      weights: MMUWeights = MMUWeights(),
               executor: SimExecutor, scheduler: SimScheduler) -> Run? {
        var config = VMConfig()
        config.frames = 16
        config.vcpus = vcpus
        config.ops = ops
        config.poolPages = 64
        let storage = VMStorage(config: config)
        let vm = storage.vm
        let log = ViolationLog()
        let checker = ViolationSink(log: log, stop: vm.global(VM.Global.stop))
        var spec = WorkloadSpec()
        spec.hotFrames = hotFrames
        spec.hotRatio = 1
        spec.writeRatio = writeRatio
        let sampler = WorkloadSampler(spec: spec, frames: vm.frames)
        let locals = UnsafeMutablePointer<VCPULocal>.allocate(capacity: vcpus)
        for i in 0..<vcpus {
            (locals + i).initialize(to: VCPULocal(id: i, identification: VCPULocal.identification(vcpu: i, layout: vm.layout, ops: vm.ops),
                                                  tlbEntries: 4))
        }
        let finished = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        finished.initialize(to: 0)
        defer {
            for i in 0..<vcpus { locals[i].deallocate() }
            locals.deallocate()
            finished.deallocate()
            sampler.deallocate()
        }
        var bodies: [SimExecutor.Body] = (0..<vcpus).map { i in
            { p in
                vm.vcpuLoop(p, locals + i, sampler: sampler, budget: budget, checker: checker)
                finished.pointee += 1
            }
        }
        bodies.append { p in
            // Bounded: a loop that polls another thread's progress without
            // relax() never lets a lower-priority thread run under PCT.
            var iterations = 0
            vm.mmuLoop(p, weights: weights, hotFrames: hotFrames, checker: checker, keepRunning: {
                iterations += 1
                return iterations <= mmuIterations && finished.pointee < UInt64(vcpus)
            })
        }
        guard let e = executor.run(scheduler: scheduler, bodies) else { return nil }
        var accesses: UInt64 = 0
        for t in 0..<vcpus { accesses += executor.ownStates[t].value(.accesses) }
        withExtendedLifetime(storage) {}
        return Run(execution: e, violations: log.total, accesses: accesses)
    }

    func executor(_ n: Int, _ model: SimMemoryModel = .sc) -> SimExecutor {
        var o = SimExecutor.Options()
        o.memoryModel = model
        o.stepLimit = 2_000_000
        return SimExecutor(threadCount: n, options: o)
    }

    func testCorrectProtocolRunsCleanAndDeterministically() {
        let ex = executor(3)
        for seed in 0..<10 as Range<UInt64> {
            let a = SimVMTests.runVM(executor: ex, scheduler: RandomWalkScheduler(seed: seed))!
            XCTAssertEqual(a.execution.outcome, .completed, a.execution.threadStates)
            XCTAssertEqual(a.violations, 0)
            XCTAssertGreaterThan(a.accesses, 0)
            let b = SimVMTests.runVM(executor: ex, scheduler: RandomWalkScheduler(seed: seed))!
            XCTAssertEqual(b.execution.traceHash, a.execution.traceHash)
            XCTAssertEqual(b.execution.schedule, a.execution.schedule)
            let c = SimVMTests.runVM(executor: ex, scheduler: ReplayScheduler(schedule: a.execution.schedule))!
            XCTAssertEqual(c.execution.traceHash, a.execution.traceHash)
        }
    }

    func testUnderPCT() {
        let ex = executor(3)
        let pct = PCTScheduler(seed: 3, depth: 3)
        for _ in 0..<10 {
            let r = SimVMTests.runVM(executor: ex, scheduler: pct)!
            XCTAssertEqual(r.execution.outcome, .completed, r.execution.threadStates)
            XCTAssertEqual(r.violations, 0)
        }
    }

    /// Mutant no-fastpath-mb needs a store to stay in the buffer across the
    /// flag load: TSO finds it, SC cannot. One vCPU writing one gfn that the
    /// mmu thread keeps protecting and unprotecting; a random walk that
    /// rarely flushes (about 2% of runs catch it).
    func testNoFastpathMBIsCaughtUnderTSOOnly() throws {
        var ops = ProtocolOps(protocolName: .vcpuID)
        ops.fastPathBarrier = false
        var weights = MMUWeights()
        weights.writeProtect = 1; weights.unprotect = 1; weights.audit = 1
        weights.dirtyLog = 0; weights.zapAll = 0; weights.invalidateRange = 0; weights.invalidatePage = 0
        let tso = executor(2, .tso)
        let sc = executor(2, .sc)
        func run(_ ops: ProtocolOps, _ ex: SimExecutor, _ seed: UInt64) -> Int {
            SimVMTests.runVM(ops: ops, vcpus: 1, budget: 64, mmuIterations: 16, hotFrames: 1, writeRatio: 1, weights: weights,
                             executor: ex, scheduler: RandomWalkScheduler(seed: seed, flushProbability: 0.02))!.violations
        }
        var foundTSO = 0, foundSC = 0, cleanTSO = 0
        for seed in 0..<1_000 as Range<UInt64> {
            if run(ops, tso, seed) > 0 { foundTSO += 1 }
            if run(ops, sc, seed) > 0 { foundSC += 1 }
            if run(ProtocolOps(protocolName: .vcpuID), tso, seed) > 0 { cleanTSO += 1 }
        }
        XCTAssertGreaterThan(foundTSO, 0, "no-fastpath-mb not caught in deterministic TSO runs")
        XCTAssertEqual(foundSC, 0, "no-fastpath-mb cannot be a bug under SC")
        XCTAssertEqual(cleanTSO, 0, "the correct protocol raised a violation under TSO")
    }
}
