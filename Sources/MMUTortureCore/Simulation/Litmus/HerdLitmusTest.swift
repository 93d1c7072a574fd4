/// A litmus test read from herd7's format (`HerdLitmusParser`): its
/// threads as x86 instructions, its initial state, and its final
/// condition. `explore()` runs it on the simulator.
public struct HerdLitmusTest: Sendable {
    /// The file it was read from, as given.
    public let file: String
    public let dialect: HerdDialect
    public let name: String
    /// The quoted lines after the header (diy7's cycle, for generated tests).
    public let documentation: [String]
    /// The `Key=value` lines after the header, in order.
    public let metadata: [(key: String, value: String)]
    /// Every location the test names (initial state, code, condition,
    /// `locations`), in order of first appearance.
    public let locations: [String]
    /// Declared widths (`uint64_t x;`); others are `int`, 32 bits.
    public let locationWidths: [String: HerdWidth]
    /// Initial values; locations not listed start at 0.
    public let initialMemory: [String: Int64]
    /// Initial register values (`0:rax=1;`); others start at 0.
    public let initialRegisters: [HerdObservable: Int64]
    /// One instruction list per thread, `P0` first.
    public let threads: [[HerdInstruction]]
    public let quantifier: HerdQuantifier
    public let condition: HerdCondition
    /// The line of the quantifier.
    public let conditionLine: Int
    /// The `locations [...]` clause's observables, if any.
    public let extraObservables: [HerdObservable]

    /// Made by `HerdLitmusParser`, which keeps `locations` complete.
    init(file: String, dialect: HerdDialect, name: String, documentation: [String] = [],
                metadata: [(key: String, value: String)] = [], locations: [String],
                locationWidths: [String: HerdWidth] = [:], initialMemory: [String: Int64] = [:],
                initialRegisters: [HerdObservable: Int64] = [:], threads: [[HerdInstruction]],
                quantifier: HerdQuantifier, condition: HerdCondition, conditionLine: Int,
                extraObservables: [HerdObservable] = []) {
        self.file = file
        self.dialect = dialect
        self.name = name
        self.documentation = documentation
        self.metadata = metadata
        self.locations = locations
        self.locationWidths = locationWidths
        self.initialMemory = initialMemory
        self.initialRegisters = initialRegisters
        self.threads = threads
        self.quantifier = quantifier
        self.condition = condition
        self.conditionLine = conditionLine
        self.extraObservables = extraObservables
    }

    /// The width of location `x` (its declared type, else `int`).
    public func width(of x: String) -> HerdWidth { locationWidths[x] ?? .long }

    /// The width an observable's value is compared at.
    public func width(of o: HerdObservable) -> HerdWidth {
        switch o {
        case .register(_, let r): return r.width
        case .location(let x): return width(of: x)
        }
    }

    /// What a final state records, as herd shows it: the condition's
    /// observables, then those of `locations [...]` not already there.
    public var observables: [HerdObservable] {
        var list = condition.observables
        for o in extraObservables where !list.contains(o) { list.append(o) }
        return list
    }

    /// The final condition in herd's syntax.
    public var conditionText: String { "\(quantifier.rawValue) (\(condition))" }
}
