import MMUTortureCore

/// How the vCPUs pick the gfns they access (config key `workload`).
public struct WorkloadConfig: Codable, Equatable, Hashable, Sendable {
    /// Fraction of guest accesses that are writes, 0 ... 1. Key `write_ratio`, default 0.5.
    public var writeRatio: Double
    /// uniform, hotset or zipf. Key `pattern`, default hotset.
    public var pattern: WorkloadPattern
    /// Size of the hot set (pattern hotset), 1 ... guest frames. Key `hot_frames`, default 64.
    public var hotFrames: Int
    /// Fraction of accesses that go to the hot set (pattern hotset), 0 ... 1.
    /// Key `hot_ratio`, default 0.9.
    public var hotRatio: Double
    /// The Zipf exponent s (pattern zipf), greater than 0, at most 10. Key `zipf_s`, default 1.1.
    public var zipfS: Double

    /// A workload section; every argument defaults to its documented default.
    public init(writeRatio: Double = 0.5, pattern: WorkloadPattern = .hotset, hotFrames: Int = 64,
                hotRatio: Double = 0.9, zipfS: Double = 1.1) {
        self.writeRatio = writeRatio
        self.pattern = pattern
        self.hotFrames = hotFrames
        self.hotRatio = hotRatio
        self.zipfS = zipfS
    }

    enum CodingKeys: String, CodingKey {
        case writeRatio = "write_ratio"
        case pattern
        case hotFrames = "hot_frames"
        case hotRatio = "hot_ratio"
        case zipfS = "zipf_s"
    }

    public init(from decoder: Decoder) throws {
        let d = WorkloadConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        writeRatio = try c.decodeIfPresent(Double.self, forKey: .writeRatio) ?? d.writeRatio
        pattern = try c.decodeIfPresent(WorkloadPattern.self, forKey: .pattern) ?? d.pattern
        hotFrames = try c.decodeIfPresent(Int.self, forKey: .hotFrames) ?? d.hotFrames
        hotRatio = try c.decodeIfPresent(Double.self, forKey: .hotRatio) ?? d.hotRatio
        zipfS = try c.decodeIfPresent(Double.self, forKey: .zipfS) ?? d.zipfS
    }
}
