import Foundation

/// Renders any report as one self-contained HTML page (the README,
/// "Reports"): no script, no network, no external file; inline CSS and
/// inline SVG charts; readable on a phone (wide parts scroll sideways).
///
/// In order: the verdict and the reproduce command; the run's facts; the
/// violations, with the deterministic timeline drawn as one swimlane per
/// thread and the native merged trace as a table; counters; the histograms
/// as bar charts and the fault latency as a percentile chart (when the
/// report has one); the mutant × seed matrix of `mutants verify`; the
/// shards and the runs; the resolved config.
///
/// Plain string building with one escaping function rather than an HTML
/// DSL: the page is a few fixed sections, most of it SVG and CSS grid that
/// a DSL would spell as untyped custom nodes anyway, and the library stays
/// free of a dependency.
public enum HTMLReport {
    /// The page for `report`.
    public static func render(_ report: RunReport) -> String {
        var page = HTMLPage()
        let verdict = report.result.rawValue.uppercased() + (report.interrupted ? " (interrupted)" : "")
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<title>" + esc("mmutorture \(report.campaign): \(verdict)") + "</title>\n")
        page.raw("<style>\n" + css + "</style>\n</head>\n<body>\n")
        header(report, verdict: verdict, into: &page)
        page.raw("<main>\n")
        facts(report, into: &page)
        violations(report, into: &page)
        counters(report, into: &page)
        charts(report, into: &page)
        matrix(report, into: &page)
        shards(report, into: &page)
        runs(report, into: &page)
        config(report, into: &page)
        page.raw("</main>\n<footer>" + esc("\(report.tool) \(report.version)") + "</footer>\n</body>\n</html>\n")
        return page.text
    }

    // MARK: - sections

    static func header(_ r: RunReport, verdict: String, into page: inout HTMLPage) {
        page.raw("<header id=\"verdict\" class=\"verdict \(r.result.rawValue)\">\n")
        page.raw("<h1><span class=\"badge\">\(esc(verdict))</span> \(esc(r.campaign))</h1>\n")
        var line = ["mode \(r.mode.rawValue)", "protocol \(r.protocol.rawValue)", "mutant \(r.mutant.rawValue)",
                    "seed \(r.seed)", String(format: "%.2f s", r.durationSeconds),
                    "\(r.violations.count) violation\(r.violations.count == 1 ? "" : "s")"]
        if let s = r.shard { line.append("shard \(s)") }
        if !r.shards.isEmpty { line.append("merged from \(r.shards.count) shard\(r.shards.count == 1 ? "" : "s")") }
        page.raw("<p class=\"sub\">" + esc(line.joined(separator: " · ")) + "</p>\n")
        if !r.reproduce.isEmpty {
            page.raw("<p class=\"reproduce\">reproduce: <code id=\"reproduce\">" + esc(r.reproduce) + "</code></p>\n")
        }
        if let e = r.error { page.raw("<p class=\"error\">harness error: " + esc(e) + "</p>\n") }
        page.raw("</header>\n")
    }

    static func facts(_ r: RunReport, into page: inout HTMLPage) {
        var rows: [(String, String)] = [
            ("campaign", r.campaign), ("result", r.result.rawValue), ("seed", String(r.seed)),
            ("mode", r.mode.rawValue), ("protocol", r.protocol.rawValue), ("mutant", r.mutant.rawValue),
            ("duration", String(format: "%.3f s", r.durationSeconds)),
            ("perturbation points", r.perturbPoints.isEmpty ? "none" : r.perturbPoints.joined(separator: ", ")),
        ]
        if r.interrupted { rows.append(("interrupted", "yes: the result is what was found so far")) }
        if let s = r.shard { rows.append(("shard", "\(s) (runs i with i mod \(s.count) = \(s.index))")) }
        if let schedule = r.schedule { rows.append(("schedule", schedule)) }
        if let d = r.histograms[CampaignReport.deterministicHistogram] {
            for key in ["executions", "steps", "failing_execution"] { if let v = d[key] { rows.append((key, String(v))) } }
            if let h = d["trace_hash"] { rows.append(("trace hash", "0x" + String(h, radix: 16))) }
        }
        page.section("facts", "Run") { p in
            p.raw("<table class=\"kv\"><tbody>\n")
            for (k, v) in rows { p.raw("<tr><th scope=\"row\">\(esc(k))</th><td>\(esc(v))</td></tr>\n") }
            p.raw("</tbody></table>\n")
        }
    }

    /// Violations shown in full; the rest are counted.
    static let violationsShown = 10

    static func violations(_ r: RunReport, into page: inout HTMLPage) {
        guard !r.violations.isEmpty else { return }
        page.section("violations", "Violations (\(r.violations.count))") { p in
            for (i, v) in r.violations.prefix(violationsShown).enumerated() {
                p.raw("<article class=\"violation\" id=\"violation-\(i + 1)\">\n")
                p.raw("<h3><span class=\"inv\">\(esc(v.invariant))</span> \(esc(v.message))</h3>\n")
                var place: [String] = []
                if let gfn = v.gfn { place.append("gfn \(gfn)") }
                if let vcpu = v.vcpu { place.append("vcpu \(vcpu)") }
                if let t = v.thread { place.append("seen by \(t)") }
                if !place.isEmpty { p.raw("<p>" + esc(place.joined(separator: ", ")) + "</p>\n") }
                if !v.sptes.isEmpty {
                    p.raw("<p>sptes: " + v.sptes.map { "<code class=\"spte\">\(esc($0))</code>" }.joined(separator: " ") + "</p>\n")
                }
                if i == 0, let lanes = Swimlanes(report: r) {
                    p.raw("<h4>The interleaving, one lane per thread</h4>\n")
                    p.raw(lanes.html())
                } else if !v.trace.isEmpty {
                    traceTable(v.trace, into: &p)
                }
                p.raw("</article>\n")
            }
            if r.violations.count > violationsShown {
                p.raw("<p>\(r.violations.count - violationsShown) more violations in the JSON report.</p>\n")
            }
        }
    }

    /// The merged native trace: every thread's recent events in order; the
    /// event at which the violation was reported is marked.
    static func traceTable(_ trace: [ReportTraceEntry], into p: inout HTMLPage) {
        p.raw("<h4>Recent events, every thread, in order</h4>\n<div class=\"scroll\"><table class=\"trace\">\n")
        p.raw("<thead><tr><th>#</th><th>thread</th><th>event</th></tr></thead><tbody>\n")
        for e in trace {
            let marked = e.event.hasPrefix(">> ")
            let event = marked ? String(e.event.dropFirst(3)) : e.event
            p.raw("<tr\(marked ? " class=\"violating\"" : "")><td>\(e.seq)</td><td class=\"thread\">\(esc(e.thread))</td>"
                  + "<td>\(marked ? "<strong>violation:</strong> " : "")\(valuesMarked(event))</td></tr>\n")
        }
        p.raw("</tbody></table></div>\n")
    }

    static func counters(_ r: RunReport, into page: inout HTMLPage) {
        guard !r.counters.isEmpty else { return }
        page.section("counters", "Counters") { p in
            p.raw("<div class=\"scroll\"><table class=\"counters\"><thead><tr><th>counter</th><th>count</th></tr></thead><tbody>\n")
            for (name, value) in r.counters.sorted(by: { $0.key < $1.key }) {
                p.raw("<tr\(value == 0 ? " class=\"zero\"" : "")><td>\(esc(name))</td><td class=\"num\">\(grouped(value))</td></tr>\n")
            }
            p.raw("</tbody></table></div>\n")
        }
    }

    static func charts(_ r: RunReport, into page: inout HTMLPage) {
        let bars = r.histograms.filter { $0.key != CampaignReport.deterministicHistogram && !Charts.isLatency($0.key) }
        let latency = r.histograms.filter { Charts.isLatency($0.key) }
        guard !bars.isEmpty || !latency.isEmpty else { return }
        page.section("charts", "Fast-path outcomes and retries") { p in
            for (name, buckets) in bars.sorted(by: { $0.key < $1.key }) {
                p.raw(Charts.barChart(name: name, buckets: buckets))
            }
            for (name, buckets) in latency.sorted(by: { $0.key < $1.key }) {
                p.raw(Charts.percentileChart(name: name, buckets: buckets))
            }
        }
    }

    /// `mutants verify`: one row per mutant (and correct protocol), one
    /// column per attempt, the time to detect in each cell.
    static func matrix(_ r: RunReport, into page: inout HTMLPage) {
        let cases = r.scenarioResults.filter { $0.name.hasPrefix("mutant:") || $0.name.hasPrefix("correct:") }
        guard !cases.isEmpty else { return }
        var names: [String] = []
        for c in cases where !names.contains(c.name) { names.append(c.name) }
        let attempts = (cases.map(\.repeatIndex).max() ?? 0) + 1
        var seedOf: [Int: UInt64] = [:]
        for c in cases where seedOf[c.repeatIndex] == nil { seedOf[c.repeatIndex] = c.seed }
        page.section("matrix", "Mutants × seeds") { p in
            p.raw("<p>Each cell: the time to detect (a run stops at its first violation), or what went wrong.</p>\n")
            p.raw("<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>mutant</th>")
            for a in 0..<attempts { p.raw("<th>seed \(seedOf[a].map(String.init) ?? "?")</th>") }
            p.raw("</tr></thead><tbody>\n")
            for name in names {
                let isMutant = name.hasPrefix("mutant:")
                p.raw("<tr><th scope=\"row\">\(esc(name))</th>")
                for a in 0..<attempts {
                    guard let c = cases.first(where: { $0.name == name && $0.repeatIndex == a }) else {
                        p.raw("<td class=\"cell none\">–</td>")
                        continue
                    }
                    let ok = c.result == .pass
                    let text = isMutant ? (ok ? String(format: "caught %.2f s", c.durationSeconds) : "missed")
                                        : (ok ? "clean" : "violation")
                    let title = c.violations.first.map { "\($0.invariant): \($0.message)" } ?? c.reproduce
                    p.raw("<td class=\"cell \(ok ? "ok" : "bad")\" title=\"\(esc(title))\">\(esc(text))"
                          + (c.shard.map { "<span class=\"shardtag\">shard \($0)</span>" } ?? "") + "</td>")
                }
                p.raw("</tr>\n")
            }
            p.raw("</tbody></table></div>\n")
        }
    }

    static func shards(_ r: RunReport, into page: inout HTMLPage) {
        guard !r.shards.isEmpty else { return }
        page.section("shards", "Shards") { p in
            p.raw("<div class=\"scroll\"><table class=\"shards\"><thead><tr><th>shard</th><th>result</th><th>runs</th>"
                  + "<th>duration</th><th>report</th></tr></thead><tbody>\n")
            for s in r.shards {
                p.raw("<tr class=\"\(s.result.rawValue)\"><td>\(s.index)/\(s.count)</td><td>\(s.result.rawValue)</td>"
                      + "<td class=\"num\">\(s.runs)</td><td class=\"num\">\(String(format: "%.2f s", s.durationSeconds))</td>"
                      + "<td>\(esc(s.file ?? ""))</td></tr>\n")
            }
            p.raw("</tbody></table></div>\n")
        }
    }

    /// One row per run (per shard and scenario in a merged report).
    static func runs(_ r: RunReport, into page: inout HTMLPage) {
        guard !r.scenarios.isEmpty else { return }
        let sharded = r.scenarios.contains { $0.shard != nil }
        page.section("runs", "Runs (\(r.scenarios.count))") { p in
            p.raw("<div class=\"scroll\"><table class=\"runs\"><thead><tr>" + (sharded ? "<th>shard</th>" : "")
                  + "<th>scenario</th><th>repeat</th><th>seed</th><th>result</th><th>duration</th><th>violations</th>"
                  + "<th>reproduce</th></tr></thead><tbody>\n")
            for s in r.scenarios {
                p.raw("<tr class=\"\(s.result.rawValue)\">" + (sharded ? "<td>\(s.shard.map(String.init) ?? "")</td>" : "")
                      + "<td>\(esc(s.name))</td><td class=\"num\">\(s.repeatIndex)</td><td class=\"num\">\(s.seed)</td>"
                      + "<td>\(s.result.rawValue)\(s.interrupted ? " (interrupted)" : "")</td>"
                      + "<td class=\"num\">\(String(format: "%.2f s", s.durationSeconds))</td>"
                      + "<td>\(esc(Set(s.violations.map(\.invariant)).sorted().joined(separator: ", ")))</td>"
                      + "<td><code>\(esc(s.reproduce))</code></td></tr>\n")
            }
            p.raw("</tbody></table></div>\n")
        }
    }

    static func config(_ r: RunReport, into page: inout HTMLPage) {
        page.section("config", "Resolved config") { p in
            p.raw("<details><summary>\(esc(r.config.name)) (YAML)</summary><pre>" + esc(r.config.resolvedYAML()) + "</pre></details>\n")
        }
    }

    // MARK: - text

    /// `text` escaped for HTML text and attribute values. Characters that
    /// HTML forbids in a document (controls other than tab and newline,
    /// noncharacters) become a visible `\xNN`.
    static func esc(_ text: String) -> String {
        XMLEscaping.escape(text, isAllowed: { scalar in
            let v = scalar.value
            return v == 0x9 || v == 0xA || (0x20...0x7E).contains(v) || (0xA0...0xD7FF).contains(v)
                || ((0xE000...0xFFFD).contains(v) && !(0xFDD0...0xFDEF).contains(v))
                || (v >= 0x10000 && v & 0xFFFE != 0xFFFE)
        }, replacement: { scalar in
            switch scalar {
            case "&": return "&amp;"
            case "<": return "&lt;"
            case ">": return "&gt;"
            case "\"": return "&quot;"
            case "'": return "&#39;"
            default: return nil
            }
        })
    }

    /// Escaped `text` with the values it names set in `<code>`: each hex
    /// word (`0x54a1`) with its decoding in parentheses, if one follows
    /// (`0x54a1(P A HW pfn=5)`), as one piece.
    static func valuesMarked(_ text: String) -> String {
        let chars = Array(text)
        var out = ""
        var plain = ""
        var i = 0
        func isHex(_ c: Character) -> Bool { c.isHexDigit }
        while i < chars.count {
            let atWordStart = i == 0 || !(chars[i - 1].isLetter || chars[i - 1].isNumber)
            if atWordStart, chars[i] == "0", i + 2 < chars.count, chars[i + 1] == "x", isHex(chars[i + 2]) {
                var j = i + 2
                while j < chars.count && isHex(chars[j]) { j += 1 }
                if j < chars.count && chars[j] == "(", let close = chars[j...].firstIndex(of: ")") { j = close + 1 }
                out += esc(plain) + "<code class=\"v\">" + esc(String(chars[i..<j])) + "</code>"
                plain = ""
                i = j
            } else {
                plain.append(chars[i])
                i += 1
            }
        }
        return out + esc(plain)
    }

    /// 1234567 as "1 234 567" (thin spaces), so big counts read at a glance.
    static func grouped(_ n: UInt64) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "\u{2009}" }
            out.append(d)
        }
        return out
    }

    static let css = """
    :root{--ok:#1a7f37;--bad:#cf222e;--err:#9a6700;--ink:#1f2328;--mute:#656d76;--line:#d0d7de;--bg:#f6f8fa}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:#fff}
    main,header,footer{max-width:1200px;margin:0 auto;padding:0 16px}
    header.verdict{padding:16px;border-left:8px solid var(--ok);background:#dafbe1;margin-top:12px;border-radius:6px}
    header.verdict.fail{border-color:var(--bad);background:#ffebe9}
    header.verdict.error{border-color:var(--err);background:#fff8c5}
    h1{font-size:1.5em;margin:0 0 4px}
    .badge{display:inline-block;padding:2px 10px;border-radius:12px;color:#fff;background:var(--ok)}
    .fail .badge{background:var(--bad)}.error .badge{background:var(--err)}
    .sub{margin:4px 0;color:var(--mute)}
    .reproduce code{display:block;padding:8px;background:var(--ink);color:#fff;border-radius:4px;overflow-x:auto;white-space:pre}
    section{margin:20px 0}
    h2{font-size:1.2em;border-bottom:1px solid var(--line);padding-bottom:4px}
    h3{font-size:1.05em}.inv{color:var(--bad);font-family:ui-monospace,monospace}
    code,pre,.trace,.lanes{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
    .scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
    table{border-collapse:collapse;margin:6px 0}
    th,td{border:1px solid var(--line);padding:3px 8px;text-align:left;vertical-align:top}
    thead th{background:var(--bg)}
    td.num{text-align:right;font-variant-numeric:tabular-nums}
    tr.zero{color:var(--mute)}
    tr.violating td{background:#ffebe9;font-weight:600}
    tr.fail td{background:#fff5f5}tr.error td{background:#fffbe6}
    .kv th{background:var(--bg);white-space:nowrap}.kv td{overflow-wrap:anywhere}
    .cell.ok{background:#dafbe1}.cell.bad{background:#ffcecb;font-weight:600}.cell.none{color:var(--mute)}
    .shardtag{display:block;font-size:11px;color:var(--mute)}
    code.v,code.spte{background:#eef1f4;border-radius:3px;padding:0 2px}
    figure{margin:10px 0}figcaption{font-weight:600}
    svg{max-width:100%;height:auto}
    svg text{font:12px system-ui,sans-serif;fill:var(--ink)}
    svg .bar{fill:#0969da}svg .axis{stroke:var(--mute);stroke-width:1}
    svg .curve{fill:none;stroke:#8250df;stroke-width:2}svg .pt{fill:#8250df}
    svg .lane-line{stroke:var(--line);stroke-width:2}svg .step-dot{fill:#0969da}svg .step-dot.violation{fill:var(--bad)}
    svg .hop{stroke:#8c959f;stroke-width:1;fill:none}
    .lanes{display:grid;grid-template-columns:4.5em repeat(var(--lanes),minmax(13em,1fr));min-width:calc(4.5em + var(--lanes) * 13em);border:1px solid var(--line)}
    .lanes>div{padding:3px 6px;border-bottom:1px solid #eaeef2;min-height:1.6em}
    .lane-head{position:sticky;top:0;background:var(--ink);color:#fff;font-weight:600;z-index:1}
    .lane{background:linear-gradient(90deg,transparent calc(50% - 1px),var(--line) calc(50% - 1px),var(--line) calc(50% + 1px),transparent calc(50% + 1px))}
    .lane.odd{background-color:#fbfcfd}
    .lane.act{background:#ddf4ff;border-left:3px solid #0969da;overflow-wrap:anywhere}
    .lane.act.violation{background:#ffebe9;border-left-color:var(--bad)}
    .step{color:var(--mute);text-align:right}.step.violation{color:var(--bad);font-weight:700}
    .gap{grid-column:1/-1;color:var(--mute);font-style:italic;background:var(--bg)}
    .mark{display:inline-block;background:var(--bad);color:#fff;border-radius:3px;padding:0 4px;margin-right:4px;font-weight:700}
    footer{color:var(--mute);margin:24px auto;font-size:12px}
    @media (max-width:600px){body{font-size:14px}h1{font-size:1.2em}.lanes{grid-template-columns:3.5em repeat(var(--lanes),minmax(10em,1fr));min-width:calc(3.5em + var(--lanes) * 10em)}}

    """
}

/// The page being written: raw HTML appended in order, sections wrapped.
struct HTMLPage {
    var text = ""
    mutating func raw(_ s: String) { text += s }
    mutating func section(_ id: String, _ title: String, _ body: (inout HTMLPage) -> Void) {
        raw("<section id=\"\(id)\">\n<h2>\(HTMLReport.esc(title))</h2>\n")
        body(&self)
        raw("</section>\n")
    }
}
