/// How a herd7 test's final condition is quantified over the final states.
///
/// The verdict (`HerdVerdict`) always refers to one proposition being
/// reachable: for `exists C` and `~exists C` that is `C` (herd's kinds
/// files list `~exists` tests by the condition inside: Forbid when it is
/// never reached); `forall C` is `~exists ~C` in herd, so its verdict
/// refers to `~C`: Allow when some final state violates `C`, Forbid when
/// every final state satisfies it (herd's "Require" kind holds).
public enum HerdQuantifier: String, Sendable, CaseIterable {
    case exists = "exists"
    case notExists = "~exists"
    case forall = "forall"

    /// The proposition whose reachability is the verdict.
    public func witnessCondition(_ c: HerdCondition) -> HerdCondition {
        self == .forall ? .not(c) : c
    }
}
