/// What a clean run of a mutation subject found: the sites it reached, and
/// what it found wrong (it must find nothing: the sweep needs a clean base).
public struct SiteDiscovery: Sendable {
    public var sites: Set<ReachedSite>
    public var executions: Int
    /// A violation or harness error of the clean run, nil when clean.
    public var problem: String?

    public init(sites: Set<ReachedSite>, executions: Int, problem: String? = nil) {
        self.sites = sites
        self.executions = executions
        self.problem = problem
    }
}
