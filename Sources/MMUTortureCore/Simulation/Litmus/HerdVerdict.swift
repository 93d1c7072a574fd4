/// Whether a test's proposition (see `HerdQuantifier`) is reachable under
/// the model: the kinds of herdtools7's `kinds.txt` files.
public enum HerdVerdict: String, Sendable, CaseIterable {
    case allow = "Allow"
    case forbid = "Forbid"
}
