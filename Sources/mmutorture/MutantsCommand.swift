import ArgumentParser
import MMUTortureCore

struct MutantsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mutants", abstract: "List the known-broken protocol variants, or verify that each is caught.",
                                                    subcommands: [List.self, MutantsVerifyCommand.self, MutantsSweepCommand.self, MutantsHuntCommand.self])
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A table of the mutants: name, what is broken, expected invariant, source.")
        func run() throws {
            let rows = ProtocolVariants.mutants.map { m in
                [m.name.rawValue, m.protocols.map(\.rawValue).joined(separator: ","), m.expectedInvariants.map(\.rawValue).joined(separator: " / "), m.source, m.summary]
            }
            let header = ["mutant", "protocols", "expected invariant", "source", "what is broken"]
            var widths = header.map(\.count)
            for r in rows { for (i, c) in r.enumerated() where i < 4 { widths[i] = max(widths[i], c.count) } }
            func line(_ r: [String]) -> String {
                r.enumerated().map { i, c in i < 4 ? c.rightPad(widths[i]) : c }.joined(separator: "  ")
            }
            print(line(header))
            for r in rows { print(line(r)) }
        }
    }
}
