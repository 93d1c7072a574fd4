import Foundation
import MMUTortureConfig
import MMUTortureCore

/// Turns a resolved config into the runner's parameters: the one place that
/// knows both vocabularies.
extension RunParameters {
    /// The runner's parameters for a resolved config.
    public init(_ c: CampaignConfig) {
        self.init()
        seed = c.seed
        mode = c.mode
        rcu = c.rcu
        placement = c.placement
        durationNanoseconds = c.duration.nanoseconds
        operations = c.operations
        vm.vcpus = c.vcpus
        vm.guest = c.guest
        vm.layout = c.identification
        vm.mmuThreads = c.mmu.threads
        vm.traceDepth = c.traceDepth
        vm.ops = ProtocolVariants.ops(c.protocol, mutant: c.mutant)
        workload = c.workload
        mmu = c.mmu.weights
        perturb = c.perturb
        checker = c.checker
        watchdogNanoseconds = c.watchdog.nanoseconds
        // Test hook (scripts/ci-campaigns.sh): make a thread stall on purpose.
        injectStall = ProcessInfo.processInfo.environment["MMUTORTURE_TEST_STALL"] == "1"
    }
}

extension ReportViolation {
    /// A violation as the reports write it.
    public init(_ v: ViolationReport) {
        self.init(invariant: v.invariant.rawValue, message: v.message, gfn: v.gfn, vcpu: v.vcpu, thread: v.thread,
                  sptes: v.sptes,
                  trace: v.trace.map { ReportTraceEntry(seq: $0.seq, thread: $0.thread,
                                                        event: ($0.isViolation ? ">> " : "") + $0.event) })
    }
}

extension ScenarioResult {
    /// One run's entry in a report.
    public init(_ r: RunResult, name: String, repeatIndex: Int, seed: UInt64, reproduce: String, index: Int?, shard: Int? = nil) {
        self.init(name: name, repeatIndex: repeatIndex, seed: seed, result: r.reportResult,
                  durationSeconds: r.durationSeconds, counters: r.counterDictionary, reproduce: reproduce,
                  violations: r.violations.map(ReportViolation.init), error: r.harnessError,
                  interrupted: r.interrupted, index: index, shard: shard)
    }
}

extension RunResult {
    public var reportResult: ReportResult {
        switch outcome {
        case .pass: return .pass
        case .fail: return .fail
        case .error: return .error
        }
    }
    public var counterDictionary: [String: UInt64] { Dictionary(uniqueKeysWithValues: counters.map { ($0.name, $0.value) }) }
    public var histogramDictionary: [String: [String: UInt64]] {
        Dictionary(uniqueKeysWithValues: histograms.map { h in
            (h.name, Dictionary(uniqueKeysWithValues: h.buckets.map { ($0.label, $0.count) }))
        })
    }
}

extension CampaignConfig: MutantExposureTarget {
    public mutating func exposeVariant(protocol protocolName: ProtocolName, mutant: MutantName) {
        self.protocol = protocolName
        self.mutant = mutant
    }
    public var exposedPaging: PagingMode { get { guest.paging } set { guest.paging = newValue } }
    public var exposedLayout: IdentificationLayout { get { identification } set { identification = newValue } }
    public var exposedFrames: Int { get { guest.frames } set { guest.frames = newValue } }
    public var exposedHotFrames: Int { get { workload.hotFrames } set { workload.hotFrames = newValue } }
    public var exposedWriteRatio: Double { get { workload.writeRatio } set { workload.writeRatio = newValue } }
    public var exposedMMU: MMUWeights { get { mmu.weights } set { mmu.weights = newValue } }
    public var exposedOperations: UInt64 { get { operations } set { operations = newValue } }
    public var exposedVCPUs: Int { get { vcpus } set { vcpus = newValue } }
    public var exposedPlacement: Placement { get { placement } set { placement = newValue } }
    public mutating func exposePerturbation(points: [PerturbPoint], probability: Double) {
        perturb.swarm = false
        perturb.points = points
        perturb.probability = probability
    }

    /// This config with a mutant's exposing scenario (`MutantInfo.expose`).
    public func exposing(_ m: MutantInfo) -> CampaignConfig { m.expose(self) }
}
