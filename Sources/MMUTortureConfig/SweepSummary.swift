/// `mutants sweep` in the JSON report: the counts and the mutation score
/// (written at the report's top level: `generated`, `killed`,
/// `equivalent`, `score`, `survivors`), and every mutant (`sweep`).
public struct SweepSummary: Codable, Equatable, Sendable {
    /// A mutant: one operator at one site (`path:line:column`).
    public struct Mutant: Codable, Equatable, Sendable {
        public var `protocol`: String
        public var site: String
        /// The kind of operation at the site (`smp-mb`, `cmpxchg`, ...).
        public var operation: String
        public var `operator`: String
        /// killed, survived, equivalent, declared-equivalent-but-killed.
        public var verdict: String
        /// The invariant that killed it (or `deadlock`, `step-limit`).
        public var killedBy: String?
        public var message: String?
        /// Executions until the kill (or all those run).
        public var executions: Int
        public var seed: UInt64?
        /// The scenario of the killing execution.
        public var scenario: String?
        /// The killing execution's shrunk schedule.
        public var schedule: String?
        /// The declared reason for an equivalent mutant.
        public var reason: String?
        /// Executions in which the mutated operation behaved differently
        /// from the original (nil: not tracked for this operator).
        public var infectedExecutions: Int?

        public init(protocol p: String, site: String, operation: String, operator op: String, verdict: String, killedBy: String? = nil,
                    message: String? = nil, executions: Int, seed: UInt64? = nil, scenario: String? = nil,
                    schedule: String? = nil, reason: String? = nil, infectedExecutions: Int? = nil) {
            self.scenario = scenario
            self.infectedExecutions = infectedExecutions
            self.protocol = p
            self.site = site
            self.operation = operation
            self.operator = op
            self.verdict = verdict
            self.killedBy = killedBy
            self.message = message
            self.executions = executions
            self.seed = seed
            self.schedule = schedule
            self.reason = reason
        }

        enum CodingKeys: String, CodingKey {
            case `protocol`, site, operation, `operator`, verdict, message, executions, seed, scenario, schedule, reason
            case killedBy = "killed_by"
            case infectedExecutions = "infected_executions"
        }
    }

    /// A survivor as the report's top-level list names it.
    public struct Survivor: Codable, Equatable, Sendable {
        public var `protocol`: String
        public var site: String
        public var `operator`: String
        public init(protocol p: String, site: String, operator op: String) {
            self.protocol = p
            self.site = site
            self.operator = op
        }
    }

    public var generated: Int
    public var killed: Int
    public var equivalent: Int
    public var score: Double
    public var survivors: [Survivor]
    /// Sites reached by the clean search in the mutated paths.
    public var sites: Int
    public var mutants: [Mutant]

    public init(generated: Int, killed: Int, equivalent: Int, score: Double, survivors: [Survivor], sites: Int,
                mutants: [Mutant]) {
        self.generated = generated
        self.killed = killed
        self.equivalent = equivalent
        self.score = score
        self.survivors = survivors
        self.sites = sites
        self.mutants = mutants
    }
}
