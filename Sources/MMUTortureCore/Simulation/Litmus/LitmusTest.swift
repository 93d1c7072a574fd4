/// One outcome of a litmus test: the values of its observables (registers,
/// then final memory locations), in the test's order.
public struct LitmusOutcome: Hashable, Comparable, Sendable {
    public var values: [UInt64]
    public init(_ values: [UInt64]) { self.values = values }

    public static func < (a: LitmusOutcome, b: LitmusOutcome) -> Bool {
        a.values.lexicographicallyPrecedes(b.values)
    }
}

/// What a litmus thread body gets besides its platform: the shared memory
/// locations (all zero at the start) and the register file it records its
/// observations in (plain memory: registers are private, not shared state).
public struct LitmusContext {
    public let memory: UnsafeMutablePointer<UInt64>
    public let registers: UnsafeMutablePointer<UInt64>

    /// Location `i` (the test's `locations[i]`).
    @inline(__always)
    public func loc(_ i: Int) -> UnsafeMutablePointer<UInt64> { memory + i }

    /// Records register `r` (the test's `registers[r]`).
    @inline(__always)
    public func set(_ r: Int, _ value: UInt64) { registers[r] = value }
}

/// A classic x86 litmus test as tiny thread bodies against `SimPlatform`,
/// with the outcomes x86-TSO allows (Sewell, Sarkar, Owens, Zappa Nardelli,
/// Myreen, "x86-TSO: A Rigorous and Usable Programmer's Model for x86
/// Multiprocessors", CACM 53(7), 2010). `explore` runs every interleaving
/// (exhaustive search, no bound) and compares what it observed with what
/// the model allows.
public struct LitmusTest {
    public typealias Thread = (SimPlatform, LitmusContext) -> Void

    public let name: String
    /// One line: what it tests.
    public let summary: String
    /// Where the test and its expected outcomes come from.
    public let source: String
    /// Shared locations, all initially 0.
    public let locations: [String]
    /// Registers, named "thread:name" (herd style).
    public let registers: [String]
    /// Locations whose final value is part of the outcome (indexes into
    /// `locations`), after the registers.
    public let finalLocations: [Int]
    public let threads: [Thread]
    /// Every outcome x86-TSO allows. An execution outcome outside this set
    /// is a bug in the simulator; an allowed outcome never observed too.
    public let allowed: Set<LitmusOutcome>
    /// The allowed outcomes that sequential consistency forbids: the
    /// relaxed behaviours the store buffers must produce.
    public let tsoOnly: Set<LitmusOutcome>

    /// A test whose outcome space is the product of `domains` (one list of
    /// possible values per observable: registers, then final locations),
    /// minus the outcomes x86-TSO forbids.
    public init(name: String, summary: String, source: String, locations: [String], registers: [String],
                finalLocations: [Int] = [], domains: [[UInt64]], forbidden: [[UInt64]], tsoOnly: [[UInt64]],
                threads: [Thread]) {
        precondition(domains.count == registers.count + finalLocations.count, "\(name): one domain per observable")
        self.name = name
        self.summary = summary
        self.source = source
        self.locations = locations
        self.registers = registers
        self.finalLocations = finalLocations
        self.threads = threads
        var space: [[UInt64]] = [[]]
        for d in domains { space = space.flatMap { prefix in d.map { prefix + [$0] } } }
        let forbiddenSet = Set(forbidden.map(LitmusOutcome.init))
        allowed = Set(space.map(LitmusOutcome.init)).subtracting(forbiddenSet)
        self.tsoOnly = Set(tsoOnly.map(LitmusOutcome.init))
        precondition(self.tsoOnly.isSubset(of: allowed), "\(name): a TSO-only outcome must be allowed")
    }

    /// The outcomes expected under `model`: all TSO-allowed ones, or for SC
    /// those minus the TSO-only ones.
    public func expected(under model: SimMemoryModel) -> Set<LitmusOutcome> {
        model == .tso ? allowed : allowed.subtracting(tsoOnly)
    }

    /// "0:r0=0 1:r0=1 x=2".
    public func render(_ o: LitmusOutcome) -> String {
        let names = registers + finalLocations.map { locations[$0] }
        return zip(names, o.values).map { name, v in
            "\(name)=" + (v < 4096 ? String(v) : "0x" + String(v, radix: 16))
        }.joined(separator: " ")
    }

    /// Runs every interleaving of the test (thread steps and store-buffer
    /// flushes) under `model` and collects the outcomes.
    public func explore(model: SimMemoryModel = .tso, stepLimit: UInt64 = 10_000) -> LitmusResult {
        let explorer = LitmusExplorer(memoryWords: locations.count, registerWords: registers.count,
                                      model: model, stepLimit: stepLimit)
        let bodies: [LitmusExplorer.Body] = threads.map { body in
            { p, memory, regs in body(p, LitmusContext(memory: memory, registers: regs)) }
        }
        var result = LitmusResult(test: name, model: model)
        let totals = explorer.explore(threads: bodies, reset: { _, regs in
            regs.initialize(repeating: LitmusResult.unset, count: explorer.registerWords)
        }, record: { memory, regs in
            let values = (0..<registers.count).map { regs[$0] } + finalLocations.map { memory[$0] }
            result.counts[LitmusOutcome(values), default: 0] += 1
        })
        result.executions = totals.executions
        result.steps = totals.steps
        result.incomplete = totals.incomplete
        result.elapsedNanoseconds = totals.elapsedNanoseconds
        result.exhaustive = totals.exhaustive
        let observed = Set(result.counts.keys)
        let expected = expected(under: model)
        result.unexpected = observed.subtracting(expected).sorted()
        result.missing = expected.subtracting(observed).sorted()
        return result
    }
}

/// What `LitmusTest.explore` observed.
public struct LitmusResult: Sendable {
    /// The value registers hold until a thread sets them.
    public static let unset: UInt64 = 0xDEAD_BEEF_DEAD_BEEF

    public let test: String
    public let model: SimMemoryModel
    /// How many interleavings ended in each outcome.
    public var counts: [LitmusOutcome: Int] = [:]
    public var executions = 0
    public var steps: UInt64 = 0
    /// Executions that did not complete (deadlock, step limit): none expected.
    public var incomplete = 0
    /// The search covered every interleaving (and the program was deterministic).
    public var exhaustive = false
    public var elapsedNanoseconds: UInt64 = 0
    /// Observed outcomes the model does not allow.
    public var unexpected: [LitmusOutcome] = []
    /// Allowed outcomes never observed.
    public var missing: [LitmusOutcome] = []

    public init(test: String, model: SimMemoryModel) {
        self.test = test
        self.model = model
    }

    /// Observed exactly the allowed set, over every interleaving.
    public var passed: Bool { unexpected.isEmpty && missing.isEmpty && incomplete == 0 && exhaustive }
}
