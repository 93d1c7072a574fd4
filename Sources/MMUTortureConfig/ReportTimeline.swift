import MMUTortureCore

/// A deterministic failing execution drawn as data (JSON `timeline`): the
/// rows of `Timeline` (Sources/MMUTortureCore/Simulation/Timeline.swift),
/// one per step that tells the story, each in its thread's column, so the
/// HTML report can draw one swimlane per thread.
public struct ReportTimeline: Codable, Equatable, Sendable {
    /// Column titles, one per thread: `VCPU 0`, ..., `MMU`.
    public var columns: [String]
    /// The drawn steps, in order; the violating one has `violation` set.
    public var rows: [TimelineRow]
    /// Rows left out before the first one (JSON `omitted_rows`).
    public var omittedRows: Int

    public init(columns: [String], rows: [TimelineRow], omittedRows: Int = 0) {
        self.columns = columns
        self.rows = rows
        self.omittedRows = omittedRows
    }

    /// The report form of a simulator timeline.
    public init(_ t: Timeline) {
        self.init(columns: t.columns, rows: t.rows, omittedRows: t.omittedRows)
    }

    enum CodingKeys: String, CodingKey {
        case columns, rows
        case omittedRows = "omitted_rows"
    }
}
