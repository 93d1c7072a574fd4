import MMUTortureCore

/// A key of the JSON form of a config: a YAML key or section name.
struct ConfigKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// The JSON form of a config (the `config` object of every report) is
/// written and read by the schema's rows, so it has the YAML keys and
/// sections and needs no key list of its own.
extension CampaignConfig: Codable {
    public func encode(to encoder: Encoder) throws {
        var top = encoder.container(keyedBy: ConfigKey.self)
        for field in ConfigSchema.fields where field.section.isEmpty {
            try field.encode(self, &top, ConfigKey(field.key))
        }
        for section in ConfigSchema.sections {
            var nested = top.nestedContainer(keyedBy: ConfigKey.self, forKey: ConfigKey(section))
            for field in ConfigSchema.fields where field.section == section {
                try field.encode(self, &nested, ConfigKey(field.key))
            }
        }
    }

    /// Decodes leniently: a missing key takes its default, unknown keys are
    /// ignored (so an older report's config still replays). Call
    /// `validate()` on the result before running it.
    public init(from decoder: Decoder) throws {
        self.init()
        let top = try decoder.container(keyedBy: ConfigKey.self)
        for field in ConfigSchema.fields where field.section.isEmpty {
            try field.decode(top, ConfigKey(field.key), &self)
        }
        for section in ConfigSchema.sections where top.contains(ConfigKey(section)) {
            let nested = try top.nestedContainer(keyedBy: ConfigKey.self, forKey: ConfigKey(section))
            for field in ConfigSchema.fields where field.section == section {
                try field.decode(nested, ConfigKey(field.key), &self)
            }
        }
    }
}
