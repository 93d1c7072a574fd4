import MMUTortureCore

/// Options of `mmutorture run` that override the config file's keys; nil
/// leaves the file's value.
public struct ConfigOverrides: Equatable, Sendable {
    /// `--seed N`.
    public var seed: UInt64?
    /// `--duration 30s`.
    public var duration: DurationSpec?
    /// `--operations N`.
    public var operations: UInt64?
    /// `--vcpus N`.
    public var vcpus: Int?
    /// `--protocol vcpu-id|mmu-writable|tdp-mmu`.
    public var `protocol`: ProtocolName?
    /// `--mutant NAME`.
    public var mutant: MutantName?
    /// `--mode native|deterministic`.
    public var mode: ModeName?

    /// Overrides; see the properties.
    public init(seed: UInt64? = nil, duration: DurationSpec? = nil, operations: UInt64? = nil, vcpus: Int? = nil,
                protocol: ProtocolName? = nil, mutant: MutantName? = nil, mode: ModeName? = nil) {
        self.seed = seed
        self.duration = duration
        self.operations = operations
        self.vcpus = vcpus
        self.protocol = `protocol`
        self.mutant = mutant
        self.mode = mode
    }

    /// Whether nothing is overridden.
    public var isEmpty: Bool { self == ConfigOverrides() }

    /// The overrides as command-line options, in a fixed order
    /// (`["--seed", "7", "--vcpus", "8"]`), for reproduce lines.
    public var arguments: [String] {
        var result: [String] = []
        if let seed { result += ["--seed", "\(seed)"] }
        if let duration { result += ["--duration", duration.description] }
        if let operations { result += ["--operations", "\(operations)"] }
        if let vcpus { result += ["--vcpus", "\(vcpus)"] }
        if let value = self.protocol { result += ["--protocol", value.rawValue] }
        if let mutant { result += ["--mutant", mutant.rawValue] }
        if let mode { result += ["--mode", mode.rawValue] }
        return result
    }

    /// The command-line option that sets a config key.
    static let optionForKey: [String: String] = [
        "seed": "--seed", "duration": "--duration", "operations": "--operations", "vcpus": "--vcpus",
        "protocol": "--protocol", "mutant": "--mutant", "mode": "--mode",
    ]
}

extension CampaignConfig {
    /// The config with `overrides` applied, validated again. An error that
    /// an override caused names the option (`--vcpus`) and the file
    /// "command line"; one that it merely exposed names the key.
    public func applying(_ overrides: ConfigOverrides) throws -> CampaignConfig {
        var result = self
        if let seed = overrides.seed {
            result.seed = seed
            result.seedWasRandom = false
        }
        if let duration = overrides.duration { result.duration = duration }
        if let operations = overrides.operations { result.operations = operations }
        if let vcpus = overrides.vcpus { result.vcpus = vcpus }
        if let value = overrides.protocol { result.protocol = value }
        if let mutant = overrides.mutant { result.mutant = mutant }
        if let mode = overrides.mode { result.mode = mode }

        guard let issue = result.issues().first else { return result }
        let overridden = Set(overrides.arguments.filter { $0.hasPrefix("--") })
        let blamed = issue.keyPaths.first { ConfigOverrides.optionForKey[$0].map(overridden.contains) ?? false }
        if let key = blamed, let option = ConfigOverrides.optionForKey[key] {
            throw ConfigError(file: "command line", keyPath: option, message: issue.message)
        }
        throw ConfigError(keyPath: issue.keyPaths.first, message: issue.message)
    }
}
