import Yams

/// Where a key's value came from: its file and 1-based line.
struct ConfigOrigin: Equatable {
    var file: String
    var line: Int?
}

/// Applies the keys of one YAML file (one layer) to a config, checking
/// names and forms as it goes and recording where each key was set.
///
/// Layers are applied in order (defaults, then a campaign file's base keys,
/// then a scenario file), which is a deep merge: a later layer overrides
/// single keys of a section and leaves the others alone; lists are replaced
/// whole.
struct ConfigReader {
    /// The file being read, for error messages.
    let file: String
    /// Values that reading may need (the seed for `seed: random`).
    let context: ConfigReadContext

    /// Applies `mapping` (a file's top level) to `config`, recording origins.
    /// `skipping` are top-level keys that the caller handles itself
    /// (`scenarios`); their values are returned, keyed by name.
    @discardableResult
    func apply(_ mapping: Node.Mapping, to config: inout CampaignConfig,
               origins: inout [String: ConfigOrigin], skipping: Set<String> = []) throws -> [String: (key: Node, value: Node)] {
        var skipped: [String: (key: Node, value: Node)] = [:]
        try apply(mapping, section: "", to: &config, origins: &origins, skipping: skipping, skipped: &skipped)
        return skipped
    }

    private func apply(_ mapping: Node.Mapping, section: String, to config: inout CampaignConfig,
                       origins: inout [String: ConfigOrigin], skipping: Set<String>,
                       skipped: inout [String: (key: Node, value: Node)]) throws {
        for (keyNode, value) in mapping {
            guard case let .scalar(scalar) = keyNode, !keyNode.isNull else {
                throw ConfigError(file: file, keyPath: section.isEmpty ? nil : section, line: keyNode.mark?.line,
                                  message: "keys must be plain names, got \(keyNode.shownInMessage) as a key")
            }
            let key = scalar.string
            let path = section.isEmpty ? key : section + "." + key
            let line = keyNode.mark?.line

            if section.isEmpty, skipping.contains(key) {
                skipped[key] = (keyNode, value)
            } else if section.isEmpty, ConfigSchema.sections.contains(key) {
                origins[path] = ConfigOrigin(file: file, line: line)
                if value.isNull { continue }  // `guest:` with everything commented out
                guard case let .mapping(inner) = value else {
                    throw ConfigError(file: file, keyPath: path, line: value.mark?.line ?? line,
                                      message: "expected a mapping of keys (\(ConfigSchema.keys(in: path).joined(separator: ", "))), "
                                          + "got \(value.shownInMessage)")
                }
                try apply(inner, section: path, to: &config, origins: &origins, skipping: [], skipped: &skipped)
            } else if let field = ConfigSchema.fieldsByPath[path] {
                do {
                    try field.read(value, &config, context)
                } catch let problem as FieldProblem {
                    throw ConfigError(file: file, keyPath: problem.keyPath ?? path,
                                      line: problem.mark?.line ?? value.mark?.line ?? line,
                                      message: problem.message)
                }
                origins[path] = ConfigOrigin(file: file, line: line)
            } else {
                throw ConfigError(file: file, keyPath: path, line: line,
                                  message: unknownKeyMessage(key, section: section, allowed: skipping))
            }
        }
    }

    /// "unknown key 'x'", with the most likely intended key.
    private func unknownKeyMessage(_ key: String, section: String, allowed extra: Set<String>) -> String {
        let shown = "'\(shortened(key))'"
        if key == "<<" {
            return "YAML merge keys ('<<') are not supported: write the keys out, or use a campaign file's base keys"
        }
        if key == ConfigSchema.scenariosKey, section.isEmpty {
            return "a scenario file cannot list scenarios itself (only a campaign file can)"
        }
        let here = ConfigSchema.keys(in: section) + extra.sorted()
        // The right key in the wrong section: `write_ratio` at the top level.
        let elsewhere = ConfigSchema.fields.filter { $0.key == key && $0.section != section }.map(\.path)
        if let path = elsewhere.first {
            return "unknown key \(shown) here (did you mean '\(path)'?)"
        }
        if ConfigSchema.sections.contains(key) {
            return "unknown key \(shown) here ('\(key)' is a top-level section)"
        }
        if let suggestion = nearest(to: key, in: here) {
            return "unknown key \(shown) (did you mean '\(suggestion)'?)"
        }
        let place = section.isEmpty ? "the top level" : "'\(section)'"
        return "unknown key \(shown); the keys of \(place) are: " + here.joined(separator: ", ")
    }
}
