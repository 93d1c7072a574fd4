/// The guest workload (config section `workload`): which frame each access
/// touches and whether it writes. The config file and the runners share
/// this one type; `WorkloadSampler` compiles it for the vCPU loop.
public struct WorkloadSpec: Hashable, Sendable {
    /// uniform, hotset or zipf. Key `pattern`, default hotset.
    public var pattern: WorkloadPattern = .hotset
    /// Fraction of guest accesses that are writes, 0 ... 1. Key `write_ratio`, default 0.5.
    public var writeRatio: Double = 0.5
    /// Size of the hot set (pattern hotset), 1 ... guest frames. Key `hot_frames`, default 64.
    public var hotFrames: Int = 64
    /// Fraction of accesses that go to the hot set (pattern hotset), 0 ... 1.
    /// Key `hot_ratio`, default 0.9.
    public var hotRatio: Double = 0.9
    /// The Zipf exponent s (pattern zipf), greater than 0, at most 10. Key `zipf_s`, default 1.1.
    public var zipfS: Double = 1.1
    public init() {}
}

/// A per-thread sampler compiled from a `WorkloadSpec`: integer thresholds,
/// no floating point and no allocation per access.
public struct WorkloadSampler {
    let frames: Int
    let hotFrames: Int
    let writeThreshold: UInt64
    let hotThreshold: UInt64
    let pattern: WorkloadPattern
    /// Zipf: cumulative distribution over frames, scaled to 2^32.
    let zipfCDF: UnsafeMutablePointer<UInt32>?

    public init(spec: WorkloadSpec, frames: Int) {
        self.frames = frames
        hotFrames = max(1, min(spec.hotFrames, frames))
        writeThreshold = WorkloadSampler.threshold(spec.writeRatio)
        hotThreshold = WorkloadSampler.threshold(spec.hotRatio)
        pattern = spec.pattern
        if spec.pattern == .zipf {
            let cdf = UnsafeMutablePointer<UInt32>.allocate(capacity: frames)
            var total = 0.0
            for i in 0..<frames { total += 1.0 / pow(Double(i + 1), spec.zipfS) }
            var acc = 0.0
            for i in 0..<frames {
                acc += 1.0 / pow(Double(i + 1), spec.zipfS) / total
                cdf[i] = UInt32(min(acc * 4_294_967_295.0, 4_294_967_295.0))
            }
            cdf[frames - 1] = .max
            zipfCDF = cdf
        } else {
            zipfCDF = nil
        }
    }

    static func threshold(_ p: Double) -> UInt64 {
        p >= 1 ? .max : UInt64(max(0, p) * 18_446_744_073_709_551_615.0)
    }

    public func deallocate() { zipfCDF?.deallocate() }

    /// The next access: a gfn and whether it writes.
    @inline(__always)
    public func next(_ rng: inout Xoshiro256StarStar) -> (gfn: Int, write: Bool) {
        let write = rng.next() <= writeThreshold && writeThreshold != 0
        switch pattern {
        case .uniform:
            return (rng.below(frames), write)
        case .hotset:
            if rng.next() <= hotThreshold { return (rng.below(hotFrames), write) }
            return (rng.below(frames), write)
        case .zipf:
            let u = UInt32(truncatingIfNeeded: rng.next() >> 32)
            var lo = 0, hi = frames - 1
            while lo < hi {
                let mid = (lo + hi) >> 1
                if zipfCDF![mid] < u { lo = mid + 1 } else { hi = mid }
            }
            return (lo, write)
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif
