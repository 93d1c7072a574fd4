import Foundation
import MMUTortureCore
import Yams

/// A value in a config file that is not what its key needs; the reader
/// turns it into a `ConfigError` naming the file, key and line.
struct FieldProblem: Error {
    /// What is wrong: "expected ..., got ...".
    var message: String
    /// Where the problem is, when it is not at the key itself (a list element).
    var mark: Mark?
    /// A more precise key path (`perturb.points[2]`), when there is one.
    var keyPath: String?
}

/// One leaf key of the config file: how to read it from YAML, how to check
/// its range, and how to print it back. `ConfigSchema.fields` lists them all,
/// so the reader, `validate()`, `resolvedYAML()` and the "did you mean"
/// suggestions share one source of truth.
struct ConfigField {
    /// The dotted YAML key path, like `workload.write_ratio`.
    let path: String
    /// What a valid value looks like, for messages: "an integer between 1 and 512".
    let expected: String
    /// Reads a YAML value into the config; throws `FieldProblem` when the
    /// value is not of the right form. Ranges are left to `check`.
    let read: (Node, inout CampaignConfig, ConfigReadContext) throws -> Void
    /// The message when the config's value is out of range, nil when fine.
    let check: (CampaignConfig) -> String?
    /// The value as YAML text (a scalar, or a flow list).
    let render: (CampaignConfig) -> String
    /// Writes the value into the JSON form of the config.
    let encode: (CampaignConfig, inout KeyedEncodingContainer<ConfigKey>, ConfigKey) throws -> Void
    /// Reads the value from the JSON form, when present.
    let decode: (KeyedDecodingContainer<ConfigKey>, ConfigKey, inout CampaignConfig) throws -> Void

    /// The last component of `path`.
    var key: String { String(path.split(separator: ".").last ?? Substring(path)) }
    /// The section (`workload`), or "" for a top-level key.
    var section: String {
        guard let dot = path.lastIndex(of: ".") else { return "" }
        return String(path[..<dot])
    }
}

/// What reading a value may need besides the value itself.
struct ConfigReadContext {
    /// The seed to use for `seed: random`, drawn once per file.
    var randomSeed: UInt64
}

// MARK: - The JSON form

extension ConfigField {
    /// A field whose JSON value is `V` itself.
    init<V: Codable>(path: String, expected: String, keyPath: WritableKeyPath<CampaignConfig, V>,
                     read: @escaping (Node, inout CampaignConfig, ConfigReadContext) throws -> Void,
                     check: @escaping (CampaignConfig) -> String?, render: @escaping (CampaignConfig) -> String) {
        self.init(path: path, expected: expected, read: read, check: check, render: render,
                  encode: { config, container, key in try container.encode(config[keyPath: keyPath], forKey: key) },
                  decode: { container, key, config in
                      if let value = try container.decodeIfPresent(V.self, forKey: key) { config[keyPath: keyPath] = value }
                  })
    }

    /// The value a JSON name stands for, or a decoding error naming the key.
    static func decodeNamed<E: ConfigNamed>(_ name: String, key: ConfigKey,
                                            in container: KeyedDecodingContainer<ConfigKey>) throws -> E {
        guard let value = E(configName: name) else {
            throw DecodingError.dataCorruptedError(
                forKey: key, in: container,
                debugDescription: "'\(name)' is not one of " + E.allCases.map(\.configName).joined(separator: ", "))
        }
        return value
    }
}

// MARK: - Reading scalars

extension ConfigField {
    /// The text of a scalar value, or a problem saying what was expected.
    static func scalarText(_ node: Node, expected: String) throws -> String {
        guard case let .scalar(scalar) = node, !node.isNull else {
            throw FieldProblem(message: "expected \(expected), got \(node.shownInMessage)")
        }
        return scalar.string
    }

    /// Parses a decimal integer (underscores allowed between digits, as in
    /// `1_000_000`; `0x` for hex) without trapping on any input.
    static func parseInteger<T: FixedWidthInteger>(_ text: String, as _: T.Type = T.self) -> T? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.hasPrefix("_"), !trimmed.hasSuffix("_"), !trimmed.contains("__") else { return nil }
        let digits = trimmed.replacingOccurrences(of: "_", with: "")
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            return T(digits.dropFirst(2), radix: 16)
        }
        return T(digits, radix: 10)
    }

    /// Parses a finite number.
    static func parseNumber(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let value = Double(trimmed), value.isFinite,
              trimmed.allSatisfy({ $0.isASCIIDigit || "+-.eE".contains($0) }) else { return nil }
        return value
    }

    /// Parses YAML's booleans: true/false, yes/no, on/off, in any case.
    static func parseBool(_ text: String) -> Bool? {
        switch text.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }
}

// MARK: - Field builders

extension ConfigField {
    /// An integer key, valid when `isValid`.
    static func integer<T: FixedWidthInteger & Codable>(
        _ path: String, _ keyPath: WritableKeyPath<CampaignConfig, T>,
        expected: String, isValid: @escaping (T) -> Bool
    ) -> ConfigField {
        ConfigField(
            path: path, expected: expected, keyPath: keyPath,
            read: { node, config, _ in
                let text = try scalarText(node, expected: expected)
                guard let value = parseInteger(text, as: T.self) else {
                    throw FieldProblem(message: "expected \(expected), got \(node.shownInMessage)")
                }
                config[keyPath: keyPath] = value
            },
            check: { config in
                let value = config[keyPath: keyPath]
                return isValid(value) ? nil : "expected \(expected), got \(value)"
            },
            render: { "\($0[keyPath: keyPath])" })
    }

    /// An integer key with a closed range.
    static func integer(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, Int>,
                        in range: ClosedRange<Int>) -> ConfigField {
        integer(path, keyPath, expected: "an integer between \(range.lowerBound) and \(range.upperBound)",
                isValid: range.contains)
    }

    /// A number key, valid when `isValid`.
    static func number(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, Double>,
                       expected: String, isValid: @escaping (Double) -> Bool) -> ConfigField {
        ConfigField(
            path: path, expected: expected, keyPath: keyPath,
            read: { node, config, _ in
                let text = try scalarText(node, expected: expected)
                guard let value = parseNumber(text) else {
                    throw FieldProblem(message: "expected \(expected), got \(node.shownInMessage)")
                }
                config[keyPath: keyPath] = value
            },
            check: { config in
                let value = config[keyPath: keyPath]
                return value.isFinite && isValid(value) ? nil : "expected \(expected), got \(value)"
            },
            render: { "\($0[keyPath: keyPath])" })
    }

    /// A number key in 0 ... 1.
    static func fraction(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, Double>) -> ConfigField {
        number(path, keyPath, expected: "a number between 0 and 1", isValid: { (0...1).contains($0) })
    }

    /// A duration key in `range`.
    static func duration(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, DurationSpec>,
                         in range: ClosedRange<DurationSpec>, note: String = "") -> ConfigField {
        let expected = "\(DurationSpec.expectation), from \(range.lowerBound) to \(range.upperBound)\(note)"
        return ConfigField(
            path: path, expected: expected, keyPath: keyPath,
            read: { node, config, _ in
                let text = try scalarText(node, expected: DurationSpec.expectation)
                guard let value = DurationSpec(text) else {
                    throw FieldProblem(message: "expected \(DurationSpec.expectation), got \(node.shownInMessage)")
                }
                config[keyPath: keyPath] = value
            },
            check: { config in
                let value = config[keyPath: keyPath]
                return range.contains(value) ? nil : "expected \(expected), got \(value)"
            },
            render: { $0[keyPath: keyPath].description })
    }

    /// A boolean key.
    static func boolean(_ path: String, _ keyPath: WritableKeyPath<CampaignConfig, Bool>) -> ConfigField {
        let expected = "true or false"
        return ConfigField(
            path: path, expected: expected, keyPath: keyPath,
            read: { node, config, _ in
                let text = try scalarText(node, expected: expected)
                guard let value = parseBool(text) else {
                    throw FieldProblem(message: "expected \(expected), got \(node.shownInMessage)")
                }
                config[keyPath: keyPath] = value
            },
            check: { _ in nil },
            render: { "\($0[keyPath: keyPath])" })
    }

    /// A key whose value is one of an enumeration's names.
    static func choice<E: ConfigNamed>(
        _ path: String, _ keyPath: WritableKeyPath<CampaignConfig, E>
    ) -> ConfigField {
        let names = E.allCases.map(\.configName)
        let expected = "one of " + names.joined(separator: ", ")
        return ConfigField(
            path: path, expected: expected,
            read: { node, config, _ in
                let text = try scalarText(node, expected: expected)
                config[keyPath: keyPath] = try parseChoice(text, node: node, names: names, expected: expected)
            },
            check: { _ in nil },
            render: { $0[keyPath: keyPath].configName },
            encode: { config, container, key in try container.encode(config[keyPath: keyPath].configName, forKey: key) },
            decode: { container, key, config in
                if let name = try container.decodeIfPresent(String.self, forKey: key) {
                    config[keyPath: keyPath] = try decodeNamed(name, key: key, in: container)
                }
            })
    }

    /// A key whose value is a list of an enumeration's names, each at most once.
    static func choices<E: ConfigNamed>(
        _ path: String, _ keyPath: WritableKeyPath<CampaignConfig, [E]>
    ) -> ConfigField {
        let names = E.allCases.map(\.configName)
        let expected = "a list of " + names.joined(separator: ", ")
        return ConfigField(
            path: path, expected: expected,
            read: { node, config, _ in
                guard case let .sequence(sequence) = node else {
                    throw FieldProblem(message: "expected \(expected) (like [\(names.prefix(2).joined(separator: ", "))]), "
                        + "got \(node.shownInMessage)")
                }
                var values: [E] = []
                for (index, element) in sequence.enumerated() {
                    let elementPath = "\(path)[\(index)]"
                    let one = "one of " + names.joined(separator: ", ")
                    do {
                        let text = try scalarText(element, expected: one)
                        let value: E = try parseChoice(text, node: element, names: names, expected: one)
                        if values.contains(value) {
                            throw FieldProblem(message: "'\(text)' is listed twice")
                        }
                        values.append(value)
                    } catch var problem as FieldProblem {
                        problem.mark = problem.mark ?? element.mark
                        problem.keyPath = elementPath
                        throw problem
                    }
                }
                config[keyPath: keyPath] = values
            },
            check: { config in
                let values = config[keyPath: keyPath]
                for (index, value) in values.enumerated() where values[..<index].contains(value) {
                    return "'\(value.configName)' is listed twice"
                }
                return nil
            },
            render: { "[" + $0[keyPath: keyPath].map(\.configName).joined(separator: ", ") + "]" },
            encode: { config, container, key in
                try container.encode(config[keyPath: keyPath].map(\.configName), forKey: key)
            },
            decode: { container, key, config in
                if let names = try container.decodeIfPresent([String].self, forKey: key) {
                    config[keyPath: keyPath] = try names.map { try decodeNamed($0, key: key, in: container) }
                }
            })
    }

    /// The value named `text`, or a problem listing the names (and the
    /// nearest one, for a typo).
    static func parseChoice<E: ConfigNamed>(_ text: String, node: Node, names: [String],
                                            expected: String) throws -> E {
        if let value = E(configName: text) { return value }
        if let value = E(configName: text.trimmingCharacters(in: .whitespaces).lowercased()) { return value }
        var message = "expected \(expected), got \(node.shownInMessage)"
        if let suggestion = nearest(to: text, in: names) {
            message += " (did you mean '\(suggestion)'?)"
        }
        throw FieldProblem(message: message)
    }
}
