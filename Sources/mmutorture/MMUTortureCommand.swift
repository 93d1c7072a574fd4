import ArgumentParser
import MMUTortureCore

/// `mmutorture`: the command line of the README.
struct MMUTortureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mmutorture",
        abstract: "Stress harness for the KVM x86 MMU's lockless fast page-fault path.",
        discussion: """
        vCPU threads race the RCU-protected fast page-fault path against
        write-protect, dirty logging, zap-obsolete and mmu-notifier
        invalidation on a model MMU, while a checker asserts the invariants.

        Exit status: 0 no violation, 1 violation found, 2 bad usage or config,
        3 the harness itself failed.
        """,
        version: MMUTortureVersion.string,
        subcommands: [RunCommand.self, ReplayCommand.self, MutantsCommand.self,
                      BenchCommand.self, ValidateCommand.self, LitmusCommand.self, ReportCommand.self]
    )
}
