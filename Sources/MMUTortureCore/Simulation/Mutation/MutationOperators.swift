/// Every mutation operator, by name (docs/mutation.md).
public enum MutationOperators {
    public static let all: [any MutationOperator] = [
        DropBarrier(), SplitRMW(), DropStore(), WeakenCmpxchg(), DropRCU(), DropSynchronize(),
        DropFlush(), NoWait(), EarlyUnlock(),
    ]

    public static func named(_ name: String) -> (any MutationOperator)? { all.first { $0.name == name } }

    /// The operators that change an operation of this kind.
    public static func applicable(to operation: SiteOperation) -> [any MutationOperator] {
        all.filter { $0.applies(to: operation) }
    }
}
