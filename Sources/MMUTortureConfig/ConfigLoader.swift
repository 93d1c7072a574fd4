import Foundation
import MMUTortureCore
import Yams

/// Reads campaign and scenario files into a `Campaign`.
///
/// Every problem is a `ConfigError` that names the file, the key path and
/// the 1-based line; no input makes it trap.
///
/// A file without `scenarios:` is one scenario: its keys over the defaults.
/// A campaign file lists scenario files:
///
/// ```yaml
/// name: ci
/// duration: 3s              # base keys: defaults for every scenario
/// scenarios:
///   - vcpu-id-tdp           # ./vcpu-id-tdp.yaml, once
///   - 3*mmu-writable-tdp    # three runs, seeds derived from its seed
/// ```
///
/// Each scenario's config is the defaults, then the campaign's base keys,
/// then the scenario file's keys (a deep merge: a scenario may override one
/// key of a section). A scenario is named by its file's `name`, else by its
/// entry; the campaign's `name` names the campaign.
public enum ConfigLoader {
    /// The largest config file read (1 MiB).
    public static let maxFileSize = 1 << 20
    /// The most runs a campaign may expand to.
    public static let maxRuns = 100_000

    /// Loads the campaign or scenario file at `path`.
    public static func load(path: String) throws -> Campaign {
        try parse(yaml: readText(path: path), file: path)
    }

    /// Parses `yaml` as the contents of `file` (which names it in errors;
    /// scenario files are looked up beside it).
    public static func parse(yaml: String, file: String) throws -> Campaign {
        try parse(yaml: yaml, file: file, randomSeed: { UInt64.random(in: .min ... .max) })
    }

    /// `parse(yaml:file:)` with the source of random seeds given (for tests).
    static func parse(yaml: String, file: String, randomSeed: () -> UInt64) throws -> Campaign {
        let root = try composeMapping(yaml: yaml, file: file)
        var base = CampaignConfig()
        base.name = fileStem(file)
        var baseOrigins: [String: ConfigOrigin] = [:]
        let reader = ConfigReader(file: file, context: ConfigReadContext(randomSeed: randomSeed()))
        let skipped = try reader.apply(root, to: &base, origins: &baseOrigins, skipping: [ConfigSchema.scenariosKey])

        guard let (scenariosKey, scenariosValue) = skipped[ConfigSchema.scenariosKey] else {
            try check(base, origins: baseOrigins, file: file)
            return try expand(name: base.name, file: file, scenarios: [(base, 1, file)])
        }

        let campaignName = base.name
        base.name = "default"
        baseOrigins["name"] = nil
        let references = try scenarioReferences(scenariosValue, key: scenariosKey, file: file)
        var scenarios: [(CampaignConfig, Int, String)] = []
        for (reference, line) in references {
            let path = reference.path(relativeTo: directoryPart(of: file))
            let text: String
            do {
                text = try readText(path: path)
            } catch var error as ConfigError {
                // Blame the entry that names the missing file.
                error = ConfigError(file: file, keyPath: "scenarios", line: line,
                                    message: "scenario '\(shortened(reference.name))': "
                                        + (error.file.map { "\($0): " } ?? "") + error.message)
                throw error
            }
            let mapping = try composeMapping(yaml: text, file: path)
            var config = base
            config.name = reference.baseName
            var origins = baseOrigins
            let scenarioReader = ConfigReader(file: path, context: ConfigReadContext(randomSeed: randomSeed()))
            try scenarioReader.apply(mapping, to: &config, origins: &origins)
            try check(config, origins: origins, file: path)
            scenarios.append((config, reference.factor, path))
        }
        return try expand(name: campaignName, file: file, scenarios: scenarios)
    }

    // MARK: - Reading files

    /// The text of the file at `path`, or an error saying why not.
    static func readText(path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ConfigError(file: path, message: "no such file")
        }
        guard !isDirectory.boolValue else {
            throw ConfigError(file: path, message: "is a directory, not a config file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ConfigError(file: path, message: "cannot be read: permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ConfigError(file: path, message: "cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= maxFileSize else {
            throw ConfigError(file: path, message: "is \(data.count) bytes, more than a config file may be (\(maxFileSize))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "is not UTF-8 text")
        }
        return text
    }

    // MARK: - YAML

    /// The top-level mapping of `yaml` (empty for an empty file), or a
    /// `ConfigError` carrying Yams' line and problem.
    static func composeMapping(yaml: String, file: String) throws -> Node.Mapping {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw configError(for: error, yaml: yaml, file: file)
        } catch {
            throw ConfigError(file: file, message: "malformed YAML: \(error)")
        }
        guard let root, !root.isNull else { return Node.Mapping([]) }
        guard case let .mapping(mapping) = root else {
            throw ConfigError(file: file, line: root.mark?.line,
                              message: "the top level must be a mapping of keys like 'duration: 10s', "
                                  + "got \(root.shownInMessage)")
        }
        return mapping
    }

    /// A Yams error as a `ConfigError`. Builds the message from the error's
    /// parts: Yams' own description can trap on some reader errors.
    static func configError(for error: YamlError, yaml: String, file: String) -> ConfigError {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> ConfigError {
            var message = "malformed YAML: \(problem) (column \(mark.column))"
            if let context, !context.text.isEmpty {
                message += ", \(context.text) at line \(context.mark.line)"
            }
            return ConfigError(file: file, line: mark.line, message: message)
        }
        switch error {
        case let .scanner(context, problem, mark, _),
             let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return located(problem, context, mark)
        case let .reader(problem, offset, _, _):
            var line: Int?
            if let offset, offset >= 0,
               let index = yaml.index(yaml.startIndex, offsetBy: offset, limitedBy: yaml.endIndex) {
                line = yaml[..<index].reduce(1) { $1 == "\n" || $1 == "\r\n" ? $0 + 1 : $0 }
            }
            return ConfigError(file: file, line: line, message: "unreadable YAML: \(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "'\(shortened($0))'" }.joined(separator: ", ")
            return ConfigError(file: file, keyPath: duplicates.first.map { shortened($0) },
                               line: context.mark.line > 0 ? context.mark.line : nil,
                               message: "key \(keys) appears more than once in the same mapping")
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return ConfigError(file: file, message: "malformed YAML: \(error)")
        }
    }

    // MARK: - Scenarios

    /// The entries of `scenarios:` with their lines.
    static func scenarioReferences(_ value: Node, key: Node, file: String) throws -> [(ScenarioReference, Int?)] {
        guard case let .sequence(sequence) = value, !sequence.isEmpty else {
            throw ConfigError(file: file, keyPath: "scenarios", line: value.mark?.line ?? key.mark?.line,
                              message: "expected a non-empty list of scenario names like '2*vcpu-id-tdp', "
                                  + "got \(value.shownInMessage)")
        }
        return try sequence.enumerated().map { index, entry in
            let line = entry.mark?.line ?? key.mark?.line
            guard case let .scalar(scalar) = entry, !entry.isNull else {
                throw ConfigError(file: file, keyPath: "scenarios[\(index)]", line: line,
                                  message: "expected a scenario name like '2*vcpu-id-tdp', got \(entry.shownInMessage)")
            }
            do {
                return (try ScenarioReference(parsing: scalar.string), line)
            } catch let error as ConfigError {
                throw ConfigError(file: file, keyPath: "scenarios[\(index)]", line: line, message: error.message)
            }
        }
    }

    /// Validates `config`, naming the file and line where the key to blame was set.
    static func check(_ config: CampaignConfig, origins: [String: ConfigOrigin], file: String) throws {
        guard let issue = config.issues().first else { return }
        let blamed = issue.keyPaths.first { origins[$0] != nil } ?? issue.keyPaths.first
        let origin = blamed.flatMap { origins[$0] }
        throw ConfigError(file: origin?.file ?? file, keyPath: blamed, line: origin?.line, message: issue.message)
    }

    /// The campaign of `scenarios` (config, factor, file), each expanded to
    /// factor * repeat runs.
    static func expand(name: String, file: String, scenarios: [(CampaignConfig, Int, String)]) throws -> Campaign {
        var total = 0
        for (config, factor, _) in scenarios {
            let (runs, o1) = factor.multipliedReportingOverflow(by: config.repeat)
            let (sum, o2) = total.addingReportingOverflow(runs)
            guard !o1, !o2, sum <= maxRuns else {
                throw ConfigError(file: file, keyPath: "repeat",
                                  message: "the campaign expands to more than \(maxRuns) runs")
            }
            total = sum
        }
        var runs: [ResolvedScenario] = []
        runs.reserveCapacity(total)
        for (config, factor, scenarioFile) in scenarios {
            let count = factor * config.repeat
            for index in 0..<count {
                runs.append(ResolvedScenario(name: config.name, file: scenarioFile, repeatIndex: index,
                                             repeatCount: count, masterSeed: config.seed, config: config))
            }
        }
        return Campaign(name: name, file: file, runs: runs)
    }
}
