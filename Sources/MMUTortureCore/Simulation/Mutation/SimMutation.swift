/// A mutant as the simulated platform applies it: one operator at one site
/// (named `path:line:column`, see `OperationSite.name`) of one kind of operation.
public struct SimMutation: Sendable, Equatable, CustomStringConvertible {
    public let site: String
    public let operation: SiteOperation
    public let mutationOperator: any MutationOperator
    /// The site's line and column, to compare cheaply before the name.
    let line: UInt
    let column: UInt

    public init(site: ReachedSite, operator op: any MutationOperator) {
        self.site = site.name
        operation = site.operation
        mutationOperator = op
        line = UInt(site.line)
        column = UInt(site.column)
    }

    public var description: String { "\(mutationOperator.name) at \(site) (\(operation))" }

    public static func == (a: SimMutation, b: SimMutation) -> Bool {
        a.site == b.site && a.operation == b.operation && a.mutationOperator.name == b.mutationOperator.name
    }
}
