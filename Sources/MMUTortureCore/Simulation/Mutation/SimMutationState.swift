/// What an executor keeps for a mutation sweep: the sites reached (when
/// recording), the mutant to apply (if any), and the read-side sections the
/// `drop-rcu` mutant removed, so that their unlocks are removed too.
final class SimMutationState {
    let target: SimMutation?
    let recording: Bool
    /// Reached sites, keyed by (file pointer, line, column, kind).
    var reached: [SiteKey: ReachedSite] = [:]
    /// The target's file, once a site with its line and column matched by name.
    var targetFile: UInt?
    var otherFiles: Set<UInt> = []
    /// Per thread: read-side nesting depth counting removed sections, and
    /// the depths whose lock was removed.
    var depth: [Int]
    var droppedDepths: [[Int]]
    /// Executions in which the mutated operation behaved differently from
    /// the original at least once (before the current one), and whether the
    /// current one has.
    var infectedExecutions = 0
    var infectedNow = false

    struct SiteKey: Hashable {
        let file: UInt
        let line: UInt
        let column: UInt
        let operation: SiteOperation
    }

    init(target: SimMutation?, recording: Bool, threads: Int) {
        self.target = target
        self.recording = recording
        depth = Array(repeating: 0, count: threads)
        droppedDepths = Array(repeating: [], count: threads)
    }

    func reset() {
        if infectedNow { infectedExecutions += 1 }
        infectedNow = false
        for t in depth.indices {
            depth[t] = 0
            droppedDepths[t].removeAll(keepingCapacity: true)
        }
    }

    /// Records the site (when recording) and returns the operator to apply
    /// there, if it is the target's site.
    func visit(_ site: OperationSite, _ operation: SiteOperation, thread t: Int) -> (any MutationOperator)? {
        if recording {
            let key = SiteKey(file: UInt(bitPattern: site.file.utf8Start), line: site.line, column: site.column,
                              operation: operation)
            if reached[key] == nil { reached[key] = ReachedSite(site, operation) }
        }
        var hit: (any MutationOperator)?
        if let m = target, m.line == site.line, m.column == site.column, m.operation == operation {
            let file = UInt(bitPattern: site.file.utf8Start)
            if file == targetFile {
                hit = m.mutationOperator
            } else if !otherFiles.contains(file) {
                if site.name == m.site {
                    targetFile = file
                    hit = m.mutationOperator
                } else {
                    otherFiles.insert(file)
                }
            }
        }
        // drop-rcu removes a read-side section: its lock here, and the
        // unlock that closes it.
        switch operation {
        case .rcuReadLock:
            depth[t] += 1
            if hit != nil { droppedDepths[t].append(depth[t]) }
        case .rcuReadUnlock:
            let d = depth[t]
            depth[t] -= 1
            if let last = droppedDepths[t].last, last == d {
                droppedDepths[t].removeLast()
                return DropRCU()
            }
        default:
            break
        }
        return hit
    }
}
