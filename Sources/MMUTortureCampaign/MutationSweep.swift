import Dispatch
import Foundation
import MMUTortureCore
import URCUShim

/// `mutants sweep` as a library (docs/mutation.md): finds the sites a clean
/// deterministic search reaches, generates a mutant for every operator
/// applicable at every site, searches each mutant deterministically (in
/// parallel), and classifies it: killed, survived, declared equivalent, or
/// declared equivalent yet killed.
public struct MutationSweep {
    public struct Settings: Sendable {
        /// Executions per mutant per seed.
        public var executions = 2_000
        /// Seeds per mutant (firstSeed, firstSeed + 1, ...); a mutant stops
        /// at its first kill.
        public var seeds = 1
        public var firstSeed: UInt64 = 1
        /// Clean executions per seed that find the reached sites.
        public var discoveryExecutions = 2_000
        /// Only sites in these paths (`fast-page-fault`, `write-protect`,
        /// ...: the file names in kebab case); empty for all.
        public var onlyPaths: [String] = []
        /// Only these sites (`path:line:column`) and operators; empty for all.
        public var onlySites: [String] = []
        public var onlyOperators: [String] = []
        /// The folders whose sites are mutated (the protocol paths).
        public var siteFolders = ["Sources/MMUTortureCore/Paths/"]
        /// The protocol name the declarations are matched against.
        public var protocolName = "vcpu-id"
        /// Mutants searched at once (threads).
        public var workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        public init() {}
    }

    /// A mutant: one operator at one site.
    public struct Mutant: Sendable, Hashable {
        public var site: ReachedSite
        public var operatorName: String
        public var name: String { "\(operatorName) \(site.name)" }
    }

    public enum Verdict: String, Sendable {
        case killed, survived, equivalent
        /// Declared equivalent, yet an invariant fired: the declaration is wrong.
        case declaredButKilled = "declared-equivalent-but-killed"
    }

    public struct MutantResult: Sendable {
        public var mutant: Mutant
        public var attempts: [MutantAttempt]
        public var declaration: EquivalentMutants.Declaration?
        public var verdict: Verdict
        /// The attempt that killed it.
        public var kill: MutantAttempt? { attempts.first { $0.killed } }
        /// Executions until the kill (every attempt's before it), or all run.
        public var executions: Int { attempts.reduce(0) { $0 + $1.executions } }
        public var seconds: Double { attempts.reduce(0) { $0 + $1.seconds } }
        /// Executions in which the mutation changed what the operation did
        /// (nil when its operator does not track infection). A survivor
        /// that was never infected was not reached in a state where the
        /// change matters: the search, not the checker, is what misses it
        /// (or it is equivalent). One that was infected and survived is a
        /// candidate checker gap.
        public var infectedExecutions: Int? {
            attempts.reduce(nil as Int?) { acc, a in a.infectedExecutions.map { (acc ?? 0) + $0 } ?? acc }
        }
        public var passed: Bool { verdict == .killed || verdict == .equivalent }
    }

    public struct Outcome: Sendable {
        public var sites: [ReachedSite]
        public var results: [MutantResult]
        public var seconds: Double
        public var interrupted = false
        /// Declarations for this protocol that match no generated mutant.
        public var staleDeclarations: [EquivalentMutants.Declaration]

        public var generated: Int { results.count }
        public var killed: Int { results.filter { $0.kill != nil }.count }
        public var equivalent: Int { results.filter { $0.verdict == .equivalent }.count }
        public var survivors: [MutantResult] { results.filter { $0.verdict == .survived } }
        public var wronglyDeclared: [MutantResult] { results.filter { $0.verdict == .declaredButKilled } }
        /// killed / (generated - equivalent); 1 when nothing is left to kill.
        public var score: Double {
            let denominator = generated - equivalent
            return denominator <= 0 ? 1 : Double(killed) / Double(denominator)
        }
        /// Every non-equivalent mutant killed, and no equivalence declared wrongly.
        public var passed: Bool { !interrupted && results.allSatisfy(\.passed) }
    }

    public let subject: any MutationSubject
    public let settings: Settings
    public let equivalents: EquivalentMutants

    public init(subject: any MutationSubject, settings: Settings, equivalents: EquivalentMutants = EquivalentMutants()) {
        self.subject = subject
        self.settings = settings
        self.equivalents = equivalents
    }

    /// The sites the clean searches reach in the mutated folders (all
    /// paths, before `onlyPaths`), or the clean search's problem.
    public func discoverSites() -> (sites: [ReachedSite], problem: String?) {
        var all = Set<ReachedSite>()
        for i in 0..<max(1, settings.seeds) {
            let d = subject.discover(seed: settings.firstSeed &+ UInt64(i), executions: settings.discoveryExecutions)
            if let p = d.problem { return ([], "the clean search (seed \(settings.firstSeed &+ UInt64(i))) is not clean: \(p)") }
            all.formUnion(d.sites)
        }
        let sites = all.filter { s in settings.siteFolders.contains { s.path.hasPrefix($0) } }
        return (sites.sorted(), nil)
    }

    /// Every applicable operator at every selected site.
    public func mutants(of sites: [ReachedSite]) -> [Mutant] {
        var out: [Mutant] = []
        for s in sites where settings.onlyPaths.isEmpty || settings.onlyPaths.contains(s.pathName) {
            if !settings.onlySites.isEmpty && !settings.onlySites.contains(s.name) { continue }
            for op in MutationOperators.applicable(to: s.operation) {
                if !settings.onlyOperators.isEmpty && !settings.onlyOperators.contains(op.name) { continue }
                out.append(Mutant(site: s, operatorName: op.name))
            }
        }
        return out
    }

    /// Searches one mutant: seed after seed until one kills it.
    public func search(_ m: Mutant) -> MutantResult {
        let op = MutationOperators.named(m.operatorName)!
        let mutation = SimMutation(site: m.site, operator: op)
        var attempts: [MutantAttempt] = []
        for i in 0..<max(1, settings.seeds) {
            let a = subject.hunt(mutation, seed: settings.firstSeed &+ UInt64(i), executions: settings.executions)
            attempts.append(a)
            if a.killed { break }
        }
        let declaration = equivalents.declaration(protocol: settings.protocolName, site: m.site.name, operator: m.operatorName)
        let killed = attempts.contains { $0.killed }
        let verdict: Verdict = declaration == nil ? (killed ? .killed : .survived) : (killed ? .declaredButKilled : .equivalent)
        return MutantResult(mutant: m, attempts: attempts, declaration: declaration, verdict: verdict)
    }

    /// Searches every mutant of `sites`, `settings.workers` at a time.
    /// `progress` is called (serially) as each one finishes.
    public func run(sites: [ReachedSite], progress: ((MutantResult, _ done: Int, _ total: Int) -> Void)? = nil) -> Outcome {
        let start = monotonicNanoseconds()
        let mutants = self.mutants(of: sites)
        var results = [MutantResult?](repeating: nil, count: mutants.count)
        let lock = NSLock()
        var next = 0
        var done = 0
        let workers = max(1, min(settings.workers, mutants.count))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                lock.lock()
                let i = next
                next += 1
                lock.unlock()
                if i >= mutants.count || mmut_interrupt_signal() != 0 { return }
                let r = search(mutants[i])
                // A search an interrupt cut short has no verdict.
                if mmut_interrupt_signal() != 0 { return }
                lock.lock()
                results[i] = r
                done += 1
                progress?(r, done, mutants.count)
                lock.unlock()
            }
        }
        let finished = results.compactMap { $0 }
        let generatedNames = Set(mutants.map { "\($0.site.name) \($0.operatorName)" })
        let stale = equivalents.declarations.filter { d in
            (d.protocolName == "*" || d.protocolName == settings.protocolName)
                && !generatedNames.contains("\(d.site) \(d.operatorName)")
                && (settings.onlyPaths.isEmpty && settings.onlySites.isEmpty && settings.onlyOperators.isEmpty)
        }
        return Outcome(sites: sites, results: finished, seconds: Double(monotonicNanoseconds() - start) / 1e9,
                       interrupted: finished.count < mutants.count, staleDeclarations: stale)
    }
}
