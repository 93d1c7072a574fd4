import ArgumentParser
import Foundation
import MMUTortureConfig
import MMUTortureCore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a config file and print it fully resolved.")
    @Argument(help: "Campaign config file (YAML).") var config: String
    func run() throws {
        let campaign = try withInputErrorsReported { try ConfigLoader.load(path: config) }
        for w in campaign.warnings { printError("mmutorture: warning: \(w)") }
        print(campaign.resolvedYAML(), terminator: "")
    }
}
