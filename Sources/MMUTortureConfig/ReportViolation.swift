/// One violated invariant in a report: what, where, and the events that led
/// to it. JSON keys: `invariant`, `message`, `gfn`, `vcpu` (both written as
/// null when unknown), `thread`, `sptes` (hex strings), `trace`.
public struct ReportViolation: Codable, Equatable, Sendable {
    /// The invariant's name from docs/invariants.md, like `wp-safety`.
    public var invariant: String
    /// What was seen.
    public var message: String
    /// The guest frame involved, if one is.
    public var gfn: Int?
    /// The vCPU involved, if one is.
    public var vcpu: Int?
    /// The thread that detected it (`vcpu1`, `mmu0`, `main` for audits), if known.
    public var thread: String?
    /// The sptes involved, as hex (`0x...`), possibly decoded.
    public var sptes: [String]
    /// The recent events of every thread, in order.
    public var trace: [ReportTraceEntry]

    /// A violation; see the properties.
    public init(invariant: String, message: String, gfn: Int? = nil, vcpu: Int? = nil, thread: String? = nil,
                sptes: [String] = [], trace: [ReportTraceEntry] = []) {
        self.invariant = invariant
        self.message = message
        self.gfn = gfn
        self.vcpu = vcpu
        self.thread = thread
        self.sptes = sptes
        self.trace = trace
    }

    enum CodingKeys: String, CodingKey {
        case invariant, message, gfn, vcpu, thread, sptes, trace
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        invariant = try c.decode(String.self, forKey: .invariant)
        message = try c.decodeIfPresent(String.self, forKey: .message) ?? ""
        gfn = try c.decodeIfPresent(Int.self, forKey: .gfn)
        vcpu = try c.decodeIfPresent(Int.self, forKey: .vcpu)
        thread = try c.decodeIfPresent(String.self, forKey: .thread)
        sptes = try c.decodeIfPresent([String].self, forKey: .sptes) ?? []
        trace = try c.decodeIfPresent([ReportTraceEntry].self, forKey: .trace) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(invariant, forKey: .invariant)
        try c.encode(message, forKey: .message)
        try c.encode(gfn, forKey: .gfn)      // null when unknown: the key is always there
        try c.encode(vcpu, forKey: .vcpu)
        try c.encodeIfPresent(thread, forKey: .thread)
        try c.encode(sptes, forKey: .sptes)
        try c.encode(trace, forKey: .trace)
    }
}
