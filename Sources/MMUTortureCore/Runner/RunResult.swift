/// What a run found, in a form the reports render.
public struct RunResult: Sendable {
    public enum Outcome: String, Sendable { case pass, fail, error }

    public var outcome: Outcome
    public var seed: UInt64
    public var counters: [(name: String, value: UInt64)]
    /// Histograms by name: bucket label -> count.
    public var histograms: [(name: String, buckets: [(label: String, count: UInt64)])]
    public var violations: [ViolationReport]
    public var durationSeconds: Double
    public var activePerturbPoints: [PerturbPoint]
    public var interrupted = false
    /// A harness failure (watchdog, arena exhausted ...): exit 3.
    public var harnessError: String?

    public func counter(_ c: Counter) -> UInt64 { counters.first { $0.name == c.name }?.value ?? 0 }
}

/// One violation, rendered: the invariant, what was seen, and every thread's
/// recent events merged in order.
public struct ViolationReport: Sendable {
    public var invariant: Invariant
    public var message: String
    public var gfn: Int?
    public var vcpu: Int?
    public var thread: String
    public var sptes: [String]
    public var trace: [TraceLine]
}

/// One line of a merged trace.
public struct TraceLine: Sendable {
    public var seq: UInt64
    public var thread: String
    public var event: String
    public var isViolation: Bool
}

/// Names threads the way traces and reports do.
public struct ThreadNames: Sendable {
    public let vcpus: Int
    public let mmuThreads: Int
    public init(vcpus: Int, mmuThreads: Int) { self.vcpus = vcpus; self.mmuThreads = mmuThreads }
    public func name(_ index: Int) -> String {
        if index < vcpus { return "vcpu\(index)" }
        if index < vcpus + mmuThreads { return "mmu\(index - vcpus)" }
        return "main"
    }
}

/// Renders trace events into lines.
public enum TraceRenderer {
    public static func describe(_ e: TraceEvent, names: ThreadNames, layout: IdentificationLayout) -> String {
        let kind = EventKind(rawValue: e.kind) ?? .violation
        var s = kind.name
        if Int64(bitPattern: e.gfn) >= 0 { s += " gfn=\(e.gfn)" }
        if kind.operandsAreSPTEs {
            s += " " + SPTE.describe(e.a, layout: layout)
            if e.b != 0 && kind != .fault { s += " -> " + SPTE.describe(e.b, layout: layout) }
            if kind == .fault { s += e.b == 1 ? " (write)" : " (read)" }
        } else if kind == .violation {
            if e.a != ~0 { s += " spte=" + SPTE.describe(e.a, layout: layout) }
        } else if e.a != 0 || e.b != 0 {
            s += " a=0x" + String(e.a, radix: 16) + " b=0x" + String(e.b, radix: 16)
        }
        return s
    }

    /// Every thread's ring merged by timestamp; the last `limit` events up to
    /// the violation at `until` (inclusive), oldest first.
    public static func merge(rings: [[TraceEvent]], until: UInt64?, limit: Int, names: ThreadNames,
                             layout: IdentificationLayout) -> [TraceLine] {
        var all = rings.flatMap { $0 }.filter { $0.time != 0 }
        all.sort { $0.time < $1.time || ($0.time == $1.time && $0.thread < $1.thread) }
        if let until { all = all.filter { $0.time <= until } }
        let tail = all.suffix(limit)
        var seq = UInt64(all.count - tail.count)
        return tail.map { e in
            seq += 1
            return TraceLine(seq: seq, thread: names.name(Int(e.thread)),
                             event: describe(e, names: names, layout: layout),
                             isViolation: e.kind == EventKind.violation.rawValue)
        }
    }
}
