import Yams

extension Node {
    /// Whether this is YAML's null: an empty plain scalar, `~` or `null`.
    var isNull: Bool {
        guard case let .scalar(scalar) = self, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How the value reads in an error message: `'lots'`, `a mapping`, `nothing`.
    var shownInMessage: String {
        switch self {
        case .scalar where isNull: return "nothing"
        case let .scalar(scalar): return "'\(shortened(scalar.string))'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }
}
