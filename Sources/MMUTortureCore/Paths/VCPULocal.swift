/// A vCPU's private state (`struct kvm_vcpu` minus what others touch): its
/// root, its identification and its software TLB. Only its own thread reads
/// or writes it, so none of it goes through the platform; what other threads
/// touch (mode, requests) lives in `VM.vcpuShared`.
public struct VCPULocal {
    public let id: Int
    /// Root shadow page index + 1, 0 = none (`root_hpa` invalid).
    public var root: Int = 0
    /// The identification this vCPU stores in sptes (vcpu-id), 0 = the vCPU
    /// is past the layout's limit and never takes the fast path.
    public let identification: UInt64
    /// The checker's record (obsolete): `mmu_valid_gen` when this vCPU last
    /// handled a reload request; it must not walk an older root after it.
    public var reloadGen: UInt64 = 0
    /// Sequence number of this vCPU's guest writes (values identify vCPU and seq).
    public var writeSeq: UInt64 = 0
    /// The checker's record (tlb-coherence): the mmu event counter, read
    /// right after this vCPU last handled a TLB-flush or reload request.
    public var ackEvent: UInt64 = 0
    // The software TLB: direct-mapped, `tlbMask + 1` entries.
    public let tlbMask: Int
    /// address + 1, 0 = empty.
    public let tlbTag: UnsafeMutablePointer<UInt64>
    public let tlbPFN: UnsafeMutablePointer<UInt64>
    public let tlbWritable: UnsafeMutablePointer<Bool>
    public let tlbGFN: UnsafeMutablePointer<UInt64>
    /// The mmu event number read just before the fill's spte load (tlb-coherence).
    public let tlbFillEvent: UnsafeMutablePointer<UInt64>

    public init(id: Int, identification: UInt64, tlbEntries: Int) {
        self.id = id
        self.identification = identification
        var n = 1
        while n < max(tlbEntries, 1) { n <<= 1 }
        tlbMask = n - 1
        tlbTag = .allocate(capacity: n); tlbTag.initialize(repeating: 0, count: n)
        tlbPFN = .allocate(capacity: n); tlbPFN.initialize(repeating: 0, count: n)
        tlbWritable = .allocate(capacity: n); tlbWritable.initialize(repeating: false, count: n)
        tlbGFN = .allocate(capacity: n); tlbGFN.initialize(repeating: 0, count: n)
        tlbFillEvent = .allocate(capacity: n); tlbFillEvent.initialize(repeating: 0, count: n)
    }

    public func deallocate() {
        tlbTag.deallocate(); tlbPFN.deallocate(); tlbWritable.deallocate(); tlbGFN.deallocate(); tlbFillEvent.deallocate()
    }

    /// Drops every TLB entry (a flush request, a root reload).
    @inline(__always)
    public func flushTLB() {
        for i in 0...tlbMask { tlbTag[i] = 0 }
    }

    /// The identification for `vcpu` under `ops` and `layout`: its own id + 1,
    /// or the one shared value of mutant `shared-id`; 0 past the limit.
    public static func identification(vcpu: Int, layout: IdentificationLayout, ops: ProtocolOps) -> UInt64 {
        guard let id = layout.identification(forVCPU: vcpu) else { return 0 }
        return ops.uniqueIdentification ? id : 1
    }
}
