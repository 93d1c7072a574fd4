import MMUTortureCore

/// The end-of-run summary table and violation rendering for the terminal.
public enum Summary {
    public static func render(_ r: RunResult, layout: IdentificationLayout = .vmx) -> String {
        var out: [String] = []
        let width = r.counters.map { $0.name.count }.max() ?? 10
        out.append("counters:")
        for (name, value) in r.counters where value != 0 || importantCounters.contains(name) {
            out.append("  " + name.rightPad(width) + "  " + String(value))
        }
        for h in r.histograms {
            let total = h.buckets.reduce(0) { $0 + $1.count }
            out.append("\(h.name):")
            for b in h.buckets {
                let pct = total == 0 ? 0 : Double(b.count) * 100 / Double(total)
                let bar = String(repeating: "#", count: Int((pct / 2.5).rounded()))
                let label = b.label.rightPad(12)
                let count = String(b.count).leftPad(12)
                let percent = format1(pct).leftPad(6)
                out.append("  \(label)\(count)  \(percent)%  \(bar)")
            }
        }
        return out.joined(separator: "\n")
    }

    static let importantCounters: Set<String> = ["accesses", "fast_fixed", "slow_faults", "write_protects", "tlb_flushes", "violations"]

    public static func renderViolation(_ v: ViolationReport, index: Int) -> String {
        var out: [String] = []
        out.append("VIOLATION #\(index + 1) [\(v.invariant.rawValue)] \(v.message)")
        var what: [String] = []
        if let gfn = v.gfn { what.append("gfn \(gfn)") }
        if let vcpu = v.vcpu { what.append("vcpu \(vcpu)") }
        what.append("seen by \(v.thread)")
        if !v.sptes.isEmpty { what.append("spte " + v.sptes.joined(separator: ", ")) }
        out.append("  " + what.joined(separator: ", "))
        out.append("  recent events, all threads, in order:")
        for line in v.trace {
            let marker = line.isViolation ? "  >> " : "     "
            out.append(marker + String(line.seq).leftPad(6) + "  " + line.thread.rightPad(7) + " " + line.event)
        }
        return out.joined(separator: "\n")
    }

    static func format1(_ d: Double) -> String {
        let v = (d * 10).rounded() / 10
        return String(v)
    }
}

extension String {
    public func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    public func rightPad(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
