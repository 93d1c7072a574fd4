/// A shadow page-table entry: the 64-bit word that every path speaks about,
/// with named masks and small pure predicates in the manner of the kernel's
/// `arch/x86/kvm/mmu/spte.h`. No path does bit arithmetic on a raw spte.
///
/// Layout (docs/model.md):
///
/// | bits  | name            | meaning                                                   |
/// |-------|-----------------|-----------------------------------------------------------|
/// | 0     | PRESENT         | readable; non-leaf: points to a child shadow page         |
/// | 1     | W               | writable                                                  |
/// | 5     | A               | accessed, set by "hardware" with an atomic OR             |
/// | 6     | D               | dirty, set by "hardware" on a write access (only if W)    |
/// | 7     | LEAF            | this is a last-level (pfn-mapping) entry                  |
/// | 10    | HOST_WRITABLE   | the host page may be written                              |
/// | 11    | MMU_WRITABLE    | W may be set without the mmu-lock (mmu-writable only)     |
/// | 12-51 | pfn / child     | host pfn (leaf) or child shadow page index (non-leaf)     |
/// | 56-63 | identification  | vCPU id + 1 in the top byte, 0 = none (vcpu-id only)      |
///
/// Valid combinations (checked by `isValid` and the tests):
/// - not PRESENT: the whole word is 0 (a zapped entry);
/// - non-leaf: PRESENT, child index, nothing else;
/// - leaf: PRESENT | LEAF | pfn, optionally A, D, W, HOST_WRITABLE, MMU_WRITABLE, id;
///   W implies HOST_WRITABLE (the host never lends a read-only page for
///   writing); D implies W was set when the write happened, so D alone on a
///   read-only spte is legal (write-protect clears W but keeps D);
///   an identification is set by the fast path on a read-only leaf it is
///   about to make writable; it may be left behind on a W spte when another
///   vCPU's fast path won the race (that one's cmpxchg then fails), and
///   write-protect clears it.
@frozen
public struct SPTE: Equatable, Hashable, CustomStringConvertible, Sendable {
    public var raw: UInt64

    @inline(__always) public init(raw: UInt64) { self.raw = raw }

    public static let presentMask: UInt64 = 1 << 0
    public static let writableMask: UInt64 = 1 << 1
    public static let accessedMask: UInt64 = 1 << 5
    public static let dirtyMask: UInt64 = 1 << 6
    public static let leafMask: UInt64 = 1 << 7
    public static let hostWritableMask: UInt64 = 1 << 10
    public static let mmuWritableMask: UInt64 = 1 << 11
    public static let pfnShift: UInt64 = 12
    public static let pfnMask: UInt64 = ((1 << 40) - 1) << 12
    public static let idShift: UInt64 = 56
    /// bit 63: NX. In the softmmu layout it is not part of the identification.
    public static let nxMask: UInt64 = 1 << 63

    /// The zapped (not present) entry.
    public static let zero = SPTE(raw: 0)
    /// tdp-mmu: `FROZEN_SPTE` (`SHADOW_NONPRESENT_VALUE | 0x5a0`): not
    /// present; a thread that reads it retries and never writes over it.
    public static let frozen: UInt64 = 0x5a0
    /// `is_frozen_spte`.
    @inline(__always) public static func isFrozen(_ raw: UInt64) -> Bool { raw == frozen }

    /// A leaf mapping `pfn`.
    @inline(__always)
    public static func leaf(pfn: UInt64, writable: Bool, hostWritable: Bool, mmuWritable: Bool = false, nx: Bool = false) -> SPTE {
        var r = presentMask | leafMask | (pfn << pfnShift)
        if nx { r |= nxMask }
        if writable { r |= writableMask }
        if hostWritable { r |= hostWritableMask }
        if mmuWritable { r |= mmuWritableMask }
        return SPTE(raw: r)
    }

    /// A non-leaf entry pointing to the shadow page with index `child`.
    @inline(__always)
    public static func nonLeaf(child: Int) -> SPTE {
        SPTE(raw: presentMask | (UInt64(child) << pfnShift))
    }

    @inline(__always) public var isPresent: Bool { raw & Self.presentMask != 0 }
    @inline(__always) public var isLeaf: Bool { raw & Self.leafMask != 0 }
    /// `is_writable_pte`
    @inline(__always) public var isWritable: Bool { raw & Self.writableMask != 0 }
    @inline(__always) public var isAccessed: Bool { raw & Self.accessedMask != 0 }
    @inline(__always) public var isDirty: Bool { raw & Self.dirtyMask != 0 }
    @inline(__always) public var isHostWritable: Bool { raw & Self.hostWritableMask != 0 }
    /// `is_mmu_writable_spte`
    @inline(__always) public var isMMUWritable: Bool { raw & Self.mmuWritableMask != 0 }
    /// `spte_is_locklessly_modifiable` (mmu-writable protocol): both bits set.
    @inline(__always)
    public var isLocklesslyModifiable: Bool {
        raw & (Self.hostWritableMask | Self.mmuWritableMask) == (Self.hostWritableMask | Self.mmuWritableMask)
    }
    /// The host pfn of a leaf, or the child index of a non-leaf.
    @inline(__always) public var pfn: UInt64 { (raw & Self.pfnMask) >> Self.pfnShift }
    @inline(__always) public var childIndex: Int { Int(truncatingIfNeeded: pfn) }

    @inline(__always) public func with(_ mask: UInt64) -> SPTE { SPTE(raw: raw | mask) }
    @inline(__always) public func without(_ mask: UInt64) -> SPTE { SPTE(raw: raw & ~mask) }

    public var description: String { SPTE.describe(raw) }

    /// A reviewer-friendly rendering: `0x...(P W A D L HW MW id=3)`.
    public static func describe(_ raw: UInt64, layout: IdentificationLayout = .vmx) -> String {
        let s = SPTE(raw: raw)
        if raw == 0 { return "0 (zapped)" }
        var bits: [String] = []
        if s.isPresent { bits.append("P") }
        if s.isWritable { bits.append("W") }
        if s.isAccessed { bits.append("A") }
        if s.isDirty { bits.append("D") }
        if s.isHostWritable { bits.append("HW") }
        if s.isMMUWritable { bits.append("MW") }
        if layout == .softmmu && raw & nxMask != 0 { bits.append("NX") }
        if s.isLeaf { bits.append("pfn=\(s.pfn)") } else { bits.append("child=\(s.childIndex)") }
        let id = layout.identification(of: raw)
        if id != 0 { bits.append("id=\(id)") }
        return "0x" + String(raw, radix: 16) + "(" + bits.joined(separator: " ") + ")"
    }
}

/// The identification vocabulary of the vcpu-id protocol (seed 004): the
/// vCPU id + 1 in the spte's top byte, whole byte (vmx) or bits 56-62
/// (softmmu, bit 63 is NX and must be preserved).
extension IdentificationLayout {
    /// Mask of the identification bits.
    @inline(__always)
    public var idMask: UInt64 { self == .vmx ? 0xFF << 56 : 0x7F << 56 }

    /// The identification carried by `raw`, 0 = none.
    @inline(__always)
    public func identification(of raw: UInt64) -> UInt64 { (raw & idMask) >> 56 }

    /// `raw` with its identification removed (NX preserved in softmmu).
    @inline(__always)
    public func withoutIdentification(_ raw: UInt64) -> UInt64 { raw & ~idMask }

    /// The identification value for a vCPU, or nil when the vCPU is past the
    /// limit of this layout (it never takes the fast path).
    @inline(__always)
    public func identification(forVCPU vcpu: Int) -> UInt64? {
        vcpu >= 0 && vcpu < fastVCPULimit ? UInt64(vcpu + 1) : nil
    }

    /// `raw` marked with identification `id` (any previous one replaced).
    @inline(__always)
    public func marked(_ raw: UInt64, id: UInt64) -> UInt64 { withoutIdentification(raw) | (id << 56) }

    /// The top byte of `raw`: what the fast path's one-byte store writes.
    @inline(__always)
    public func topByte(_ raw: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: raw >> 56) }
}

extension SPTE {
    /// Whether this spte is one of the valid combinations documented on `SPTE`.
    public func isValid(layout: IdentificationLayout) -> Bool {
        if raw == 0 { return true }
        guard isPresent else { return false }
        let id = layout.identification(of: raw)
        if !isLeaf {
            return raw & ~(Self.presentMask | Self.pfnMask) == 0
        }
        if isWritable && !isHostWritable { return false }
        if id > UInt64(layout.maxID) { return false }
        let known = Self.presentMask | Self.writableMask | Self.accessedMask | Self.dirtyMask | Self.leafMask
            | Self.hostWritableMask | Self.mmuWritableMask | Self.pfnMask | layout.idMask | Self.nxMask
        return raw & ~known == 0
    }
}

/// What a protocol allows in a spte beyond the common table
/// (spte-integrity): supplied by the protocol's type, never by a variant.
public struct SPTERules: Sendable {
    /// W only together with MMU_WRITABLE (the merged protocol and the TDP
    /// MMU: W is set locklessly only on MMU-writable sptes, and write-protect
    /// clears both).
    public var writableNeedsMMUWritable: Bool
    /// MMU_WRITABLE only together with HOST_WRITABLE (the TDP MMU's spte.h
    /// table: 111, 110, 100, 000).
    public var mmuWritableNeedsHostWritable: Bool

    public init(writableNeedsMMUWritable: Bool, mmuWritableNeedsHostWritable: Bool = false) {
        self.writableNeedsMMUWritable = writableNeedsMMUWritable
        self.mmuWritableNeedsHostWritable = mmuWritableNeedsHostWritable
    }

    /// The rules of the protocol named `protocolName`.
    public init(_ protocolName: ProtocolName) {
        self = ModelledProtocols.type(for: protocolName).spteRules
    }
}
