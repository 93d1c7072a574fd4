/// What a recording run keeps for the timeline.
struct KeptExecution {
    let storage: VMStorage
    var vm: VM { storage.vm }
    /// Every thread's trace events, in time order.
    let events: [TraceEvent]
}
