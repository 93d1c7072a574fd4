/// The checker's own settings (config key `checker`).
public struct CheckerConfig: Codable, Equatable, Hashable, Sendable {
    /// Time between periodic audits under the mmu-lock; 0 = only the final
    /// audit at the end of a run. Key `audit_interval`, default 100ms.
    public var auditInterval: DurationSpec

    /// A checker section; every argument defaults to its documented default.
    public init(auditInterval: DurationSpec = .milliseconds(100)) {
        self.auditInterval = auditInterval
    }

    enum CodingKeys: String, CodingKey {
        case auditInterval = "audit_interval"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        auditInterval = try c.decodeIfPresent(DurationSpec.self, forKey: .auditInterval)
            ?? CheckerConfig().auditInterval
    }
}
