import MMUTortureCore

/// Litmus-sized programs written against `Platform`, like the protocol
/// paths, for the mutation sweep's own tests (docs/mutation.md).
enum ToyPaths {
    /// Memory: x, y (the flags), r0, r1 (what each thread read).
    static let words = 4

    /// Dekker's entry, as the fast path and write-protect do it (store
    /// flag, smp_mb, load the other's flag): at most one thread may read 0.
    static func dekker0<P: Platform>(_ p: P, _ m: UnsafeMutablePointer<UInt64>) {
        p.store(m, 1)
        p.fullBarrier()
        m[2] = p.load(m + 1)
    }

    static func dekker1<P: Platform>(_ p: P, _ m: UnsafeMutablePointer<UInt64>) {
        p.store(m + 1, 1)
        p.fullBarrier()
        m[3] = p.load(m)
    }

    /// Two increments of one counter (x): it must end at 2.
    static func increment<P: Platform>(_ p: P, _ m: UnsafeMutablePointer<UInt64>) {
        _ = p.fetchAdd(m, 1)
    }
}

/// A toy program as a mutation subject: two simulated threads under the
/// random walk, checked after every execution.
struct ToySubject: MutationSubject {
    enum Program: Sendable { case dekker, increments }
    let program: Program

    func bodies(_ m: UnsafeMutablePointer<UInt64>) -> [SimExecutor.Body] {
        switch program {
        case .dekker: return [{ ToyPaths.dekker0($0, m) }, { ToyPaths.dekker1($0, m) }]
        case .increments: return [{ ToyPaths.increment($0, m) }, { ToyPaths.increment($0, m) }]
        }
    }

    func violated(_ m: UnsafeMutablePointer<UInt64>) -> String? {
        switch program {
        case .dekker: return m[2] == 0 && m[3] == 0 ? "dekker: both threads read 0" : nil
        case .increments: return m[0] != 2 ? "increments: the counter ended at \(m[0])" : nil
        }
    }

    /// Executions until the first violation (nil: none), and the sites reached.
    func search(seed: UInt64, executions: Int, mutation: SimMutation?, record: Bool) -> (Int, String?, Set<ReachedSite>) {
        let executor = SimExecutor(threadCount: 2)
        executor.configureMutation(mutation, recordSites: record)
        let m = UnsafeMutablePointer<UInt64>.allocate(capacity: ToyPaths.words)
        defer { m.deallocate() }
        let scheduler = RandomWalkScheduler(seed: seed, maxExecutions: executions, flushProbability: 0.1)
        var found: String?
        let n = executor.explore(scheduler: scheduler, maxExecutions: executions, makeBodies: {
            m.initialize(repeating: 0, count: ToyPaths.words)
            return bodies(m)
        }) { _ in
            found = violated(m)
            return found == nil
        }
        return (n, found, executor.reachedSites)
    }

    func discover(seed: UInt64, executions: Int) -> SiteDiscovery {
        let (n, found, sites) = search(seed: seed, executions: executions, mutation: nil, record: true)
        return SiteDiscovery(sites: sites, executions: n, problem: found)
    }

    func hunt(_ mutation: SimMutation, seed: UInt64, executions: Int) -> MutantAttempt {
        let (n, found, _) = search(seed: seed, executions: executions, mutation: mutation, record: false)
        return MutantAttempt(seed: seed, executions: n, killedBy: found == nil ? nil : "toy", message: found)
    }
}
