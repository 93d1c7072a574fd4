/// A protocol under torture is one type, chosen by name next to the RCU
/// flavour (as rcutorture picks `cur_ops` by `torture_type=`): it supplies
/// its spte rules and declares its mutants; its paths are the ones its name
/// selects in `Paths/` (vcpu-id, mmu-writable) or in `TDPMMU*.swift` (the
/// TDP MMU). The paths are generic over the platform and branch on the
/// protocol's name, a constant of the VM: no existential on the hot path.
///
/// A mutant is declared once, by the type of the first protocol in its
/// `protocols` list; that list is the only record of where it applies
/// (config validation, `run --mutant`, `mutants verify` all read it).
public protocol ModelledProtocol {
    /// The name the config and the command line use.
    static var name: ProtocolName { get }
    /// One line for `mutants list` and the README's table.
    static var summary: String { get }
    /// What a valid spte of this protocol looks like (spte-integrity).
    static var spteRules: SPTERules { get }
    /// The mutants declared by this protocol (see `MutantInfo.protocols`).
    static var mutants: [MutantInfo] { get }
    /// The guest paging modes the protocol is modelled for.
    static var pagingModes: [PagingMode] { get }
}

extension ModelledProtocol {
    public static var pagingModes: [PagingMode] { PagingMode.allCases }
}

/// The registry of protocol types, by name.
public enum ModelledProtocols {
    /// Every protocol, in `ProtocolName`'s order.
    public static let all: [any ModelledProtocol.Type] = [VCPUIDProtocol.self, MMUWritableProtocol.self, TDPMMUProtocol.self]

    /// The type behind a protocol name.
    public static func type(for name: ProtocolName) -> any ModelledProtocol.Type {
        all.first { $0.name == name }!
    }
}
