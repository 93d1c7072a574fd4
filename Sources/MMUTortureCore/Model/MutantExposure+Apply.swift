/// Something a mutant's exposing scenario can be applied to: the core's
/// `RunParameters` and the config module's `CampaignConfig` both conform,
/// so there is one mapping (`MutantInfo.expose`) for `run --mutant`,
/// `mutants verify` and the tests, whichever vocabulary they speak.
public protocol MutantExposureTarget {
    /// Runs `mutant` under `protocolName`.
    mutating func exposeVariant(protocol protocolName: ProtocolName, mutant: MutantName)
    var exposedPaging: PagingMode { get set }
    var exposedLayout: IdentificationLayout { get set }
    var exposedFrames: Int { get set }
    var exposedHotFrames: Int { get set }
    var exposedWriteRatio: Double { get set }
    var exposedMMU: MMUWeights { get set }
    /// The guest-access budget of a run (0 = none).
    var exposedOperations: UInt64 { get set }
    var exposedVCPUs: Int { get set }
    var exposedPlacement: Placement { get set }
    /// Exactly these perturbation points (no swarm choice) with this probability.
    mutating func exposePerturbation(points: [PerturbPoint], probability: Double)
}

extension MutantInfo {
    /// `target` with this mutant's exposing scenario: its protocol, paging
    /// mode, identification layout, guest size, hot set, write ratio,
    /// mmu-thread mix and perturbation.
    public func expose<T: MutantExposureTarget>(_ target: T) -> T {
        var t = target
        t.exposeVariant(protocol: protocolName, mutant: name)
        t.exposedPaging = exposure.paging
        if let layout = exposure.layout { t.exposedLayout = layout }
        if let frames = exposure.frames { t.exposedFrames = frames }
        t.exposedHotFrames = min(exposure.hotFrames, t.exposedFrames)
        t.exposedWriteRatio = exposure.writeRatio
        t.exposedMMU = exposure.mmu
        if let n = exposure.segmentOperations { t.exposedOperations = n }
        if let n = exposure.vcpus { t.exposedVCPUs = n }
        if let placement = exposure.placement { t.exposedPlacement = placement }
        if let points = exposure.perturbPoints {
            t.exposePerturbation(points: points, probability: points.isEmpty ? 0 : exposure.perturbProbability)
        }
        return t
    }
}

extension RunParameters: MutantExposureTarget {
    public mutating func exposeVariant(protocol protocolName: ProtocolName, mutant: MutantName) {
        vm.ops = ProtocolVariants.ops(protocolName, mutant: mutant)
    }
    public var exposedPaging: PagingMode { get { vm.paging } set { vm.paging = newValue } }
    public var exposedLayout: IdentificationLayout { get { vm.layout } set { vm.layout = newValue } }
    public var exposedFrames: Int { get { vm.frames } set { vm.frames = newValue } }
    public var exposedHotFrames: Int { get { workload.hotFrames } set { workload.hotFrames = newValue } }
    public var exposedWriteRatio: Double { get { workload.writeRatio } set { workload.writeRatio = newValue } }
    public var exposedMMU: MMUWeights { get { mmu } set { mmu = newValue } }
    public var exposedOperations: UInt64 { get { operations } set { operations = newValue } }
    public var exposedVCPUs: Int { get { vm.vcpus } set { vm.vcpus = newValue } }
    public var exposedPlacement: Placement { get { placement } set { placement = newValue } }
    public mutating func exposePerturbation(points: [PerturbPoint], probability: Double) {
        perturb.swarm = false
        perturb.points = points
        perturb.probability = probability
    }

    /// These parameters with a mutant's exposing scenario.
    public func exposing(_ m: MutantInfo) -> RunParameters { m.expose(self) }
}
