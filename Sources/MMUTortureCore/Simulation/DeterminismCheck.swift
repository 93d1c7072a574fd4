/// The result of `checkDeterminism`: one execution run several times.
public struct DeterminismCheck: Sendable {
    public var hashes: [UInt64]
    public var schedule: String
    public var matched: Bool { hashes.allSatisfy { $0 == hashes.first } }
}
