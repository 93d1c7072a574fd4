import MMUTortureCore
import Yams

/// Every key a config file may have, in the order `resolvedYAML()` prints
/// them, with their ranges. The one place to add a key.
enum ConfigSchema {
    /// Keys whose value is a mapping of further keys.
    static let sections = ["guest", "workload", "mmu", "perturb", "checker", "deterministic"]

    /// The top-level key of a campaign file that lists its scenarios.
    static let scenariosKey = "scenarios"

    /// The longest run a config may ask for (one week), so that deadlines
    /// computed from it never overflow.
    static let maxDuration = DurationSpec.hours(24 * 7)

    /// The most repeats of one scenario.
    static let maxRepeat = 10_000

    /// Every leaf key, sections flattened, in print order.
    static let fields: [ConfigField] = [
        name,
        .choice("protocol", \.protocol),
        .choice("mutant", \.mutant),
        .choice("mode", \.mode),
        seed,
        .duration("duration", \.duration, in: .zero...maxDuration, note: " (0 = no time budget)"),
        .integer("operations", \.operations, expected: "a whole number of operations (0 = no operation budget)",
                 isValid: { _ in true }),
        .integer("vcpus", \.vcpus, in: 1...512),
        .boolean("allow_slow_vcpus", \.allowSlowVCPUs),
        .choice("identification", \.identification),
        .choice("rcu", \.rcu),
        .choice("placement", \.placement),
        .integer("guest.frames", \.guest.frames, in: 16...(1 << 20)),
        .choice("guest.paging", \.guest.paging),
        .fraction("workload.write_ratio", \.workload.writeRatio),
        .choice("workload.pattern", \.workload.pattern),
        .integer("workload.hot_frames", \.workload.hotFrames, in: 1...(1 << 20)),
        .fraction("workload.hot_ratio", \.workload.hotRatio),
        .number("workload.zipf_s", \.workload.zipfS, expected: "a number greater than 0 and at most 10",
                isValid: { $0 > 0 && $0 <= 10 }),
        .integer("mmu.threads", \.mmu.threads, in: 1...8),
    ] + MMUWeights.keyPaths.map { op, path in
        weight("mmu." + op.key, (\CampaignConfig.mmu.weights).appending(path: path))
    } + [
        .boolean("mmu.swarm", \.mmu.weights.swarm),
        .fraction("perturb.probability", \.perturb.probability),
        .duration("perturb.max_delay", \.perturb.maxDelay, in: .zero...DurationSpec.seconds(1)),
        .boolean("perturb.swarm", \.perturb.swarm),
        .choices("perturb.points", \.perturb.points),
        .choices("perturb.kinds", \.perturb.kinds),
        .integer("repeat", \.repeat, in: 1...maxRepeat),
        .duration("watchdog", \.watchdog, in: DurationSpec.milliseconds(1)...DurationSpec.hours(24)),
        .duration("checker.audit_interval", \.checker.auditInterval, in: .zero...DurationSpec.hours(1),
                  note: " (0 = only the final audit)"),
        .integer("trace_depth", \.traceDepth, in: 1...65_536),
        .choice("deterministic.strategy", \.deterministic.strategy),
        .integer("deterministic.depth", \.deterministic.depth, in: 1...64),
        .integer("deterministic.preemption_bound", \.deterministic.preemptionBound, in: 0...16),
        .integer("deterministic.executions", \.deterministic.executions, in: 1...1_000_000_000),
        .integer("deterministic.accesses_per_vcpu", \.deterministic.accessesPerVCPU,
                 expected: "an integer between 1 and 1048576", isValid: { (1...(1 << 20)).contains($0) }),
        .integer("deterministic.mmu_operations", \.deterministic.mmuOperations, in: 1...(1 << 20)),
        .boolean("deterministic.shrink", \.deterministic.shrink),
    ]

    /// The field for a dotted key path.
    static let fieldsByPath: [String: ConfigField] = Dictionary(
        fields.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })

    /// The keys allowed directly under `section` ("" for the top level):
    /// leaf keys and section names, in print order.
    static func keys(in section: String) -> [String] {
        var result: [String] = []
        for field in fields where field.section == section && !result.contains(field.key) {
            result.append(field.key)
        }
        if section.isEmpty {
            result += sections
        }
        return result
    }

    /// An mmu operation weight.
    private static func weight(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, Int>) -> ConfigField {
        .integer(path, keyPath, expected: "a weight: a whole number from 0 to \(MMUWeights.maxWeight)",
                 isValid: { (0...MMUWeights.maxWeight).contains($0) })
    }

    /// `name`: a short printable label (it ends up in file names and JUnit).
    private static let name: ConfigField = {
        let expected = "a name of 1 to 128 printable characters"
        return ConfigField(
            path: "name", expected: expected, keyPath: \.name,
            read: { node, config, _ in
                config.name = try ConfigField.scalarText(node, expected: expected)
            },
            check: { config in
                let name = config.name
                let printable = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F }
                return (1...128).contains(name.count) && printable
                    ? nil : "expected \(expected), got '\(shortened(name))'"
            },
            render: { yamlQuoted($0.name) })
    }()

    /// The JSON form's record of `seed: random` (not a key of the file).
    static let seedWasRandomKey = "seed_was_random"

    /// `seed`: a 64-bit number (decimal or 0x hex), or `random`.
    private static let seed: ConfigField = {
        let expected = "a seed: a whole number from 0 to \(UInt64.max) (or 0x hex), or random"
        return ConfigField(
            path: "seed", expected: expected,
            read: { node, config, context in
                let text = try ConfigField.scalarText(node, expected: expected)
                if text.lowercased() == "random" {
                    config.seed = context.randomSeed
                    config.seedWasRandom = true
                } else if let value = ConfigField.parseInteger(text, as: UInt64.self) {
                    config.seed = value
                    config.seedWasRandom = false
                } else {
                    throw FieldProblem(message: "expected \(expected), got \(node.shownInMessage)")
                }
            },
            check: { _ in nil },
            render: { "\($0.seed)" + ($0.seedWasRandom ? "  # drawn at random (seed: random)" : "") },
            encode: { config, container, key in
                try container.encode(config.seed, forKey: key)
                try container.encode(config.seedWasRandom, forKey: ConfigKey(seedWasRandomKey))
            },
            decode: { container, key, config in
                if let seed = try container.decodeIfPresent(UInt64.self, forKey: key) { config.seed = seed }
                if let random = try container.decodeIfPresent(Bool.self, forKey: ConfigKey(seedWasRandomKey)) {
                    config.seedWasRandom = random
                }
            })
    }()
}
