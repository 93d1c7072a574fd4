import Foundation
import MMUTortureCore
import URCUShim

/// The VM's paths as a mutation subject whose mutants each run in a child
/// `mutants hunt` process (discovery runs in this one).
struct ProcessMutationSubject: MutationSubject {
    let base: VMMutationSubject
    let protocolName: ProtocolName
    let shrink: Bool
    let scenarios: [String]
    /// A child that runs longer is stopped, and its mutant recorded as
    /// killed by `hang` (a loop with no platform operation in it never
    /// reaches the simulator's step limit; natively the watchdog sees it).
    let timeoutSeconds: Double

    func discover(seed: UInt64, executions: Int) -> SiteDiscovery { base.discover(seed: seed, executions: executions) }

    func hunt(_ mutation: SimMutation, seed: UInt64, executions: Int) -> MutantAttempt {
        let start = monotonicNanoseconds()
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
        var args = ["mutants", "hunt", "--protocol", protocolName.rawValue, "--site", mutation.site,
                    "--operation", mutation.operation.description, "--operator", mutation.mutationOperator.name,
                    "--seed", "\(seed)", "--executions", "\(executions)"]
        if !shrink { args.append("--no-shrink") }
        for s in scenarios { args += ["--scenario", s] }
        child.arguments = args
        var env = ProcessInfo.processInfo.environment
        env["SWIFT_BACKTRACE"] = "enable=no"
        child.environment = env
        let out = Pipe(), err = Pipe()
        child.standardOutput = out
        child.standardError = err
        do { try child.run() } catch {
            return MutantAttempt(seed: seed, executions: 0, killedBy: "harness", message: "cannot start mutants hunt: \(error)")
        }
        let watchdog = Thread {
            let deadline = monotonicNanoseconds() &+ UInt64(timeoutSeconds * 1e9)
            while child.isRunning {
                // An interrupt stops the search in flight too: the sweep
                // records no verdict for it and writes its partial report.
                if monotonicNanoseconds() > deadline || mmut_interrupt_signal() != 0 {
                    // SIGKILL: the child inherits the worker thread's blocked signals.
                    kill(child.processIdentifier, SIGKILL)
                    return
                }
                usleep(100_000)
            }
        }
        watchdog.start()
        // Read both to the end before waiting (a full pipe would block the child).
        let errBox = DataBox()
        let errReader = Thread { errBox.data = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        while !errReader.isFinished { usleep(1_000) }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        if child.terminationReason == .exit && child.terminationStatus == 0,
           let a = try? JSONDecoder().decode(MutantAttempt.self, from: outData) {
            return a
        }
        if seconds > timeoutSeconds {
            return MutantAttempt(seed: seed, executions: 0, killedBy: "hang",
                                 message: "no result after \(Int(timeoutSeconds)) s: a loop without a platform operation?",
                                 seconds: seconds)
        }
        // The model crashed under the mutant (a trap in the paths): the
        // mutant is detected, as a run of the tool would be (exit 3).
        let why = String(decoding: errBox.data, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
        let how = child.terminationReason == .uncaughtSignal
            ? "signal \(child.terminationStatus)" : "exit \(child.terminationStatus)"
        return MutantAttempt(seed: seed, executions: 0, killedBy: "crash", message: "the model crashed (\(how)): \(why)",
                             seconds: seconds)
    }
}

/// The child's stderr, read on its own thread (written once, read after it finished).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}
