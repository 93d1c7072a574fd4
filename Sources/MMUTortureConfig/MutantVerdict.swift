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
