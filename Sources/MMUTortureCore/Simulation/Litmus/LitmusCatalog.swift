/// The litmus tests `mmutorture litmus` runs: the classic x86 ones, the two
/// from the x86-TSO paper that separate it from earlier models (n5, n6), and
/// the protocol's own pairings (the identification byte against the rmap
/// flag, the byte store against a hardware A/D update).
///
/// Sources: Intel SDM vol. 3A 8.2.3 ("Examples illustrating the memory-
/// ordering principles"); Owens, Sarkar, Sewell, "A better x86 memory model:
/// x86-TSO", TPHOLs 2009; Sewell et al., CACM 2010; herd's test names.
/// Locations start at 0; "forbidden" lists every outcome of the value
/// domains that x86-TSO forbids, "TSO-only" the allowed ones SC forbids.
public enum LitmusCatalog {
    public static let all: [LitmusTest] = [
        sb, sbMfences, sbLockAdds, sbXchgs, mp, lb, iriw, twoPlusTwoW, r, rMfence, s, wrc, rwc, rwcMfence, n5, n6,
        idFlag, idFlagFastPathMfence, idFlagMfences, byteStoreKeepsAD, mixedSizeForwarding,
    ]

    public static func named(_ name: String) -> LitmusTest? {
        all.first { $0.name.lowercased() == name.lowercased() }
    }

    // MARK: store buffering

    public static let sb = LitmusTest(
        name: "SB", summary: "store buffering: each thread's load may pass its own earlier store",
        source: "Intel SDM 8.2.3.4; x86-TSO (CACM 2010) SB",
        locations: ["x", "y"], registers: ["0:r0", "1:r0"],
        domains: [[0, 1], [0, 1]], forbidden: [], tsoOnly: [[0, 0]],
        threads: [
            { p, m in p.store(m.loc(0), 1); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); m.set(1, p.load(m.loc(0))) },
        ])

    public static let sbMfences = LitmusTest(
        name: "SB+mfences", summary: "store buffering with mfence between store and load: 0/0 forbidden",
        source: "Intel SDM 8.2.3.4 with 8.2.5; x86-TSO (CACM 2010)",
        locations: ["x", "y"], registers: ["0:r0", "1:r0"],
        domains: [[0, 1], [0, 1]], forbidden: [[0, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.fullBarrier(); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); p.fullBarrier(); m.set(1, p.load(m.loc(0))) },
        ])

    /// Linux's smp_mb() on x86-64 is `lock; addl $0,-4(%rsp)`: a locked
    /// read-modify-write of a private word drains the buffer like mfence.
    public static let sbLockAdds = LitmusTest(
        name: "SB+lock-adds", summary: "store buffering with a locked add to a private word instead of mfence",
        source: "x86-TSO (CACM 2010): locked instructions flush the store buffer; Linux smp_mb",
        locations: ["x", "y", "z0", "z1"], registers: ["0:r0", "1:r0"],
        domains: [[0, 1], [0, 1]], forbidden: [[0, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); _ = p.fetchAdd(m.loc(2), 0); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); _ = p.fetchAdd(m.loc(3), 0); m.set(1, p.load(m.loc(0))) },
        ])

    public static let sbXchgs = LitmusTest(
        name: "SB+xchgs", summary: "store buffering with the stores done by xchg: 0/0 forbidden",
        source: "Intel SDM 8.2.3.9 (loads are not reordered with locked instructions)",
        locations: ["x", "y"], registers: ["0:r0", "1:r0"],
        domains: [[0, 1], [0, 1]], forbidden: [[0, 0]], tsoOnly: [],
        threads: [
            { p, m in _ = p.exchange(m.loc(0), 1); m.set(0, p.load(m.loc(1))) },
            { p, m in _ = p.exchange(m.loc(1), 1); m.set(1, p.load(m.loc(0))) },
        ])

    // MARK: the other classic shapes

    public static let mp = LitmusTest(
        name: "MP", summary: "message passing: stores are seen in order, loads are done in order",
        source: "Intel SDM 8.2.3.2; x86-TSO (CACM 2010) MP",
        locations: ["x", "y"], registers: ["1:r0", "1:r1"],
        domains: [[0, 1], [0, 1]], forbidden: [[1, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.store(m.loc(1), 1) },
            { p, m in m.set(0, p.load(m.loc(1))); m.set(1, p.load(m.loc(0))) },
        ])

    public static let lb = LitmusTest(
        name: "LB", summary: "load buffering: a store never passes an earlier load",
        source: "Intel SDM 8.2.3.3; x86-TSO (CACM 2010) LB",
        locations: ["x", "y"], registers: ["0:r0", "1:r0"],
        domains: [[0, 1], [0, 1]], forbidden: [[1, 1]], tsoOnly: [],
        threads: [
            { p, m in m.set(0, p.load(m.loc(0))); p.store(m.loc(1), 1) },
            { p, m in m.set(1, p.load(m.loc(1))); p.store(m.loc(0), 1) },
        ])

    public static let iriw = LitmusTest(
        name: "IRIW", summary: "independent reads of independent writes: all threads agree on the store order",
        source: "Intel SDM 8.2.3.7; x86-TSO (CACM 2010) IRIW",
        locations: ["x", "y"], registers: ["2:r0", "2:r1", "3:r0", "3:r1"],
        domains: [[0, 1], [0, 1], [0, 1], [0, 1]], forbidden: [[1, 0, 1, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1) },
            { p, m in p.store(m.loc(1), 1) },
            { p, m in m.set(0, p.load(m.loc(0))); m.set(1, p.load(m.loc(1))) },
            { p, m in m.set(2, p.load(m.loc(1))); m.set(3, p.load(m.loc(0))) },
        ])

    public static let twoPlusTwoW = LitmusTest(
        name: "2+2W", summary: "two writers, two locations: stores reach memory in program order",
        source: "x86-TSO (CACM 2010); herd 2+2W",
        locations: ["x", "y"], registers: [], finalLocations: [0, 1],
        domains: [[1, 2], [1, 2]], forbidden: [[1, 1]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.store(m.loc(1), 2) },
            { p, m in p.store(m.loc(1), 1); p.store(m.loc(0), 2) },
        ])

    public static let r = LitmusTest(
        name: "R", summary: "R: a store-then-load thread against a two-store thread (store->load reordering)",
        source: "herd R; Sarkar et al., 'Understanding POWER multiprocessors' (R); allowed on x86-TSO",
        locations: ["x", "y"], registers: ["1:r0"], finalLocations: [1],
        domains: [[0, 1], [1, 2]], forbidden: [], tsoOnly: [[0, 2]],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.store(m.loc(1), 1) },
            { p, m in p.store(m.loc(1), 2); m.set(0, p.load(m.loc(0))) },
        ])

    public static let rMfence = LitmusTest(
        name: "R+po+mfence", summary: "R with an mfence in the store-then-load thread: y=2 with r0=0 forbidden",
        source: "herd R+po+mfence; x86-TSO (CACM 2010)",
        locations: ["x", "y"], registers: ["1:r0"], finalLocations: [1],
        domains: [[0, 1], [1, 2]], forbidden: [[0, 2]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.store(m.loc(1), 1) },
            { p, m in p.store(m.loc(1), 2); p.fullBarrier(); m.set(0, p.load(m.loc(0))) },
        ])

    public static let s = LitmusTest(
        name: "S", summary: "S: a store never passes an earlier load, stores stay in order",
        source: "herd S; x86-TSO (CACM 2010)",
        locations: ["x", "y"], registers: ["1:r0"], finalLocations: [0],
        domains: [[0, 1], [1, 2]], forbidden: [[1, 2]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 2); p.store(m.loc(1), 1) },
            { p, m in m.set(0, p.load(m.loc(1))); p.store(m.loc(0), 1) },
        ])

    public static let wrc = LitmusTest(
        name: "WRC", summary: "write-to-read causality: stores are transitively visible",
        source: "Intel SDM 8.2.3.6; herd WRC",
        locations: ["x", "y"], registers: ["1:r0", "2:r0", "2:r1"],
        domains: [[0, 1], [0, 1], [0, 1]], forbidden: [[1, 1, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1) },
            { p, m in m.set(0, p.load(m.loc(0))); p.store(m.loc(1), 1) },
            { p, m in m.set(1, p.load(m.loc(1))); m.set(2, p.load(m.loc(0))) },
        ])

    /// Read-to-write causality: thread 1 sees x=1 but not y=1, thread 2's
    /// store of y is still buffered when it reads x=0. The store-to-load
    /// reordering in thread 2 is the only relaxation needed.
    public static let rwc = LitmusTest(
        name: "RWC", summary: "read-to-write causality: allowed on x86-TSO through thread 2's store buffer",
        source: "herd RWC; Tests/Fixtures/herdtools7/x86_64/RWC.litmus (Allow)",
        locations: ["x", "y"], registers: ["1:r0", "1:r1", "2:r0"],
        domains: [[0, 1], [0, 1], [0, 1]], forbidden: [], tsoOnly: [[1, 0, 0]],
        threads: [
            { p, m in p.store(m.loc(0), 1) },
            { p, m in m.set(0, p.load(m.loc(0))); m.set(1, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); m.set(2, p.load(m.loc(0))) },
        ])

    public static let rwcMfence = LitmusTest(
        name: "RWC+po+mfence", summary: "RWC with an mfence in thread 2: 1/0/0 forbidden",
        source: "herd RWC+po+mfence; Tests/Fixtures/herdtools7/x86_64/RWC+po+mfence.litmus (Forbid)",
        locations: ["x", "y"], registers: ["1:r0", "1:r1", "2:r0"],
        domains: [[0, 1], [0, 1], [0, 1]], forbidden: [[1, 0, 0]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1) },
            { p, m in m.set(0, p.load(m.loc(0))); m.set(1, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); p.fullBarrier(); m.set(2, p.load(m.loc(0))) },
        ])

    // MARK: the x86-TSO paper's n5 and n6

    /// Forbidden on x86-TSO (and on real hardware), but allowed by the
    /// earlier x86-CC model: each thread reading the other's store while
    /// its own has already been overwritten would need two store orders.
    public static let n5 = LitmusTest(
        name: "n5", summary: "two threads store and reload the same location: no disagreement on its order",
        source: "Owens, Sarkar, Sewell, TPHOLs 2009 (n5); x86-TSO (CACM 2010)",
        locations: ["x"], registers: ["0:r0", "1:r0"],
        domains: [[1, 2], [1, 2]], forbidden: [[2, 1]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); m.set(0, p.load(m.loc(0))) },
            { p, m in p.store(m.loc(0), 2); m.set(1, p.load(m.loc(0))) },
        ])

    /// Allowed on x86-TSO (observed on hardware), forbidden by x86-CC: the
    /// store buffer forwards x=1 to thread 0 before its store reaches
    /// memory, after thread 1's x=2.
    public static let n6 = LitmusTest(
        name: "n6", summary: "store forwarding: a thread reads its own store before others can see it",
        source: "Owens, Sarkar, Sewell, TPHOLs 2009 (n6); x86-TSO (CACM 2010)",
        locations: ["x", "y"], registers: ["0:r0", "0:r1"], finalLocations: [0],
        domains: [[1, 2], [0, 2], [1, 2]],
        // r0=2 needs thread 0's store flushed, then thread 1's x=2 (so y=2
        // before it): r1 must be 2 and x ends at 2.
        forbidden: [[2, 0, 1], [2, 0, 2], [2, 2, 1]],
        tsoOnly: [[1, 0, 1]],
        threads: [
            { p, m in p.store(m.loc(0), 1); m.set(0, p.load(m.loc(0))); m.set(1, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 2); p.store(m.loc(0), 2) },
        ])

    // MARK: the protocol's own shapes (docs/protocols.md; seed 004)

    /// The vcpu-id fast path (identification byte, then the rmap flag)
    /// against write-protect (the flag, then the spte) with neither barrier:
    /// both may miss each other, which is the race the barriers close.
    public static let idFlag = LitmusTest(
        name: "ID+FLAG", summary: "fast path's id byte vs write-protect's flag, no barriers: both may miss",
        source: "seed 004 (Dekker pairing); docs/protocols.md; SB with a one-byte store",
        locations: ["spte", "flag"], registers: ["0:flag", "1:id"],
        domains: [[0, 1], [0, 1]], forbidden: [], tsoOnly: [[0, 0]],
        threads: [
            { p, m in p.storeTopByte(m.loc(0), 1); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); m.set(1, p.load(m.loc(0)) >> 56) },
        ])

    /// Mutant no-wp-mb: the fast path's barrier alone does not help.
    public static let idFlagFastPathMfence = LitmusTest(
        name: "ID+FLAG+mfence+po", summary: "only the fast path has its smp_mb (mutant no-wp-mb): both may still miss",
        source: "seed 004; docs/mutants.md (no-wp-mb)",
        locations: ["spte", "flag"], registers: ["0:flag", "1:id"],
        domains: [[0, 1], [0, 1]], forbidden: [], tsoOnly: [[0, 0]],
        threads: [
            { p, m in p.storeTopByte(m.loc(0), 1); p.fullBarrier(); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); m.set(1, p.load(m.loc(0)) >> 56) },
        ])

    /// The correct protocol: with both barriers one side sees the other.
    public static let idFlagMfences = LitmusTest(
        name: "ID+FLAG+mfences", summary: "both smp_mb()s: the fast path sees the flag or write-protect sees the id",
        source: "seed 004; docs/protocols.md",
        locations: ["spte", "flag"], registers: ["0:flag", "1:id"],
        domains: [[0, 1], [0, 1]], forbidden: [[0, 0]], tsoOnly: [],
        threads: [
            { p, m in p.storeTopByte(m.loc(0), 1); p.fullBarrier(); m.set(0, p.load(m.loc(1))) },
            { p, m in p.store(m.loc(1), 1); p.fullBarrier(); m.set(1, p.load(m.loc(0)) >> 56) },
        ])

    /// The identification is a plain one-byte store so that it cannot lose
    /// an A/D bit "hardware" sets meanwhile with a locked OR (seed 004:
    /// "only set the last bit[e] of spte ... [without losing] cpu status
    /// bits"): the final spte always has both.
    public static let byteStoreKeepsAD = LitmusTest(
        name: "ID-BYTE+LOCK-OR", summary: "the id byte store and a locked OR of the A bit never lose each other",
        source: "seed 004; docs/protocols.md (byte-granular store buffer)",
        locations: ["spte"], registers: [], finalLocations: [0],
        domains: [[0x20, 0x0100_0000_0000_0000, 0x0100_0000_0000_0020]],
        forbidden: [[0x20], [0x0100_0000_0000_0000]], tsoOnly: [],
        threads: [
            { p, m in p.storeTopByte(m.loc(0), 1) },
            { p, m in _ = p.fetchOr(m.loc(0), 0x20) },
        ])

    /// Mixed-size store forwarding: a load merges the newest buffered bytes
    /// over older ones (the thread itself always sees both stores), and
    /// another thread sees the two stores in program order.
    public static let mixedSizeForwarding = LitmusTest(
        name: "MIXED-MP", summary: "a 64-bit store then a top-byte store: forwarded merged, seen in order",
        source: "x86-TSO with mixed-size accesses (Flur et al., POPL 2017); docs/protocols.md",
        locations: ["x"], registers: ["0:r0", "1:r0"],
        domains: [[0xAB00_0000_0000_0001], [0, 1, 0xAB00_0000_0000_0000, 0xAB00_0000_0000_0001]],
        forbidden: [[0xAB00_0000_0000_0001, 0xAB00_0000_0000_0000]], tsoOnly: [],
        threads: [
            { p, m in p.store(m.loc(0), 1); p.storeTopByte(m.loc(0), 0xAB); m.set(0, p.load(m.loc(0))) },
            { p, m in m.set(1, p.load(m.loc(0))) },
        ])
}
