/// What a perturbation does at a point, by the name config files use under
/// `perturb.kinds`.
public enum PerturbKindName: String, CaseIterable, Codable, Sendable {
    /// Sleep for a seeded time up to `perturb.max_delay`.
    case delay
    /// Busy-wait for a seeded time up to `perturb.max_delay` (keeps the CPU,
    /// so the other threads run truly in parallel with the stalled one).
    case spin
    /// Give up the CPU once (`sched_yield`).
    case yield
}
