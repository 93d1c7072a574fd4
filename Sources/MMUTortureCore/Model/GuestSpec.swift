/// The modelled guest (config section `guest`): its memory size and paging mode.
public struct GuestSpec: Hashable, Sendable {
    /// Guest frames (gfns `0 ..< frames`), 16 ... 1<<20. Key `frames`, default 4096.
    public var frames = 4096
    /// Paging mode: tdp, shadow or shadow32. Key `paging`, default tdp.
    public var paging: PagingMode = .tdp

    public init() {}
}
