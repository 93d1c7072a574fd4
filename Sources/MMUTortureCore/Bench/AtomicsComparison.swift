import Atomics

/// swift-atomics' `UnsafeAtomic` on raw memory, for the side-by-side
/// comparison with the shim's `__atomic` builtins (kept in its own file:
/// `Atomics` and `Synchronization` clash when imported together).
public enum AtomicsComparison {
    public static func unsafeAtomicCmpxchg(iterations: Int) -> Double {
        let storage = UnsafeMutablePointer<UnsafeAtomic<UInt64>.Storage>.allocate(capacity: 1)
        storage.initialize(to: UnsafeAtomic<UInt64>.Storage(0))
        defer { storage.deallocate() }
        let a = UnsafeAtomic<UInt64>(at: storage)
        return Microbench.measure(iterations: iterations) { n in
            for i in 0..<n {
                _ = a.compareExchange(expected: UInt64(i), desired: UInt64(i + 1), ordering: Atomics.AtomicUpdateOrdering.sequentiallyConsistent)
            }
        }
    }
}
