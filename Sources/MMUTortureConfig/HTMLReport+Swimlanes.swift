import Foundation
import MMUTortureCore

/// A violation's interleaving drawn as one lane per thread: the
/// deterministic timeline (`ReportTimeline`), or for a deterministic report
/// of an older version, its first violation's trace, whose entries are the
/// timeline's rows. Each drawn step sits in its thread's lane with what it
/// read and wrote (spte values included); the violating step is marked.
struct Swimlanes {
    var columns: [String]
    /// The drawn steps; a row's `thread` is its lane (column index).
    var rows: [TimelineRow]
    var omittedRows: Int

    /// The lanes of `report`'s failing execution, or nil when it has none
    /// to draw (a native report, a passing one).
    init?(report: RunReport) {
        if let t = report.timeline, !t.rows.isEmpty, !t.columns.isEmpty {
            columns = t.columns
            omittedRows = t.omittedRows
            rows = t.rows.map { var r = $0; r.thread = min(max(r.thread, 0), t.columns.count - 1); return r }
            return
        }
        guard report.mode == .deterministic, let trace = report.violations.first?.trace, !trace.isEmpty else { return nil }
        // vcpu0, vcpu1, ..., mmu0, ..., main: in that order.
        func rank(_ name: String) -> (Int, Int) {
            for (k, prefix) in ["vcpu", "mmu"].enumerated() where name.hasPrefix(prefix) {
                return (k, Int(name.dropFirst(prefix.count)) ?? 0)
            }
            return (2, 0)
        }
        let threads = Array(Set(trace.map(\.thread))).sorted { rank($0) < rank($1) }
        columns = threads.map { $0.hasPrefix("vcpu") ? "VCPU " + $0.dropFirst(4) : $0.uppercased() }
        omittedRows = 0
        rows = trace.map { e in
            let marked = e.event.hasPrefix(">> ")
            return TimelineRow(step: e.seq, thread: threads.firstIndex(of: e.thread) ?? 0, threadName: e.thread,
                               text: marked ? String(e.event.dropFirst(3)) : e.event, violation: marked, collapsedBefore: 0)
        }
    }

    /// The overview (an SVG of which thread ran each drawn step) and the
    /// lanes themselves (a CSS grid, a column per thread).
    func html() -> String {
        var out = "<div class=\"swimlanes\">\n<div class=\"scroll\">" + overview() + "</div>\n"
        out += "<div class=\"scroll\"><div class=\"lanes\" style=\"--lanes:\(columns.count)\" "
            + "aria-label=\"the interleaving, one lane per thread\">\n"
        out += "<div class=\"lane-head step\">step</div>"
        for c in columns { out += "<div class=\"lane-head\">\(HTMLReport.esc(c))</div>" }
        out += "\n"
        if omittedRows > 0 { out += "<div class=\"gap\">… \(omittedRows) earlier row(s) not drawn</div>\n" }
        for r in rows {
            if r.collapsedBefore > 0 {
                out += "<div class=\"gap\">… \(r.collapsedBefore) step\(r.collapsedBefore == 1 ? "" : "s") of no interest</div>\n"
            }
            let v = r.violation ? " violation" : ""
            out += "<div class=\"step\(v)\" id=\"step-\(r.step)\">\(r.step)</div>"
            for lane in columns.indices {
                let odd = lane % 2 == 1 ? " odd" : ""
                if lane == r.thread {
                    out += "<div class=\"lane act\(v)\(odd)\" data-thread=\"\(HTMLReport.esc(r.threadName))\" data-step=\"\(r.step)\">"
                        + (r.violation ? "<span class=\"mark\">VIOLATION</span>" : "")
                        + HTMLReport.valuesMarked(r.text) + "</div>"
                } else {
                    out += "<div class=\"lane\(odd)\"></div>"
                }
            }
            out += "\n"
        }
        return out + "</div></div>\n</div>\n"
    }

    /// Dots on one line per thread, joined in step order: where the
    /// threads switched, and where the violation fell.
    func overview() -> String {
        let left = 70, dx = 16, laneHeight = 24, top = 14
        let width = left + max(rows.count, 1) * dx + 20
        let height = top + columns.count * laneHeight + 6
        var s = "<svg class=\"interleaving\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"which thread ran each drawn step\">"
            + "<title>Interleaving: \(rows.count) drawn steps over \(columns.count) threads</title>"
        func y(_ lane: Int) -> Int { top + lane * laneHeight + laneHeight / 2 }
        for (lane, c) in columns.enumerated() {
            s += "<text x=\"4\" y=\"\(y(lane) + 4)\">\(HTMLReport.esc(c))</text>"
            s += "<line class=\"lane-line\" x1=\"\(left)\" y1=\"\(y(lane))\" x2=\"\(width - 10)\" y2=\"\(y(lane))\"></line>"
        }
        let points = rows.enumerated().map { (i, r) in "\(left + i * dx + dx / 2),\(y(r.thread))" }
        if points.count > 1 { s += "<polyline class=\"hop\" points=\"\(points.joined(separator: " "))\"></polyline>" }
        for (i, r) in rows.enumerated() {
            s += "<circle class=\"step-dot\(r.violation ? " violation" : "")\" cx=\"\(left + i * dx + dx / 2)\" cy=\"\(y(r.thread))\" "
                + "r=\"\(r.violation ? 7 : 4)\"><title>step \(r.step), \(HTMLReport.esc(r.threadName)): \(HTMLReport.esc(r.text))</title></circle>"
        }
        return s + "</svg>"
    }
}
