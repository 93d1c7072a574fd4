extension CampaignConfig {
    /// The config as YAML, every key written out, in the schema's order
    /// (top-level keys, then each section): what `mmutorture validate`
    /// prints. Loading the text gives back an equal config, except that a
    /// seed drawn at random reads back as that fixed seed (`seedWasRandom`
    /// false); the comment on it says it was random.
    public func resolvedYAML() -> String {
        var topLevel: [String] = []
        var sections: [String: [String]] = [:]
        for field in ConfigSchema.fields {
            let value = field.render(self)
            if field.section.isEmpty {
                topLevel.append("\(field.key): \(value)")
            } else {
                sections[field.section, default: []].append("  \(field.key): \(value)")
            }
        }
        var lines = topLevel
        for section in ConfigSchema.sections {
            lines.append("\(section):")
            lines += sections[section] ?? []
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
