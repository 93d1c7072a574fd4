/// A failing execution drawn the way seed 004 draws its three-vCPU race
///: one column per thread (VCPU 0 | VCPU 1 | ... | MMU),
/// one row per step, with what the step did and the spte, rmap-flag and
/// protection values it read or wrote; the violating step marked.
///
/// Only the steps that tell the story are drawn: those that touch the
/// violating gfn's sptes, its rmap flags (`PTE_LIST_WRITE_PROTECT`) or its
/// protection state, the store-buffer flushes of those words, the steps at
/// which a thread traced an event about the gfn (`fast:set-id`,
/// `wp:clear`, ...), the fences right next to such a step, and the
/// mmu-lock sections that contain one. Every other step is collapsed
/// (`... 37 steps`). `rows` is the same drawing as data, for the JSON report.
public struct Timeline: Sendable {
    /// Column titles, one per thread.
    public var columns: [String]
    public var rows: [TimelineRow]
    /// The recorded execution's every operation.
    public var stepLog: [SimStep]
    /// Interesting rows left out before the first row drawn.
    public var omittedRows: Int

    public init(columns: [String], rows: [TimelineRow], stepLog: [SimStep], omittedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.stepLog = stepLog
        self.omittedRows = omittedRows
    }

    /// Rows drawn at most (the last ones before and at the violation).
    public static let defaultMaxRows = 60

    /// Builds the timeline of a recorded execution (`SimExecutor.Options.recordSteps`)
    /// of `vm`, which must still hold the execution's final state.
    /// `violationTexts`: per violation, what the violating row says.
    public static func build(execution e: SimExecution, vm: VM, names: ThreadNames, layout: IdentificationLayout,
                             events: [TraceEvent], violationSteps: [UInt64], violationGFNs: [Int?],
                             violationTexts: [String] = [], memoryModel: SimMemoryModel = .tso,
                             maxRows: Int = defaultMaxRows) -> Timeline {
        var b = TimelineBuilder(vm: vm, names: names, layout: layout, memoryModel: memoryModel)
        return b.build(e, events: events, violationSteps: violationSteps, violationGFNs: violationGFNs,
                       violationTexts: violationTexts, maxRows: maxRows)
    }

    /// The column title of thread `t`: `VCPU 0`, `MMU` (or `MMU 0`, `MMU 1`).
    public static func columnTitle(_ t: Int, names: ThreadNames) -> String {
        if t < names.vcpus { return "VCPU \(t)" }
        if names.mmuThreads == 1 { return "MMU" }
        return "MMU \(t - names.vcpus)"
    }

    /// The drawing, columns `columnWidth` characters wide (cells wrap).
    public func render(columnWidth: Int = 44) -> String {
        let w = max(16, columnWidth)
        let stepWidth = max(6, String(rows.last?.step ?? 0).count + 3)
        var out: [String] = []
        func line(_ lead: String, _ cells: [String]) -> String {
            var s = lead.leftPadded(stepWidth) + " |"
            for c in cells { s += " " + c.rightPadded(w) + " |" }
            while s.last == " " || s.last == "|" { s.removeLast() }
            return s
        }
        out.append(line("step", columns))
        out.append(String(repeating: "-", count: stepWidth) + "-+"
                   + columns.map { _ in String(repeating: "-", count: w + 2) + "+" }.joined())
        if omittedRows > 0 { out.append(String(repeating: " ", count: stepWidth) + "   ... \(omittedRows) earlier row(s) not drawn") }
        for r in rows {
            if r.collapsedBefore > 0 {
                out.append(String(repeating: " ", count: stepWidth) + "   ... \(r.collapsedBefore) step\(r.collapsedBefore == 1 ? "" : "s")")
            }
            let wrapped = Timeline.wrap(r.text, width: w)
            for (k, piece) in wrapped.enumerated() {
                var cells = [String](repeating: "", count: columns.count)
                if r.thread < cells.count { cells[r.thread] = piece }
                let lead = k == 0 ? (r.violation ? ">> " : "") + String(r.step) : ""
                out.append(line(lead, cells))
            }
        }
        return out.joined(separator: "\n")
    }

    /// The rows as trace lines (a report's violation trace): `seq` is the
    /// step, the violating row is marked.
    public var traceLines: [TraceLine] {
        rows.map { TraceLine(seq: $0.step, thread: $0.threadName, event: $0.text, isViolation: $0.violation) }
    }

    /// Word-wraps `text` into lines of at most `width` characters.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var word = String(word)
            while word.count > width {
                if !current.isEmpty { lines.append(current); current = "" }
                lines.append(String(word.prefix(width)))
                word = String(word.dropFirst(width))
            }
            if current.isEmpty {
                current = word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}

/// One drawn step.
public struct TimelineRow: Sendable, Equatable, Codable {
    /// The global step (`SimPlatform.timestamp()`).
    public var step: UInt64
    /// The thread index (its column).
    public var thread: Int
    /// The thread's name as traces print it: `vcpu0`, `mmu0`.
    public var threadName: String
    /// What the step did, with the values it read and wrote, and the trace
    /// events the thread recorded at it in brackets.
    public var text: String
    /// The step at which a violation was reported.
    public var violation: Bool
    /// Steps collapsed between the previous drawn row and this one.
    public var collapsedBefore: UInt64

    public init(step: UInt64, thread: Int, threadName: String, text: String, violation: Bool, collapsedBefore: UInt64) {
        self.step = step
        self.thread = thread
        self.threadName = threadName
        self.text = text
        self.violation = violation
        self.collapsedBefore = collapsedBefore
    }

    enum CodingKeys: String, CodingKey {
        case step, thread, threadName = "thread_name", text, violation, collapsedBefore = "collapsed_before"
    }
}

// MARK: - building

/// What a word of the VM is, for naming it and its values.
enum TimelineAddress: Equatable {
    case spte(page: Int, index: Int, gfn: Int?)
    case rmapFlags(gfn: Int)
    case protection(gfn: Int)
    case pfnData(pfn: Int)
    case pfnDirty(pfn: Int)
    case pfnRefcount(pfn: Int)
    case wClearEvent(gfn: Int)
    case dirtyBitmap(gfn: Int)
    case hostPT(gfn: Int)
    case swap(gfn: Int)
    case destination(gfn: Int)
    case vcpuMode(Int)
    case vcpuRequests(Int)
    case header(page: Int, word: Int)
    case global(Int)
    case mmuLock
    case other(UInt)

    var gfn: Int? {
        switch self {
        case .spte(_, _, let g): return g
        case .rmapFlags(let g), .protection(let g), .dirtyBitmap(let g), .hostPT(let g), .swap(let g), .destination(let g):
            return g
        default: return nil
        }
    }
}

struct TimelineBuilder {
    let vm: VM
    let names: ThreadNames
    let layout: IdentificationLayout
    let memoryModel: SimMemoryModel
    var cache: [UInt: TimelineAddress] = [:]

    init(vm: VM, names: ThreadNames, layout: IdentificationLayout, memoryModel: SimMemoryModel) {
        self.vm = vm
        self.names = names
        self.layout = layout
        self.memoryModel = memoryModel
    }

    static func region(_ p: UnsafeMutablePointer<UInt64>, _ a: UInt, count: Int) -> Int? {
        let base = UInt(bitPattern: p)
        guard a >= base, a < base + UInt(count * 8) else { return nil }
        return Int((a - base) / 8)
    }

    /// The gfn a leaf spte slot maps, from the page's header as it stands.
    func leafGFN(page: Int, index: Int) -> Int? {
        guard vm.header(page, SPHeader.magic).pointee == SPHeader.liveMagic else { return nil }
        let role = ShadowPageRole(raw: vm.header(page, SPHeader.role).pointee)
        guard role.level == 1 else { return nil }
        let gfn: UInt64
        if role.direct {
            gfn = directPageGFN(baseGFN: vm.header(page, SPHeader.gfn).pointee, role: role, index: index)
        } else {
            let slot = Int(vm.header(page, SPHeader.gfnsSlot).pointee)
            guard slot >= 1 else { return nil }
            gfn = vm.gfnsArena[(slot - 1) * 512 + index]
        }
        return gfn < UInt64(vm.frames) ? Int(gfn) : nil
    }

    mutating func classify(_ a: UInt) -> TimelineAddress {
        if let c = cache[a] { return c }
        let c: TimelineAddress
        if let i = TimelineBuilder.region(vm.sptes, a, count: vm.pageCount * 512) {
            c = .spte(page: i / 512, index: i % 512, gfn: leafGFN(page: i / 512, index: i % 512))
        } else if let g = TimelineBuilder.region(vm.rmapFlags, a, count: vm.frames) {
            c = .rmapFlags(gfn: g)
        } else if let g = TimelineBuilder.region(vm.protection, a, count: vm.frames) {
            c = .protection(gfn: g)
        } else if let pfn = TimelineBuilder.region(vm.pfnData, a, count: vm.pfnCount) {
            c = .pfnData(pfn: pfn)
        } else if let pfn = TimelineBuilder.region(vm.pfnDirty, a, count: vm.pfnCount) {
            c = .pfnDirty(pfn: pfn)
        } else if let pfn = TimelineBuilder.region(vm.pfnRefcount, a, count: vm.pfnCount) {
            c = .pfnRefcount(pfn: pfn)
        } else if let g = TimelineBuilder.region(vm.wClearEvent, a, count: vm.frames) {
            c = .wClearEvent(gfn: g)
        } else if let g = TimelineBuilder.region(vm.dirtyBitmap, a, count: vm.frames) {
            c = .dirtyBitmap(gfn: g)
        } else if let g = TimelineBuilder.region(vm.hostPT, a, count: vm.frames) {
            c = .hostPT(gfn: g)
        } else if let g = TimelineBuilder.region(vm.swap, a, count: vm.frames) {
            c = .swap(gfn: g)
        } else if let g = TimelineBuilder.region(vm.destination, a, count: vm.frames) {
            c = .destination(gfn: g)
        } else if let w = TimelineBuilder.region(vm.vcpuShared, a, count: vm.vcpuCount * VM.VCPUWord.stride) {
            let v = w / VM.VCPUWord.stride
            c = w % VM.VCPUWord.stride == VM.VCPUWord.mode ? .vcpuMode(v) : .vcpuRequests(v)
        } else if let w = TimelineBuilder.region(vm.headers, a, count: vm.pageCount * SPHeader.words) {
            c = .header(page: w / SPHeader.words, word: w % SPHeader.words)
        } else if let w = TimelineBuilder.region(vm.globals, a, count: VM.Global.words) {
            c = .global(w)
        } else if a == UInt(bitPattern: vm.mmuLock.owner) {
            c = .mmuLock
        } else {
            c = .other(a)
        }
        cache[a] = c
        return c
    }

    func name(_ c: TimelineAddress) -> String {
        switch c {
        case .spte(let page, let index, let gfn):
            return gfn.map { "spte(gfn \($0))" } ?? "spte[page \(page) #\(index)]"
        case .rmapFlags(let g): return "rmap(gfn \(g)).flags"
        case .protection(let g): return "protection(gfn \(g))"
        case .pfnData(let pfn): return "page(pfn \(pfn))"
        case .pfnDirty(let pfn): return "page(pfn \(pfn)).dirty"
        case .pfnRefcount(let pfn): return "page(pfn \(pfn)).refcount"
        case .wClearEvent(let g): return "w_clear_event(gfn \(g))"
        case .dirtyBitmap(let g): return "dirty_bitmap(gfn \(g))"
        case .hostPT(let g): return "host_pt(gfn \(g))"
        case .swap(let g): return "swap(gfn \(g))"
        case .destination(let g): return "destination(gfn \(g))"
        case .vcpuMode(let v): return "vcpu\(v).mode"
        case .vcpuRequests(let v): return "vcpu\(v).requests"
        case .header(let page, let word): return "page \(page) header[\(word)]"
        case .global(let w):
            switch w {
            case VM.Global.mmuValidGen: return "mmu_valid_gen"
            case VM.Global.notifierSeq: return "mmu_notifier_seq"
            case VM.Global.notifierCount: return "mmu_notifier_count"
            case VM.Global.stop: return "stop"
            case VM.Global.mmuEvent: return "mmu_event"
            case VM.Global.lastFlushStart: return "last_flush_start"
            default: return "global[\(w)]"
            }
        case .mmuLock: return "mmu-lock"
        case .other(let a): return "0x" + String(a, radix: 16)
        }
    }

    func value(_ v: UInt64, at c: TimelineAddress) -> String {
        switch c {
        case .spte:
            return SPTE.describe(v, layout: layout)
        case .rmapFlags:
            return v & VM.pteListWriteProtect != 0 ? "PTE_LIST_WRITE_PROTECT" : "0 (no PTE_LIST_WRITE_PROTECT)"
        case .protection:
            switch v {
            case VM.Protection.none: return "none"
            case VM.Protection.protecting: return "protecting"
            case VM.Protection.protected: return "protected"
            default: return String(v)
            }
        case .hostPT:
            return v == 0 ? "unmapped" : "pfn \(v - 1)"
        case .vcpuMode:
            return v == VM.modeInGuest ? "in-guest" : "outside-guest"
        case .vcpuRequests:
            var parts: [String] = []
            if v & VM.requestTLBFlush != 0 { parts.append("TLB_FLUSH") }
            if v & VM.requestMMUReload != 0 { parts.append("MMU_RELOAD") }
            return parts.isEmpty ? "0" : parts.joined(separator: "|")
        default:
            return v < 4096 ? String(v) : "0x" + String(v, radix: 16)
        }
    }

    /// One operation in words.
    mutating func describe(_ s: SimStep) -> String {
        let c = classify(s.address)
        let n = name(c)
        let buffered = memoryModel == .tso ? " (buffered)" : ""
        switch s.op {
        case .load:
            return "load \(n) = \(value(s.read, at: c))"
        case .store:
            return "store \(n) := \(value(s.written, at: c))\(buffered)"
        case .storeTopByte:
            if case .spte = c {
                let id = layout.identification(of: s.written)
                return "store id \(id) into \(n) (one byte)\(buffered)"
            }
            return "store top byte \(n) := 0x\(String(s.written >> 56, radix: 16))\(buffered)"
        case .compareExchange:
            if s.written == s.read { return "cmpxchg \(n) fails: found \(value(s.read, at: c))" }
            return "cmpxchg \(n): \(value(s.read, at: c)) -> \(value(s.written, at: c))"
        case .exchange, .fetchOr, .fetchAnd, .fetchAdd:
            return "\(s.op.name) \(n): \(value(s.read, at: c)) -> \(value(s.written, at: c))"
        case .ghostAdd:
            return "checker's record: \(n) += \(Int64(bitPattern: s.written))\(buffered)"
        case .ghostOr:
            return "checker's record: \(n) |= \(value(s.written, at: c))\(buffered)"
        case .flush:
            return "store buffer -> memory: \(n) = \(value(s.written, at: c))"
        case .fullBarrier: return "smp_mb (mfence)"
        case .lock: return "lock mmu-lock"
        case .unlock: return "unlock mmu-lock"
        case .rcuReadLock: return "rcu_read_lock"
        case .rcuReadUnlock: return "rcu_read_unlock"
        case .synchronizeBegin: return "synchronize_rcu begins"
        case .synchronizeEnd: return "synchronize_rcu ends"
        case .relax: return "spin"
        case .inFlight: return "guest access in flight"
        case .perturb: return "perturbation point \(PerturbPoint(rawValue: Int(s.read))?.name ?? String(s.read))"
        case .finish: return "returns"
        }
    }

    /// One step of one thread: its operation and the flushes that its
    /// fence or locked instruction drained first (same step, same thread).
    struct Cell {
        var step: UInt64
        var thread: Int
        var entries: [SimStep]
        var relevant = false
        var keep = false
        var events: [TraceEvent] = []
        var violation = false
        var main: SimStep { entries[entries.count - 1] }
    }

    static let storyEvents: Set<EventKind> = [
        .fastSetID, .fastFlagSeen, .fastFixed, .fastRetry, .fastSpurious, .fastToSlow, .slowInstall, .slowEmulate,
        .wpFlagSet, .wpClear, .wpDone, .unprotect, .dirtyLogWP, .guestWrite, .violation, .fault,
        .tdpInstall, .tdpFrozen, .tdpUnfrozen, .tdpZapLeaf, .tdpYield, .tdpRootInvalidated, .tdpPTRemoved, .tdpRetry,
    ]

    mutating func build(_ e: SimExecution, events: [TraceEvent], violationSteps: [UInt64], violationGFNs: [Int?],
                        violationTexts: [String], maxRows: Int) -> Timeline {
        let columns = (0..<(names.vcpus + names.mmuThreads)).map { Timeline.columnTitle($0, names: names) }
        let end = violationSteps.first ?? e.steps
        // The story's gfn: the violation's, else the last one an event names.
        var focus = Set(violationGFNs.prefix(1).compactMap { $0 })
        if focus.isEmpty, let g = events.last(where: { $0.time <= end && Int64(bitPattern: $0.gfn) >= 0 }) {
            focus.insert(Int(truncatingIfNeeded: g.gfn))
        }
        // Every host page that backed those gfns: gfn g starts on pfn g,
        // and every store to its host page-table entry names another.
        var focusPFNs = Set(focus.filter { $0 < vm.pfnCount })
        for s in e.stepLog where s.op == .store || s.op == .flush {
            if case .hostPT(let g) = classify(s.address), focus.contains(g), s.written != 0 {
                focusPFNs.insert(Int(s.written - 1))
            }
        }

        // Cells, in order, up to the end of the violating step.
        var cells: [Cell] = []
        for s in e.stepLog where s.step <= end {
            if let last = cells.indices.last, cells[last].step == s.step, cells[last].thread == s.thread,
               cells[last].main.op == .flush {
                cells[last].entries.append(s)
            } else {
                cells.append(Cell(step: s.step, thread: s.thread, entries: [s]))
            }
        }
        var index: [UInt64: [Int]] = [:]
        for (i, c) in cells.enumerated() { index[c.step, default: []].append(i) }
        for ev in events where ev.time <= end {
            guard let candidates = index[ev.time] else { continue }
            guard let i = candidates.last(where: { cells[$0].thread == Int(ev.thread) }) else { continue }
            cells[i].events.append(ev)
            if ev.kind == EventKind.violation.rawValue { cells[i].violation = true }
        }

        // Relevance.
        for i in cells.indices {
            var relevant = cells[i].violation
            for s in cells[i].entries where !relevant {
                let c = classify(s.address)
                switch c {
                case .spte, .rmapFlags:
                    if let g = c.gfn, focus.contains(g) { relevant = true }
                case .protection(let g), .dirtyBitmap(let g), .hostPT(let g), .swap(let g), .destination(let g):
                    if focus.contains(g) && s.op != .load { relevant = true }
                case .pfnData(let pfn), .pfnDirty(let pfn):
                    if focusPFNs.contains(pfn) && s.op != .load { relevant = true }
                default:
                    break
                }
            }
            if !relevant {
                relevant = cells[i].events.contains { ev in
                    guard let k = EventKind(rawValue: ev.kind), TimelineBuilder.storyEvents.contains(k) else { return false }
                    return focus.contains(Int(truncatingIfNeeded: ev.gfn))
                }
            }
            cells[i].relevant = relevant
            cells[i].keep = relevant
        }
        // Context: fences next to a relevant step of the same thread, and
        // the mmu-lock sections around relevant steps.
        var byThread: [Int: [Int]] = [:]
        for (i, c) in cells.enumerated() { byThread[c.thread, default: []].append(i) }
        for (_, list) in byThread {
            for (k, i) in list.enumerated() where cells[i].main.op == .fullBarrier {
                let before = k > 0 && cells[list[k - 1]].relevant
                let after = k + 1 < list.count && cells[list[k + 1]].relevant
                if before || after { cells[i].keep = true }
            }
            var open: Int?
            var sawRelevant = false
            for i in list {
                switch cells[i].main.op {
                case .lock:
                    open = i
                    sawRelevant = false
                case .unlock:
                    if let o = open, sawRelevant { cells[o].keep = true; cells[i].keep = true }
                    open = nil
                default:
                    if cells[i].relevant { sawRelevant = true }
                }
            }
            if let o = open, sawRelevant { cells[o].keep = true }
        }

        // Rows.
        var rows: [TimelineRow] = []
        var previousStep: UInt64 = 0
        var textByStep: [UInt64: String] = [:]
        for (step, text) in zip(violationSteps, violationTexts) where textByStep[step] == nil { textByStep[step] = text }
        for c in cells where c.keep {
            var parts: [String] = []
            let drained = c.entries.dropLast()
            if !drained.isEmpty {
                var shown: [String] = []
                for s in drained {
                    let a = classify(s.address)
                    if let g = a.gfn, focus.contains(g) { shown.append(describe(s)) }
                }
                let hidden = drained.count - shown.count
                if !shown.isEmpty { parts.append(shown.joined(separator: "; ")) }
                if hidden > 0 { parts.append("(drains \(hidden) other store\(hidden == 1 ? "" : "s"))") }
            }
            let mainOnFocus = classify(c.main.address).gfn.map(focus.contains) ?? false
            let story = c.events.filter { $0.kind != EventKind.violation.rawValue }
            if mainOnFocus || story.isEmpty || c.main.op == .lock || c.main.op == .unlock || c.main.op == .fullBarrier {
                parts.append(describe(c.main))
                let tags = story.compactMap { EventKind(rawValue: $0.kind)?.name }
                if !tags.isEmpty { parts.append("[" + tags.joined(separator: ", ") + "]") }
            } else {
                // The step's own operation touches nothing of the story: say
                // what the thread recorded instead.
                parts.append(story.map { TraceRenderer.describe($0, names: names, layout: layout) }.joined(separator: "; "))
            }
            if c.violation {
                parts.append("=> VIOLATION: " + (textByStep[c.step] ?? "an invariant is violated"))
            }
            let gap = c.step > previousStep + 1 ? c.step - previousStep - 1 : 0
            rows.append(TimelineRow(step: c.step, thread: c.thread, threadName: names.name(c.thread),
                                    text: parts.joined(separator: " "), violation: c.violation,
                                    collapsedBefore: rows.isEmpty ? 0 : gap))
            previousStep = c.step
        }
        // Violations found by the end-of-execution checks (all threads done).
        for (k, step) in violationSteps.enumerated() where step >= e.steps && !rows.contains(where: { $0.violation }) {
            let text = k < violationTexts.count ? violationTexts[k] : "an invariant is violated"
            rows.append(TimelineRow(step: step, thread: names.vcpus, threadName: "main",
                                    text: "end of execution, every thread done: the final checks => VIOLATION: \(text)",
                                    violation: true, collapsedBefore: step > previousStep + 1 ? step - previousStep - 1 : 0))
            break
        }
        var omitted = 0
        if rows.count > maxRows {
            omitted = rows.count - maxRows
            rows.removeFirst(omitted)
            rows[0].collapsedBefore = 0
        }
        return Timeline(columns: columns, rows: rows, stepLog: e.stepLog, omittedRows: omitted)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
    func rightPadded(_ n: Int) -> String { count >= n ? self : self + String(repeating: " ", count: n - count) }
}
