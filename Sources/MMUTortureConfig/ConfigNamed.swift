import MMUTortureCore

/// An enumeration whose cases a config file names (`protocol: vcpu-id`,
/// `perturb.points: [wp-scan]`): the core's own enumerations, used by the
/// config as they are.
protocol ConfigNamed: CaseIterable, Equatable {
    /// The case's name in a config file.
    var configName: String { get }
    /// The case named `configName`, or nil.
    init?(configName: String)
}

extension ConfigNamed where Self: RawRepresentable, RawValue == String {
    var configName: String { rawValue }
    init?(configName: String) { self.init(rawValue: configName) }
}

extension ProtocolName: ConfigNamed {}
extension MutantName: ConfigNamed {}
extension ModeName: ConfigNamed {}
extension IdentificationLayout: ConfigNamed {}
extension RCUFlavorName: ConfigNamed {}
extension PagingMode: ConfigNamed {}
extension WorkloadPattern: ConfigNamed {}
extension PerturbKind: ConfigNamed {}
extension Placement: ConfigNamed {}
extension DeterministicSpec.StrategyName: ConfigNamed {}

extension PerturbPoint: ConfigNamed {
    var configName: String { name }
    init?(configName: String) { self.init(name: configName) }
}
