/// The size of one execution: what shrinking makes smaller, and what a
/// replay needs besides the schedule and the parameters.
public struct ExecutionShape: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var vcpus: Int
    public var accessesPerVCPU: UInt64
    public var mmuOperations: Int
    /// The workload stream of each vCPU: vCPU i draws its accesses from
    /// stream `vcpuStreams[i]` of the schedule's data seed. nil: stream i.
    /// (Shrinking removes a vCPU from the middle and keeps the others' workloads.)
    public var vcpuStreams: [Int]?

    public init(vcpus: Int, accessesPerVCPU: UInt64, mmuOperations: Int, vcpuStreams: [Int]? = nil) {
        self.vcpus = vcpus
        self.accessesPerVCPU = accessesPerVCPU
        self.mmuOperations = mmuOperations
        self.vcpuStreams = vcpuStreams
        normalize()
    }

    /// vCPU i's workload stream.
    @inline(__always)
    public func stream(_ i: Int) -> Int { vcpuStreams.map { i < $0.count ? $0[i] : i } ?? i }

    /// nil when the streams are 0, 1, 2, ... (so equal shapes compare equal).
    mutating func normalize() {
        if let s = vcpuStreams, s == Array(0..<s.count) && s.count >= vcpus { vcpuStreams = nil }
    }

    /// This shape without vCPU `r`: the later vCPUs move down one and keep their streams.
    public func removingVCPU(_ r: Int) -> ExecutionShape {
        var streams = (0..<vcpus).map(stream)
        streams.remove(at: r)
        var s = self
        s.vcpus -= 1
        s.vcpuStreams = streams
        s.normalize()
        return s
    }

    public var description: String {
        var d = "\(vcpus) vCPU\(vcpus == 1 ? "" : "s") x \(accessesPerVCPU) accesses, \(mmuOperations) mmu operations"
        if let s = vcpuStreams { d += " (workload streams " + s.prefix(vcpus).map(String.init).joined(separator: ",") + ")" }
        return d
    }
}
