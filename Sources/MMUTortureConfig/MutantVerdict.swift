/// One mutant's line in a `mutants verify` report (`mutants` in the JSON):
/// how its exposure runs went, and the run under the generic default
/// campaign with no exposure (`generic`).
public struct MutantVerdict: Codable, Equatable, Sendable {
    public var name: String
    /// Invariants of which at least one had to fire.
    public var expected: [String]
    /// Every invariant seen in the exposure runs.
    public var invariantsSeen: [String]
    public var caught: Int
    public var attempts: Int
    /// Detection times of the caught attempts (native), seconds.
    public var medianSeconds: Double?
    public var maxSeconds: Double?
    /// Executions to detect of the caught attempts (deterministic).
    public var medianExecutions: Int?
    public var maxExecutions: Int?
    public var generic: GenericVerdict?

    public init(name: String, expected: [String], invariantsSeen: [String] = [], caught: Int = 0, attempts: Int = 0,
                medianSeconds: Double? = nil, maxSeconds: Double? = nil, medianExecutions: Int? = nil,
                maxExecutions: Int? = nil, generic: GenericVerdict? = nil) {
        self.name = name
        self.expected = expected
        self.invariantsSeen = invariantsSeen
        self.caught = caught
        self.attempts = attempts
        self.medianSeconds = medianSeconds
        self.maxSeconds = maxSeconds
        self.medianExecutions = medianExecutions
        self.maxExecutions = maxExecutions
        self.generic = generic
    }

    enum CodingKeys: String, CodingKey {
        case name, expected, caught, attempts, generic
        case invariantsSeen = "invariants_seen"
        case medianSeconds = "median_s"
        case maxSeconds = "max_s"
        case medianExecutions = "median_executions"
        case maxExecutions = "max_executions"
    }
}

/// A mutant run under the generic default campaign: caught or not (by any
/// invariant), and how long or how many executions it took.
public struct GenericVerdict: Codable, Equatable, Sendable {
    public var caught: Bool
    public var seconds: Double
    public var executions: Int?
    public var invariants: [String]

    public init(caught: Bool, seconds: Double, executions: Int? = nil, invariants: [String] = []) {
        self.caught = caught
        self.seconds = seconds
        self.executions = executions
        self.invariants = invariants
    }
}

extension MutantVerdict {
    /// The verdicts of shards of one `mutants verify`, merged: counts
    /// summed, invariants joined, the detection median and maximum taken
    /// again over every caught attempt (`results`: the merged runs, whose
    /// `mutant:NAME` entries are the exposure attempts).
    public static func merged(_ shards: [[MutantVerdict]], results: [ScenarioResult]) -> [MutantVerdict] {
        var order: [String] = []
        var byName: [String: MutantVerdict] = [:]
        for verdicts in shards {
            for v in verdicts {
                guard var m = byName[v.name] else { byName[v.name] = v; order.append(v.name); continue }
                m.caught += v.caught
                m.attempts += v.attempts
                m.invariantsSeen = Array(Set(m.invariantsSeen).union(v.invariantsSeen)).sorted()
                m.generic = m.generic ?? v.generic
                byName[v.name] = m
            }
        }
        return order.map { name in
            var m = byName[name]!
            let caught = results.filter { $0.name == "mutant:\(name)" && $0.result == .pass }
            let times = caught.map(\.durationSeconds).sorted()
            let executions = caught.compactMap { $0.counters["executions"].map(Int.init) }.sorted()
            m.medianSeconds = times.isEmpty ? nil : times[times.count / 2]
            m.maxSeconds = times.last
            m.medianExecutions = executions.isEmpty ? nil : executions[executions.count / 2]
            m.maxExecutions = executions.last
            return m
        }
    }
}
