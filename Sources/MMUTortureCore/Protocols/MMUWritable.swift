/// The protocol merged in Linux 3.6 (docs/protocols.md): HOST_WRITABLE |
/// MMU_WRITABLE gate a single lockless cmpxchg of W; write-protect of a
/// shadowed gfn clears both, dirty-log write-protect clears W only.
public enum MMUWritableProtocol: ModelledProtocol {
    public static let name = ProtocolName.mmuWritable
    public static let summary = "the Linux 3.6 fast path: one cmpxchg on HOST_WRITABLE|MMU_WRITABLE sptes"
    /// W only together with MMU_WRITABLE.
    public static let spteRules = SPTERules(writableNeedsMMUWritable: true)

    public static let mutants: [MutantInfo] = [
        MutantInfo(name: .nonatomicSPTEUpdate,
                   summary: "mmu-lock paths read then plainly store a spte whenever the pre-fix spte_has_volatile_bits said it was not volatile (A set and (W clear or D set))",
                   expectedInvariants: [.dirtyBit, .dirtyLog, .wpSafety], protocols: [.mmuWritable], source: "seed 003",
                   exposure: MutantExposure(hotFrames: 2, writeRatio: 0.1,
                                            mmu: .only(writeProtect: 4, unprotect: 4, dirtyLog: 2, invalidateRange: 2,
                                                       invalidatePage: 4, audit: 1),
                                            perturbPoints: [.wpScan, .spteUpdate], perturbProbability: 0.5, frames: 64),
                   apply: { $0.atomicSPTEUpdate = false }),
        MutantInfo(name: .mmuWritableKeep, summary: "write-protect of a shadowed gfn keeps MMU_WRITABLE",
                   expectedInvariants: [.wpSafety], protocols: [.mmuWritable], source: "Linux 3.6 (seed 003's thread)",
                   exposure: .writeProtectRace,
                   apply: { $0.writeProtectClearsMMUWritable = false }),
    ]
}
