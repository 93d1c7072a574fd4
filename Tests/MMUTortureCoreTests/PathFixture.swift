import MMUTortureCore

/// One VM and one vCPU on the native platform, single-threaded, for the
/// path-by-path tests.
struct PathFixture {
    let storage: VMStorage
    let state: UnsafeMutablePointer<ThreadState>
    let vcpu: UnsafeMutablePointer<VCPULocal>
    let log = ViolationLog()
    var vm: VM { storage.vm }
    var p: NativePlatform<NoRCU> { NativePlatform(threadIndex: 0, state: state, perturbation: .off) }
    var checker: ViolationSink { ViolationSink(log: log, stop: vm.global(VM.Global.stop)) }

    init(protocolName: ProtocolName = .vcpuID, mutant: MutantName = .none, paging: PagingMode = .tdp,
         frames: Int = 4096, vcpus: Int = 1, layout: IdentificationLayout = .vmx) {
        var config = VMConfig()
        config.layout = layout
        config.frames = frames
        config.vcpus = vcpus
        config.paging = paging
        config.ops = ProtocolVariants.ops(protocolName, mutant: mutant)
        storage = VMStorage(config: config)
        state = .allocate(capacity: 1)
        state.initialize(to: ThreadState(depth: 64, seed: 1))
        vcpu = .allocate(capacity: 1)
        vcpu.initialize(to: VCPULocal(id: 0, identification: 1, tlbEntries: 16))
    }

    /// The invariants reported so far.
    var reported: [Invariant] { log.records().map(\.invariant) }
    /// The details reported so far.
    var details: [ViolationDetail] { log.records().map(\.detail) }

    /// The rmap spte of `gfn` (its first entry).
    func spte(_ gfn: Int) -> UnsafeMutablePointer<UInt64> { vm.sptep(global: vm.rmapEntry(gfn: gfn, 0)) }

    /// A guest read of `addr`, faults handled, as the vCPU loop does it.
    func read(_ addr: Int) {
        let gfn = vm.translate(addr)
        vm.enterGuest(p, vcpu)
        defer { vm.exitGuest(p, vcpu) }
        for _ in 0..<4 {
            if vm.guestAccess(p, vcpu, addr: addr, gfn: gfn, write: false, checker: checker).done { return }
            vm.exitGuest(p, vcpu)
            _ = vm.slowPageFault(p, vcpu, addr: addr, gfn: gfn, write: false, checker: checker)
            vm.enterGuest(p, vcpu)
        }
    }

    /// A guest write to `addr`, as the vCPU loop does it: in guest mode
    /// (honouring requests), faults handled outside.
    func write(_ addr: Int) {
        let gfn = vm.translate(addr)
        vm.enterGuest(p, vcpu)
        defer { vm.exitGuest(p, vcpu) }
        for _ in 0..<4 {
            let r = vm.guestAccess(p, vcpu, addr: addr, gfn: gfn, write: true, checker: checker)
            if r.done { return }
            vm.exitGuest(p, vcpu)
            let completed = vm.handleFault(p, vcpu, addr: addr, gfn: gfn, write: true, spte: r.spte, checker: checker)
            vm.enterGuest(p, vcpu)
            if completed { return }
        }
    }
}
