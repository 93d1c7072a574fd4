/// A loaded campaign: every run it makes, in order.
///
/// A file without `scenarios:` is a campaign of one scenario; a campaign
/// file lists scenario files with repeat factors and gives them base keys.
/// Each scenario expands to `factor * repeat` runs with derived seeds.
public struct Campaign: Equatable, Sendable {
    /// The campaign's name: its file's `name`, else the file name without .yaml.
    public var name: String
    /// The campaign file, nil for the built-in default.
    public var file: String?
    /// Every run, scenario by scenario, repeats in order.
    public var runs: [ResolvedScenario]

    /// A campaign; see the properties.
    public init(name: String, file: String?, runs: [ResolvedScenario]) {
        self.name = name
        self.file = file
        self.runs = runs
    }

    /// The built-in default campaign (`mmutorture run` without a file):
    /// `CampaignConfig.default`, once.
    public static var builtInDefault: Campaign {
        (try? Campaign(single: .default, file: nil)) ?? Campaign(name: "default", file: nil, runs: [])
    }

    /// The campaign of one config: `config.repeat` runs of it. Validates it.
    public init(single config: CampaignConfig, file: String?) throws {
        try config.validate()
        let runs = (0..<config.repeat).map {
            ResolvedScenario(name: config.name, file: file, repeatIndex: $0, repeatCount: config.repeat,
                             masterSeed: config.seed, config: config)
        }
        self.init(name: config.name, file: file, runs: runs)
    }

    /// Whether the campaign has more than one scenario (so reports list them).
    public var hasManyScenarios: Bool {
        guard let first = runs.first else { return false }
        return runs.contains { $0.name != first.name || $0.file != first.file }
    }

    /// The distinct scenarios (their first run each), in order.
    public var scenarios: [ResolvedScenario] {
        runs.filter { $0.repeatIndex == 0 }
    }

    /// Warnings about the campaign's configs, each once, naming the scenario
    /// when there are several.
    public var warnings: [String] {
        var result: [String] = []
        for run in scenarios {
            for warning in run.config.warnings {
                let line = hasManyScenarios ? "\(run.name): \(warning)" : warning
                if !result.contains(line) { result.append(line) }
            }
        }
        return result
    }

    /// Applies command-line overrides to every run (see
    /// `CampaignConfig.applying(_:)`); a `seed` override becomes every
    /// scenario's master seed, and the repeats' seeds are derived from it.
    public func applying(_ overrides: ConfigOverrides) throws -> Campaign {
        var result = self
        result.runs = try runs.map { run in
            let config = try run.config.applying(overrides)
            return ResolvedScenario(name: config.name, file: run.file, repeatIndex: run.repeatIndex,
                                    repeatCount: run.repeatCount, masterSeed: overrides.seed ?? run.masterSeed,
                                    config: config)
        }
        return result
    }

    /// What `mmutorture validate` prints: for one scenario its resolved YAML;
    /// for several, one YAML document per scenario, each headed by a comment
    /// naming its file and runs.
    public func resolvedYAML() -> String {
        if !hasManyScenarios, let only = runs.first {
            var config = only.config
            config.seed = only.masterSeed
            return config.resolvedYAML()
        }
        var out = "# campaign \(name)" + (file.map { " (\($0))" } ?? "") + ": \(runs.count) runs\n"
        for scenario in scenarios {
            var config = scenario.config
            config.seed = scenario.masterSeed
            out += "---\n# scenario \(scenario.name)" + (scenario.file.map { " (\($0))" } ?? "")
                + ", \(scenario.repeatCount) run\(scenario.repeatCount == 1 ? "" : "s")\n"
            out += config.resolvedYAML()
        }
        return out
    }
}
