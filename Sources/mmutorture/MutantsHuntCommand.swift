import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import MMUTortureCampaign
import MMUTortureConfig
import MMUTortureCore
import URCUShim

/// `mmutorture mutants hunt`: one mutant's deterministic search, the result
/// as one JSON line (`MutantAttempt`). `mutants sweep` runs each mutant in
/// such a child process, so that a mutant that crashes the model (an
/// overflow trap on a corrupted count, say) is a finding, not the end of
/// the sweep.
struct MutantsHuntCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hunt", abstract: "Search one mutant of the sweep (used by `mutants sweep`).", shouldDisplay: false)

    @Option var `protocol`: ProtocolName
    @Option(help: "path:line:column") var site: String
    @Option(help: "The kind of operation at the site (cmpxchg, smp-mb, ...).") var operation: String
    @Option(name: .customLong("operator")) var operatorName: String
    @Option var seed: UInt64 = 1
    @Option var executions: Int = 2_000
    @Flag var noShrink = false
    @Option var scenario: [String] = []

    func run() throws {
        guard let s = ReachedSite(name: site, operation: operation), let op = MutationOperators.named(operatorName) else {
            printError("mmutorture: mutants hunt: bad site, operation or operator")
            throw ExitCode(2)
        }
        // A child of `mutants sweep`: it ends with its parent (Ctrl-C, a kill).
        let parent = getppid()
        Thread.detachNewThread {
            while getppid() == parent { usleep(200_000) }
            Glibc.exit(130)
        }
        let subject = MutantsSweepCommand.subject(protocol: `protocol`, seed: seed, shrink: !noShrink, only: scenario)
        let attempt = subject.hunt(SimMutation(site: s, operator: op), seed: seed, executions: executions)
        let data = try JSONEncoder().encode(attempt)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}

/// The VM's paths as a mutation subject whose mutants each run in a child
/// `mutants hunt` process (discovery runs in this one).
struct ProcessMutationSubject: MutationSubject {
    let base: VMMutationSubject
    let protocolName: ProtocolName
    let shrink: Bool
    let scenarios: [String]

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
        // Read both to the end before waiting (a full pipe would block the child).
        var errData = Data()
        let errReader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        errReader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        child.waitUntilExit()
        while !errReader.isFinished { usleep(1_000) }
        let seconds = Double(monotonicNanoseconds() - start) / 1e9
        if child.terminationReason == .exit && child.terminationStatus == 0,
           let a = try? JSONDecoder().decode(MutantAttempt.self, from: outData) {
            return a
        }
        // The model crashed under the mutant (a trap in the paths): the
        // mutant is detected, as a run of the tool would be (exit 3).
        let why = String(decoding: errData, as: UTF8.self).split(separator: "\n").suffix(3).joined(separator: " | ")
        let how = child.terminationReason == .uncaughtSignal
            ? "signal \(child.terminationStatus)" : "exit \(child.terminationStatus)"
        return MutantAttempt(seed: seed, executions: 0, killedBy: "crash", message: "the model crashed (\(how)): \(why)",
                             seconds: seconds)
    }
}
