/// What a final condition or a `locations [...]` clause can ask about: a
/// thread's register (`1:rax`, `0:EAX`) or a memory location (`x`, `[x]`).
public enum HerdObservable: Hashable, Sendable, CustomStringConvertible {
    case register(thread: Int, HerdRegister)
    case location(String)

    public var description: String {
        switch self {
        case .register(let t, let r): return "\(t):\(r)"
        case .location(let x): return x
        }
    }
}
