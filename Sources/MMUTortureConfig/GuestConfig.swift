import MMUTortureCore

/// The modelled guest: its memory size and paging mode (config key `guest`).
public struct GuestConfig: Codable, Equatable, Hashable, Sendable {
    /// Guest frames (gfns `0 ..< frames`), 16 ... 1<<20. Key `frames`, default 4096.
    public var frames: Int
    /// Paging mode: tdp, shadow or shadow32. Key `paging`, default tdp.
    public var paging: PagingMode

    /// A guest section; every argument defaults to its documented default.
    public init(frames: Int = 4096, paging: PagingMode = .tdp) {
        self.frames = frames
        self.paging = paging
    }

    enum CodingKeys: String, CodingKey {
        case frames, paging
    }

    public init(from decoder: Decoder) throws {
        let defaults = GuestConfig()
        let c = try decoder.container(keyedBy: CodingKeys.self)
        frames = try c.decodeIfPresent(Int.self, forKey: .frames) ?? defaults.frames
        paging = try c.decodeIfPresent(PagingMode.self, forKey: .paging) ?? defaults.paging
    }
}
