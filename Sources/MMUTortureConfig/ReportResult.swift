/// A run's verdict, as reports write it; also picks the exit status.
public enum ReportResult: String, Codable, Sendable, CaseIterable {
    /// No invariant was violated (exit 0).
    case pass
    /// At least one invariant was violated (exit 1).
    case fail
    /// The harness itself failed: watchdog, crash, unwritable report (exit 3).
    case error

    /// The exit status of the README for this result.
    public var exitStatus: Int32 {
        switch self {
        case .pass: return 0
        case .fail: return 1
        case .error: return 3
        }
    }

    /// The result of several runs together: error beats fail beats pass.
    public static func combined<S: Sequence>(_ results: S) -> ReportResult where S.Element == ReportResult {
        var combined = ReportResult.pass
        for result in results {
            if result == .error { return .error }
            if result == .fail { combined = .fail }
        }
        return combined
    }
}
