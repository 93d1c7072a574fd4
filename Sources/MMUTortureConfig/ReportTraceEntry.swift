/// One event of a violation's trace: the threads' recent events merged in
/// global order (JSON `{"seq": 17, "thread": "vcpu2", "event": "..."}`).
public struct ReportTraceEntry: Codable, Equatable, Sendable {
    /// Position in the global order of events.
    public var seq: UInt64
    /// The thread that did it: `vcpu2`, `mmu0`, `main`.
    public var thread: String
    /// What it did, in words.
    public var event: String

    /// An entry; see the properties.
    public init(seq: UInt64, thread: String, event: String) {
        self.seq = seq
        self.thread = thread
        self.event = event
    }
}
