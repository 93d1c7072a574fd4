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
        // Spawned from a worker thread that blocks signals: take them back.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
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
