#if canImport(Glibc)
import Glibc
#endif

/// The shape of one modelled VM.
public struct VMConfig: Sendable {
    /// The guest's size and paging mode (config section `guest`).
    public var guest = GuestSpec()
    public var frames: Int { get { guest.frames } set { guest.frames = newValue } }
    public var paging: PagingMode { get { guest.paging } set { guest.paging = newValue } }
    public var vcpus: Int = 4
    public var mmuThreads: Int = 1
    public var layout: IdentificationLayout = .vmx
    public var ops: ProtocolOps = ProtocolOps(protocolName: .vcpuID)
    /// Shadow pages in the arena (0 = sized from `frames`).
    public var poolPages: Int = 0
    public var traceDepth: Int = 64
    /// Software TLB entries per vCPU (direct-mapped, power of two).
    public var tlbEntries: Int = 16
    /// The online checks and trace rings (`bench` switches them off to
    /// measure what the checker costs; audits still run).
    public var checks = true
    public init() {}
}

/// The model MMU of docs/model.md: host memory, shadow pages, rmaps, the
/// dirty bitmap, notifier state, vCPUs. A trivial value of raw pointers, so
/// that the paths can take it by value with no ARC; `VMStorage` owns the
/// allocations.
public struct VM {
    public let config: VMConfig
    public let frames: Int
    public let vcpuCount: Int
    public let layout: IdentificationLayout
    public let ops: ProtocolOps
    /// The protocol's valid spte states (spte-integrity), from its name only.
    public let spteRules: SPTERules
    /// `config.checks`.
    @inline(__always) public var checks: Bool { config.checks }

    // Shadow pages.
    public let pageCount: Int
    /// `pageCount * 512` sptes.
    public let sptes: UnsafeMutablePointer<UInt64>
    /// `pageCount * SPHeader.words` header words.
    public let headers: UnsafeMutablePointer<UInt64>
    /// `pageCount * 512` gfns[] slots, handed only to indirect pages.
    public let gfnsArena: UnsafeMutablePointer<UInt64>
    public let hashBuckets: Int
    /// Heads of the shadow-page hash chains (page index + 1).
    public let hashHeads: UnsafeMutablePointer<UInt64>

    // rmaps (kvm_rmap_head), per gfn.
    public static let rmapCapacity = 4
    /// Per gfn: PTE_LIST_WRITE_PROTECT and friends; read locklessly by the fast path.
    public let rmapFlags: UnsafeMutablePointer<UInt64>
    public let rmapCount: UnsafeMutablePointer<UInt64>
    /// Per gfn, `rmapCapacity` global spte indices + 1.
    public let rmapEntries: UnsafeMutablePointer<UInt64>
    public static let pteListWriteProtect: UInt64 = 1

    // Host memory.
    public let pfnCount: Int
    /// gfn -> pfn + 1 (0 = not mapped): the host page table behind the memslot.
    public let hostPT: UnsafeMutablePointer<UInt64>
    public let pfnData: UnsafeMutablePointer<UInt64>
    public let pfnRefcount: UnsafeMutablePointer<UInt64>
    /// bit 0 allocated, bit 1 host-writable, bit 2 freed (poisoned).
    public let pfnState: UnsafeMutablePointer<UInt64>
    /// The host page's dirty state (`kvm_set_pfn_dirty`).
    public let pfnDirty: UnsafeMutablePointer<UInt64>
    /// Checker: the guest wrote this host page since it was faulted in.
    public let pfnWritten: UnsafeMutablePointer<UInt64>
    /// The gfn a host page backs (for swap-out).
    public let pfnGFN: UnsafeMutablePointer<UInt64>
    /// Per gfn: the content of a page the host swapped out (written back
    /// only if the page was dirty: a lost D bit loses data).
    public let swap: UnsafeMutablePointer<UInt64>
    /// Per gfn: the dirty-log destination ("migration target") copy.
    public let destination: UnsafeMutablePointer<UInt64>
    /// Per gfn: the mmu event number at which an mmu-lock path last took W
    /// away from (or dropped) one of its sptes (tlb-coherence).
    public let wClearEvent: UnsafeMutablePointer<UInt64>
    public static let pfnAllocated: UInt64 = 1, pfnHostWritable: UInt64 = 2, pfnFreed: UInt64 = 4
    public static let poisonData: UInt64 = 0x6B6B_6B6B_6B6B_6B6B

    /// Per gfn: 1 when a write fault made a spte writable (memslot dirty bitmap).
    public let dirtyBitmap: UnsafeMutablePointer<UInt64>

    /// Global words: see `Global`.
    public let globals: UnsafeMutablePointer<UInt64>
    public enum Global {
        public static let mmuValidGen = 0
        public static let notifierSeq = 8
        public static let notifierCount = 16
        public static let stop = 24
        public static let freeHead = 32
        public static let activeHead = 33
        public static let freeCount = 34
        /// One past the highest shadow page the allocators handed out since
        /// the VM was made or reset: the pages `VMStorage.reset` restores.
        public static let pagesUsed = 35
        /// mmu events (W clears, flush starts), counted under the mmu-lock.
        public static let mmuEvent = 36
        /// The event number at which the last completed flush started.
        public static let lastFlushStart = 40
        /// The event number of the last W removal (flush-before-unlock).
        public static let lastWClear = 44
        /// Where the host allocator looks for a free pfn next (FIFO-ish
        /// reuse, so a freed page is not handed out again at once).
        public static let hostAllocCursor = 37
        /// The checker's record (dirty-log): enables of dirty logging
        /// between their fresh bitmap and the end of their copy.
        public static let dirtyLogEnables = 38
        public static let words = 48
    }

    // vCPUs.
    /// Per vCPU, `VCPUWord.stride` words (a cache line): mode, requests,
    /// and the checker's record of a fast-path fix in flight.
    public let vcpuShared: UnsafeMutablePointer<UInt64>
    public enum VCPUWord {
        public static let stride = 8
        public static let mode = 0
        public static let requests = 1
        /// The checker's record (dirty-log): gfn + 1 while the fast path is
        /// between its final cmpxchg and `mark_page_dirty`, 0 otherwise.
        public static let fixing = 2
    }
    public static let modeOutsideGuest: UInt64 = 0, modeInGuest: UInt64 = 1
    public static let requestTLBFlush: UInt64 = 1, requestMMUReload: UInt64 = 2

    /// Checker state per gfn: `Protection`.
    public let protection: UnsafeMutablePointer<UInt64>
    public enum Protection {
        public static let none: UInt64 = 0
        /// write-protect is in progress (flag set, scan or flush not done).
        public static let protecting: UInt64 = 1
        /// write-protect returned: wp-safety holds until unprotect.
        public static let protected: UInt64 = 2
    }

    /// Checker (guest-memory), per vCPU and gfn (`frames` words a vCPU):
    /// the last value that vCPU wrote to the gfn, 0 = none. Private to the
    /// vCPU's thread (plain memory, not platform accesses). Kept only while
    /// `vcpus × frames` fits `VM.lastWritesLimit` words; otherwise
    /// `tracksLastWrites` is false and guest-memory is not checked.
    public let lastWrites: UnsafeMutablePointer<UInt64>
    public let tracksLastWrites: Bool
    public static let lastWritesLimit = 1 << 22

    public let mmuLock: MMULock
    /// The TDP MMU's roots, caches and records (unused by the other protocols).
    public let tdp: TDPState
    /// Whether this VM runs the TDP MMU (`protocol: tdp-mmu`).
    @inline(__always) public var isTDP: Bool { ops.protocolName == .tdpMMU }

    // MARK: addressing helpers

    @inline(__always)
    public func sptep(page: Int, index: Int) -> UnsafeMutablePointer<UInt64> { sptes + (page &* 512 &+ index) }
    @inline(__always)
    public func sptep(global: Int) -> UnsafeMutablePointer<UInt64> { sptes + global }
    @inline(__always)
    public func header(_ page: Int, _ word: Int) -> UnsafeMutablePointer<UInt64> { headers + (page &* SPHeader.words &+ word) }
    @inline(__always)
    public func global(_ word: Int) -> UnsafeMutablePointer<UInt64> { globals + word }
    /// The guest's own translation from the address a vCPU accesses to the
    /// gfn behind it. tdp and shadow32: the identity (shadow32's 4 MiB pages
    /// map 1024 contiguous frames). shadow: a fixed permutation inside each
    /// 64-frame block, so indirect pages need their gfns[] (seed 002) and a
    /// hot set of addresses stays a hot set of gfns.
    @inline(__always)
    public func translate(_ addr: Int) -> Int {
        if config.paging == .shadow && frames >= 64 {
            return (addr & ~63) | ((addr &* 37 &+ 11) & 63)
        }
        return addr
    }

    @inline(__always)
    public func vcpuWord(_ vcpu: Int, _ word: Int) -> UnsafeMutablePointer<UInt64> { vcpuShared + (vcpu &* VCPUWord.stride &+ word) }
}

/// Owns the memory behind a `VM`.
public final class VMStorage {
    public let vm: VM
    /// Every array `init` allocated, with its length and initial value:
    /// what `reset` restores. `perSPTE`: a word per spte of every page.
    private let regions: [(words: UnsafeMutablePointer<UInt64>, count: Int, value: UInt64, perSPTE: Bool)]

    public init(config: VMConfig) {
        precondition(config.frames >= 16 && config.vcpus >= 1)
        let frames = config.frames
        // Enough pages for several generations of the whole table.
        let perGeneration = 2 + (frames + (1 << 18) - 1) / (1 << 18) + (frames + 511) / 512 * 2 + 4
        let pageCount = config.poolPages > 0 ? config.poolPages : max(64, perGeneration * 8)
        var regions: [(words: UnsafeMutablePointer<UInt64>, count: Int, value: UInt64, perSPTE: Bool)] = []
        func words(_ n: Int, _ v: UInt64 = 0, perSPTE: Bool = false) -> UnsafeMutablePointer<UInt64> {
            let p = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
            p.initialize(repeating: v, count: n)
            regions.append((p, n, v, perSPTE))
            return p
        }
        let pfnCount = frames * 2 + 64
        let tracksLastWrites = config.checks && config.vcpus * frames <= VM.lastWritesLimit
        var hashBuckets = 64
        while hashBuckets < pageCount { hashBuckets <<= 1 }
        vm = VM(config: config, frames: frames, vcpuCount: config.vcpus, layout: config.layout, ops: config.ops,
                spteRules: SPTERules(config.ops.protocolName),
                pageCount: pageCount,
                sptes: words(pageCount * 512, SPHeader.poisonSPTE, perSPTE: true),
                headers: words(pageCount * SPHeader.words),
                gfnsArena: words(pageCount * 512, perSPTE: true),
                hashBuckets: hashBuckets,
                hashHeads: words(hashBuckets),
                rmapFlags: words(frames), rmapCount: words(frames),
                rmapEntries: words(frames * VM.rmapCapacity),
                pfnCount: pfnCount,
                hostPT: words(frames), pfnData: words(pfnCount), pfnRefcount: words(pfnCount),
                pfnState: words(pfnCount), pfnDirty: words(pfnCount),
                pfnWritten: words(pfnCount), pfnGFN: words(pfnCount),
                swap: words(frames), destination: words(frames), wClearEvent: words(frames),
                dirtyBitmap: words(frames),
                globals: words(VM.Global.words),
                vcpuShared: words(config.vcpus * VM.VCPUWord.stride),
                protection: words(frames),
                lastWrites: words(tracksLastWrites ? config.vcpus * frames : 1),
                tracksLastWrites: tracksLastWrites,
                mmuLock: MMULock.allocate(),
                tdp: TDPState.allocate(pages: pageCount, vcpus: config.vcpus, frames: frames))
        self.regions = regions
        vm.initialiseFreeLists()
        vm.initialiseHostMemory()
    }

    /// Back to the state `init` left, every word: the deterministic mode
    /// runs each execution on a fresh VM, and a reset costs no allocation
    /// and no page faults (a fresh VM's arrays came from the kernel again
    /// at every execution). Only while no thread uses the VM.
    ///
    /// The arrays with a word per spte (sptes, gfns[], the TDP MMU's
    /// frozen owners: most of the words) only up to the highest page handed
    /// out (`Global.pagesUsed`): a page the allocators never handed out was
    /// never written. Its sptes are written only by its allocation (zeroes),
    /// its free (poison) and stores through links, roots and rmap entries,
    /// which name allocated pages only; its gfns[] only by `installLeaf`
    /// into that page; its frozen owners only by the thread freezing one of
    /// its sptes.
    public func reset() {
        let used = min(Int(vm.global(VM.Global.pagesUsed).pointee), vm.pageCount)
        for r in regions { r.words.update(repeating: r.value, count: r.perSPTE ? used * 512 : r.count) }
        vm.mmuLock.reset()
        vm.tdp.reset(pages: vm.pageCount, vcpus: vm.vcpuCount, frames: vm.frames, usedPages: used)
        vm.initialiseFreeLists()
        vm.initialiseHostMemory()
    }

    /// The arrays (by index: the regions, then the TDP MMU's) whose words
    /// differ from `other`'s, a storage made from the same config (tests:
    /// a reset leaves none against a fresh one).
    func arraysDiffering(from other: VMStorage) -> [Int] {
        func arrays(_ s: VMStorage) -> [(UnsafeMutablePointer<UInt64>, Int)] {
            s.regions.map { ($0.words, $0.count) }
                + s.vm.tdp.arrays(pages: s.vm.pageCount, vcpus: s.vm.vcpuCount, frames: s.vm.frames)
        }
        let (mine, theirs) = (arrays(self), arrays(other))
        precondition(mine.count == theirs.count)
        return mine.indices.filter { i in
            mine[i].1 != theirs[i].1 || (0..<mine[i].1).contains { mine[i].0[$0] != theirs[i].0[$0] }
        }
    }

    deinit {
        for r in regions { r.words.deallocate() }
        vm.mmuLock.deallocate()
        vm.tdp.deallocate()
    }
}

extension VM {
    /// Every shadow page starts on the free list, poisoned.
    func initialiseFreeLists() {
        for page in 0..<pageCount {
            header(page, SPHeader.magic).pointee = SPHeader.poisonMagic
            header(page, SPHeader.hashNext).pointee = page + 1 < pageCount ? UInt64(page + 2) : 0
        }
        global(Global.freeHead).pointee = 1
        global(Global.freeCount).pointee = UInt64(pageCount)
        global(Global.mmuValidGen).pointee = 1
        if isTDP {
            // TDP page tables are on no hash.
            for page in 0..<pageCount { header(page, SPHeader.gfnsSlot).pointee = 0 }
        }
    }

    /// Host memory: gfn i is backed by pfn i, host-writable, refcount 1 (the
    /// host page table's reference). The rest of the pfns are free.
    func initialiseHostMemory() {
        for pfn in 0..<pfnCount {
            pfnState[pfn] = pfn < frames ? (VM.pfnAllocated | VM.pfnHostWritable) : VM.pfnFreed
            pfnRefcount[pfn] = pfn < frames ? 1 : 0
            pfnData[pfn] = pfn < frames ? 0 : VM.poisonData
        }
        global(Global.hostAllocCursor).pointee = UInt64(frames - 1)
        for gfn in 0..<frames {
            hostPT[gfn] = UInt64(gfn + 1)
            pfnGFN[gfn] = UInt64(gfn)
        }
    }
}
