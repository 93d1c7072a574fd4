import ArgumentParser
import MMUTortureCore

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "replay", abstract: "Re-run the case a JSON report describes and say whether the violation came back.")
    @Argument(help: "A report written by `run --report`.") var report: String
    func run() throws { throw notYetImplemented("replay") }
}

struct MutantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mutants", abstract: "List the known-broken protocol variants, or verify that each is caught.",
                                                    subcommands: [List.self, Verify.self])
    struct List: ParsableCommand {
        func run() throws { throw notYetImplemented("mutants list") }
    }
    struct Verify: ParsableCommand {
        func run() throws { throw notYetImplemented("mutants verify") }
    }
}

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "The performance suite: side-by-side ratios in one run.")
    func run() throws { throw notYetImplemented("bench") }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a config file and print it fully resolved.")
    @Argument(help: "Campaign config file (YAML).") var config: String
    func run() throws { throw notYetImplemented("validate") }
}
