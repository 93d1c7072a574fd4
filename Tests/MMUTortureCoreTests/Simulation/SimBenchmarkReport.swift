import XCTest
@testable import MMUTortureCore

/// Prints the deterministic mode's figures (issue 7 asks for them in the
/// note): switch mechanisms, simulated steps per second. Not a timed test:
/// it asserts nothing about speed and runs only when MMUT_SIM_BENCH is set.
final class SimBenchmarkReport: XCTestCase {
    func testPrintFigures() throws {
        guard ProcessInfo.processInfo.environment["MMUT_SIM_BENCH"] != nil else {
            throw XCTSkip("set MMUT_SIM_BENCH=1 to print the deterministic mode's figures")
        }
        for (name, rate) in SimBenchmark.switchRates() {
            print(String(format: "switch  %-34@ %12.0f switches/s  (%.1f ns)", name as NSString, rate, 1e9 / rate))
        }
        func show(_ label: String, _ r: (execution: SimExecution, stepsPerSecond: Double)) {
            print(String(format: "steps   %-34@ %6.2fM steps/s  (%llu steps, %d real decisions, %llu switches)", label as NSString,
                         r.stepsPerSecond / 1e6, r.execution.steps, r.execution.schedule.decisionCount,
                         r.execution.contextSwitches))
        }
        show("synthetic, 4 threads, random walk", SimBenchmark.simulatedSteps(scheduler: RandomWalkScheduler(seed: 1)))
        show("synthetic, 4 threads, PCT d=3", SimBenchmark.simulatedSteps(scheduler: PCTScheduler(seed: 1, depth: 3)))
        show("synthetic, 4 threads, replay-free SC", SimBenchmark.simulatedSteps(memoryModel: .sc, scheduler: RandomWalkScheduler(seed: 1)))
        show("synthetic, 2 threads, random walk", SimBenchmark.simulatedSteps(threads: 2, operations: 500_000,
                                                                               scheduler: RandomWalkScheduler(seed: 1)))
        // The protocol itself: 2 vCPUs + 1 mmu thread on a 16-frame VM.
        var o = SimExecutor.Options()
        o.stepLimit = 50_000_000
        o.memoryModel = ProcessInfo.processInfo.environment["MMUT_SIM_VM_TSO"] != nil ? .tso : .sc
        let ex = SimExecutor(threadCount: 3, options: o)
        for (label, scheduler) in [("VM paths \(o.memoryModel), random walk", RandomWalkScheduler(seed: 1) as SimScheduler),
                                   ("VM paths \(o.memoryModel), PCT d=3", PCTScheduler(seed: 1, depth: 3))] {
            var steps: UInt64 = 0, ns: UInt64 = 0, switches: UInt64 = 0, executions = 0, decisions = 0
            for _ in 0..<20 {
                let r = SimVMTests.runVM(budget: 2_048, mmuIterations: 2_048, executor: ex, scheduler: scheduler)!
                steps += r.execution.steps; ns += r.execution.elapsedNanoseconds
                switches += r.execution.contextSwitches; executions += 1
                decisions += r.execution.schedule.decisionCount
            }
            let seconds = Double(ns) / 1e9
            print(String(format: "steps   %-34@ %6.2fM steps/s, %.2fM real decisions/s  (%llu steps in %d executions, %llu switches; %.0f executions/s)",
                         label as NSString, Double(steps) / seconds / 1e6, Double(decisions) / seconds / 1e6, steps,
                         executions, switches, Double(executions) / seconds))
        }
        let r = LitmusCatalog.all.map { $0.explore(model: .tso) }
        let e = r.reduce(0) { $0 + $1.executions }, ns = r.reduce(0) { $0 + $1.elapsedNanoseconds }
        print(String(format: "litmus  all tests, TSO, exhaustive %d executions, %.0f executions/s", e, Double(e) / (Double(ns) / 1e9)))
    }
}
