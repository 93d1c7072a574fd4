import URCUShim

/// Where the native runner's threads run (config key `placement`).
///
/// The store-buffer races need their two threads on CPUs at the same time;
/// left to the OS, four vCPUs and an mmu-lock thread on two cores spend much
/// of their time descheduled, and each thread wanders between CPUs.
public enum Placement: String, CaseIterable, Sendable {
    /// The OS places every thread (no affinity set).
    case os
    /// Each thread is pinned to one of the CPUs the process may use, round
    /// robin: the mmu-lock threads first, then the vCPUs, so that with as
    /// many CPUs as mmu threads + 1 every vCPU runs beside an mmu thread.
    case roundRobin = "round-robin"

    /// The CPU for thread `index` of the runner's order (vCPUs first, then
    /// the mmu-lock threads), or nil to leave it to the OS.
    public func cpu(forThread index: Int, vcpus: Int, mmuThreads: Int, allowed: [Int32]) -> Int32? {
        guard self == .roundRobin, !allowed.isEmpty else { return nil }
        let slot = index < vcpus ? mmuThreads + index : index - vcpus
        return allowed[slot % allowed.count]
    }

    /// The CPUs this process may run on.
    public static var allowedCPUs: [Int32] {
        var cpus = [Int32](repeating: 0, count: 1024)
        let n = Int(mmut_allowed_cpus(&cpus, Int32(cpus.count)))
        return Array(cpus.prefix(min(n, cpus.count)))
    }

    /// Pins the calling thread to `cpu`; false when the kernel refuses.
    @discardableResult
    public static func pin(toCPU cpu: Int32) -> Bool { mmut_pin_to_cpu(cpu) == 0 }
}
