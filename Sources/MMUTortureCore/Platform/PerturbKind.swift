/// What a perturbation at a named point does (docs/protocols.md): sleep for
/// a seeded delay, spin for it, or yield the CPU.
public enum PerturbKind: String, CaseIterable, Sendable {
    case delay, spin, yield

    /// The kind's bit in `PerturbSettings.kinds` (bit 0 delay, 1 spin, 2 yield).
    public var bit: UInt64 {
        switch self {
        case .delay: return 1
        case .spin: return 2
        case .yield: return 4
        }
    }
}
