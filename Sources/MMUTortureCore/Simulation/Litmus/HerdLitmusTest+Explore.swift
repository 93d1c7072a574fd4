/// Running a herd7 test on the simulator: each thread is an interpreter
/// over its instructions on `SimPlatform`, so every memory access is a
/// scheduling point and every store goes through the x86-TSO store buffer;
/// `LitmusExplorer` runs every interleaving. Registers are private words
/// (`HerdRegister.count` per thread), not shared state.
///
/// | instruction | on the simulator |
/// | --- | --- |
/// | `mov` load / store | `load` / `store(_:_:mask:)` of the access's low bytes |
/// | `mfence` | `fullBarrier` (drains the store buffer) |
/// | `lfence`, `sfence` | nothing (x86-TSO orders ordinary loads and stores already) |
/// | `lock add` etc., `xchg` with memory, `lock xadd`, `lock cmpxchg` | `lockedUpdate`: drain, then read and write in one step |
/// | `add` etc. to memory without `lock` | a load, then a store: another thread may write in between |
/// | register-only instructions | no scheduling point |
///
/// A register write of 32 or 64 bits sets the whole register (x86-64 zero-
/// extends 32-bit results); 8- and 16-bit writes keep the other bits.
extension HerdLitmusTest {
    /// Runs every interleaving under `model` and collects the final states.
    public func explore(model: SimMemoryModel = .tso, stepLimit: UInt64 = 10_000) -> HerdLitmusResult {
        let slot = Dictionary(uniqueKeysWithValues: locations.enumerated().map { ($1, $0) })
        let explorer = LitmusExplorer(memoryWords: locations.count, registerWords: threads.count * HerdRegister.count,
                                      model: model, stepLimit: stepLimit)
        let programs = threads.map { $0.map { HerdMachine.Step($0, slot: slot) } }
        let bodies: [LitmusExplorer.Body] = programs.enumerated().map { t, program in
            { p, memory, regs in
                let machine = HerdMachine(platform: p, memory: memory, registers: regs + t * HerdRegister.count)
                for step in program { machine.run(step) }
            }
        }
        let initialMemory = self.initialMemory.map { (slot[$0.key]!, UInt64(bitPattern: $0.value) & width(of: $0.key).mask) }
        let initialRegisters = self.initialRegisters.compactMap { o, v -> (Int, UInt64)? in
            guard case .register(let t, let r) = o else { return nil }
            return (t * HerdRegister.count + r.index, UInt64(bitPattern: v) & r.width.mask)
        }
        var result = HerdLitmusResult(test: self)
        let readers: [(UnsafePointer<UInt64>, UnsafePointer<UInt64>) -> UInt64] = result.observables.map { o in
            switch o {
            case .register(let t, let r):
                let i = t * HerdRegister.count + r.index
                return { _, regs in regs[i] & r.width.mask }
            case .location(let x):
                let i = slot[x]!, mask = width(of: x).mask
                return { memory, _ in memory[i] & mask }
            }
        }
        result.totals = explorer.explore(threads: bodies, reset: { memory, regs in
            for (i, v) in initialMemory { memory[i] = v }
            for (i, v) in initialRegisters { regs[i] = v }
        }, record: { memory, regs in
            result.counts[LitmusOutcome(readers.map { $0(memory, regs) }), default: 0] += 1
        })
        return result
    }
}
