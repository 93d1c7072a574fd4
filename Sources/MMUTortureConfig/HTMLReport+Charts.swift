import Foundation

/// The report's charts, as inline SVG.
enum Charts {
    /// Fast-path outcomes in the order the fast path reaches them.
    static let outcomeOrder = ["fixed", "spurious", "flag-seen", "to-slow", "ineligible"]

    /// Whether histogram `name` is a latency distribution (percentile ->
    /// nanoseconds), drawn as a percentile chart.
    static func isLatency(_ name: String) -> Bool { name.contains("latency") }

    /// Buckets in a reading order: numeric labels (`0`, `1`, ..., `7+`)
    /// by number, known outcome names in path order, the rest by name.
    static func ordered(_ buckets: [String: UInt64]) -> [(String, UInt64)] {
        func number(_ s: String) -> Int? { Int(s.trimmingCharacters(in: CharacterSet(charactersIn: "+"))) }
        return buckets.sorted { a, b in
            if let x = number(a.key), let y = number(b.key) { return x < y }
            let x = outcomeOrder.firstIndex(of: a.key) ?? Int.max, y = outcomeOrder.firstIndex(of: b.key) ?? Int.max
            return x != y ? x < y : a.key < b.key
        }.map { ($0.key, $0.value) }
    }

    /// Horizontal bars, one per bucket, with the count and its share.
    static func barChart(name: String, buckets: [String: UInt64]) -> String {
        let items = ordered(buckets)
        let total = items.reduce(UInt64(0)) { $0 &+ $1.1 }
        let peak = max(items.map(\.1).max() ?? 1, 1)
        let labelWidth = 110, barWidth = 360, rowHeight = 22
        let width = labelWidth + barWidth + 150, height = items.count * rowHeight + 8
        var s = "<figure class=\"chart\" id=\"chart-\(HTMLReport.esc(name))\"><figcaption>\(HTMLReport.esc(name))"
            + " (\(total) in all)</figcaption>"
            + "<svg class=\"bar-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLReport.esc(name)) as bars\">"
            + "<title>\(HTMLReport.esc(name))</title>"
        for (i, (label, count)) in items.enumerated() {
            let y = 4 + i * rowHeight
            let w = count == 0 ? 0 : max(1, Int(Double(count) / Double(peak) * Double(barWidth)))
            let pct = total == 0 ? 0 : Double(count) * 100 / Double(total)
            s += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 15)\" text-anchor=\"end\">\(HTMLReport.esc(label))</text>"
            s += "<rect class=\"bar\" x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(w)\" height=\"\(rowHeight - 6)\">"
                + "<title>\(HTMLReport.esc(label)): \(count) (\(String(format: "%.1f", pct))%)</title></rect>"
            s += "<text x=\"\(labelWidth + w + 6)\" y=\"\(y + 15)\">\(count) (\(String(format: "%.1f", pct))%)</text>"
        }
        return s + "</svg></figure>\n"
    }

    /// A latency distribution as HdrHistogram draws it: latency against
    /// percentile, the percentile axis stretched towards the tail
    /// (x = log10(1 / (1 - p))), buckets `p50`, `p99.9`, `max` or `50`, ...
    static func percentileChart(name: String, buckets: [String: UInt64]) -> String {
        var points: [(p: Double, label: String, value: UInt64)] = []
        for (label, value) in buckets {
            let l = label.lowercased()
            if l == "max" { points.append((100, label, value)); continue }
            let number = l.hasPrefix("p") ? String(l.dropFirst()) : l
            if let p = Double(number), p >= 0, p <= 100 { points.append((p, label, value)) }
        }
        points.sort { $0.p < $1.p }
        guard !points.isEmpty else { return barChart(name: name, buckets: buckets) }
        let finiteTail = points.filter { $0.p < 100 }.map { log10(1 / (1 - $0.p / 100)) }.max() ?? 1
        let xMax = max(finiteTail + 1, 1)
        func xOf(_ p: Double) -> Double { p >= 100 ? xMax : log10(1 / (1 - p / 100)) }
        let left = 70.0, plotWidth = 480.0, top = 14.0, plotHeight = 180.0
        let peak = Double(max(points.map(\.value).max() ?? 1, 1))
        func px(_ p: Double) -> Double { left + xOf(p) / xMax * plotWidth }
        func py(_ v: UInt64) -> Double { top + plotHeight - Double(v) / peak * plotHeight }
        let width = Int(left + plotWidth + 40), height = Int(top + plotHeight + 40)
        var s = "<figure class=\"chart\" id=\"chart-\(HTMLReport.esc(name))\"><figcaption>\(HTMLReport.esc(name))"
            + " by percentile</figcaption>"
            + "<svg class=\"percentile-chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" "
            + "width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(HTMLReport.esc(name)) by percentile\">"
            + "<title>\(HTMLReport.esc(name)) by percentile</title>"
        s += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(top + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(top + plotHeight)\"></line>"
        s += "<line class=\"axis\" x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotHeight)\"></line>"
        s += "<text x=\"\(left - 6)\" y=\"\(top + 4)\" text-anchor=\"end\">\(UInt64(peak))</text>"
        s += "<text x=\"\(left - 6)\" y=\"\(top + plotHeight)\" text-anchor=\"end\">0</text>"
        s += "<polyline class=\"curve\" points=\"" + points.map { String(format: "%.1f,%.1f", px($0.p), py($0.value)) }
            .joined(separator: " ") + "\"></polyline>"
        for pt in points {
            s += String(format: "<circle class=\"pt\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\">", px(pt.p), py(pt.value))
                + "<title>\(HTMLReport.esc(pt.label)): \(pt.value)</title></circle>"
            s += String(format: "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">", px(pt.p), top + plotHeight + 16)
                + "\(HTMLReport.esc(pt.label))</text>"
        }
        return s + "</svg></figure>\n"
    }
}
