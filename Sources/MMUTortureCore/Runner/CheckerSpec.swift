/// The checker's own settings (config section `checker`).
public struct CheckerSpec: Hashable, Sendable {
    /// Time between the main thread's periodic audits under the mmu-lock;
    /// 0 = only the final audit at the end of a run. Key `audit_interval`,
    /// default 100ms.
    public var auditInterval = DurationSpec.milliseconds(100)

    public init() {}
}
