/// What `HerdLitmusTest.explore` observed: each final state (the values of
/// the test's `observables`) with the number of interleavings that ended
/// in it, and the verdict.
public struct HerdLitmusResult: Sendable {
    public let test: HerdLitmusTest
    /// The test's observables, in the order of each outcome's values.
    public let observables: [HerdObservable]
    public var counts: [LitmusOutcome: Int] = [:]
    public var totals = LitmusExplorer.Totals()

    public init(test: HerdLitmusTest) {
        self.test = test
        self.observables = test.observables
    }

    /// The final states, sorted.
    public var states: [LitmusOutcome] { counts.keys.sorted() }

    /// Whether the final condition (as written, without its quantifier) holds in `o`.
    public func satisfies(_ o: LitmusOutcome) -> Bool {
        test.condition.evaluate { observable, value in
            guard let k = observables.firstIndex(of: observable) else { return false }
            let mask = test.width(of: observable).mask
            return o.values[k] & mask == UInt64(bitPattern: value) & mask
        }
    }

    /// Whether the proposition the verdict refers to holds in `o`.
    public func witnesses(_ o: LitmusOutcome) -> Bool {
        test.quantifier == .forall ? !satisfies(o) : satisfies(o)
    }

    /// Final states where the condition as written holds, and where it does not (herd's Positive, Negative).
    public var positive: Int { counts.keys.filter(satisfies).count }
    public var negative: Int { counts.count - positive }

    /// Allow: some final state witnesses the proposition; Forbid: none does.
    public var verdict: HerdVerdict { counts.keys.contains(where: witnesses) ? .allow : .forbid }

    /// herd's Observation: the condition holds in no final state, some, or all.
    public var observation: String { positive == 0 ? "Never" : negative == 0 ? "Always" : "Sometimes" }

    /// The verdict can be trusted: every interleaving ran to completion.
    public var complete: Bool { totals.exhaustive && totals.incomplete == 0 && totals.executions > 0 }

    /// "0:rax=0 1:rax=1 x=2" (values signed at their width, as herd prints them).
    public func render(_ o: LitmusOutcome) -> String {
        zip(observables, o.values).map { observable, v in "\(observable)=\(test.width(of: observable).signed(v))" }
            .joined(separator: " ")
    }
}
