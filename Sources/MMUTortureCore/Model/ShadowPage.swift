/// Shadow pages (`struct kvm_mmu_page`) live in a preallocated arena of raw
/// memory: a header of eight 64-bit words and 512 sptes each, addressed by
/// index. Freed pages are poisoned but stay mapped, so a late lockless reader
/// sees poison (and the checker says `rcu-lifetime`) instead of crashing.

/// A shadow page's role (`union kvm_mmu_page_role`), packed in one word.
@frozen
public struct ShadowPageRole: Equatable, Hashable, Sendable {
    public var raw: UInt64
    public init(raw: UInt64) { self.raw = raw }
    public init(level: Int, direct: Bool, quadrant: Int = 0) {
        raw = UInt64(level & 0xF) | (direct ? 1 << 4 : 0) | (UInt64(quadrant & 0x3) << 8)
    }
    /// 1 (leaf table) ... 4 (root).
    public var level: Int { Int(raw & 0xF) }
    /// Direct pages compute their gfns; indirect ones keep `gfns[]`.
    public var direct: Bool { raw & (1 << 4) != 0 }
    /// Which part of a larger guest table this page shadows (32-bit guests).
    public var quadrant: Int { Int((raw >> 8) & 0x3) }
}

/// Header word offsets.
public enum SPHeader {
    public static let words = 8
    public static let magic = 0
    public static let role = 1
    public static let gfn = 2
    public static let validGen = 3
    /// hash chain (and free list) link: index + 1, 0 = end.
    public static let hashNext = 4
    /// the parent spte's global index + 1, 0 = a root.
    public static let parent = 5
    /// active list link: index + 1, 0 = end.
    public static let activeNext = 6
    /// indirect pages: gfns[] slot + 1; 0 = direct (no array, seed 002).
    public static let gfnsSlot = 7

    public static let liveMagic: UInt64 = 0x5348_4144_4F57_5047   // "SHADOWPG"
    public static let poisonMagic: UInt64 = 0x6B6B_6B6B_6B6B_6B6B  // slab's POISON_FREE
    /// A freed page's sptes: not present (bit 0 clear), recognisable.
    public static let poisonSPTE: UInt64 = 0x6B6B_6B6B_6B6B_6B6A
    /// Not on the hash: `hlist_del_init` done.
    public static let unhashed: UInt64 = ~0
}

/// `kvm_mmu_page_get_gfn` for a direct page (seed 002):
/// `gfn(sp, i) = sp.gfn + i << ((level - 1) * 9)`, plus `quadrant << 9`
/// where a 32-bit guest's 4 MiB page is shadowed by two half-size pages.
/// `quadrantAware: false` is the bug that seed 002's fix repaired.
@inline(__always)
public func directPageGFN(baseGFN: UInt64, role: ShadowPageRole, index: Int, quadrantAware: Bool = true) -> UInt64 {
    var gfn = baseGFN &+ (UInt64(index) << UInt64((role.level - 1) * 9))
    if quadrantAware { gfn &+= UInt64(role.quadrant) << 9 }
    return gfn
}
