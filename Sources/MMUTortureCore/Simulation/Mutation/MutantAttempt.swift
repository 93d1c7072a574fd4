/// One deterministic search for a mutant, from one seed.
public struct MutantAttempt: Sendable, Codable, Equatable {
    public var seed: UInt64
    /// Executions run, up to and including the one that killed the mutant.
    public var executions: Int
    /// The invariant that killed it (or `deadlock`, `step-limit` when the
    /// harness stopped it, `crash` when the model crashed), nil when it survived.
    public var killedBy: String?
    /// The violation's message.
    public var message: String?
    /// The scenario of the killing execution (subjects with several).
    public var scenario: String?
    /// The killing execution's schedule, shrunk (replayable with the mutant applied).
    public var schedule: String?
    public var seconds: Double
    /// Executions in which the mutated operation behaved differently from
    /// the original at least once; nil when the operator does not track it.
    public var infectedExecutions: Int?

    public init(seed: UInt64, executions: Int, killedBy: String? = nil, message: String? = nil,
                schedule: String? = nil, seconds: Double = 0) {
        self.seed = seed
        self.executions = executions
        self.killedBy = killedBy
        self.message = message
        self.schedule = schedule
        self.seconds = seconds
    }

    public var killed: Bool { killedBy != nil }
}
