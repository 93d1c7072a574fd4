/// A herd7 final-state proposition: atoms `obs=value` joined by `/\`
/// (and), `\/` (or), `~` (not), with parentheses, and `true`/`false`.
public indirect enum HerdCondition: Equatable, Sendable, CustomStringConvertible {
    case atom(HerdObservable, Int64)
    case constant(Bool)
    case not(HerdCondition)
    case and(HerdCondition, HerdCondition)
    case or(HerdCondition, HerdCondition)

    /// Whether the condition holds, `holds(observable, value)` deciding each atom.
    public func evaluate(_ holds: (HerdObservable, Int64) -> Bool) -> Bool {
        switch self {
        case .atom(let o, let v): return holds(o, v)
        case .constant(let b): return b
        case .not(let c): return !c.evaluate(holds)
        case .and(let a, let b): return a.evaluate(holds) && b.evaluate(holds)
        case .or(let a, let b): return a.evaluate(holds) || b.evaluate(holds)
        }
    }

    /// The observables its atoms name, in order of first appearance.
    public var observables: [HerdObservable] {
        var seen: [HerdObservable] = []
        func walk(_ c: HerdCondition) {
            switch c {
            case .atom(let o, _): if !seen.contains(o) { seen.append(o) }
            case .constant: break
            case .not(let a): walk(a)
            case .and(let a, let b), .or(let a, let b): walk(a); walk(b)
            }
        }
        walk(self)
        return seen
    }

    /// In herd's syntax, with the parentheses precedence needs.
    public var description: String { rendered(0) }

    /// `context`: 0 top level, 1 inside `\/`, 2 inside `/\`, 3 after `~`.
    func rendered(_ context: Int) -> String {
        func wrap(_ s: String, _ level: Int) -> String { context > level ? "(\(s))" : s }
        switch self {
        case .atom(let o, let v):
            if case .location(let x) = o { return "[\(x)]=\(v)" }
            return "\(o)=\(v)"
        case .constant(let b): return b ? "true" : "false"
        case .not(let c): return "~" + c.rendered(3)
        case .and(let a, let b): return wrap(a.rendered(2) + " /\\ " + b.rendered(2), 2)
        case .or(let a, let b): return wrap(a.rendered(1) + " \\/ " + b.rendered(1), 1)
        }
    }
}
