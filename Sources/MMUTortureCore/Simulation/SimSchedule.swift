/// A recorded schedule: every decision an execution took at a point where
/// more than one choice was enabled, in order, plus the seed of the data
/// stream. Forced decisions (one enabled choice) are not recorded: replaying
/// the same program reaches the same forced points and takes them again.
///
/// ## The schedule string
///
///     s1.<threads>.<data seed>.<decisions>
///
/// - `s1`: format version.
/// - `<threads>`: the number of simulated threads, decimal.
/// - `<data seed>`: `SimScheduler.dataSeed`, base 36 (lowercase).
/// - `<decisions>`: a run-length list of tokens, each a choice followed by
///   an optional decimal repeat count (omitted when 1):
///   - `a`...`z`: thread 0...25 performs its next operation;
///   - `A`...`Z`: the oldest store-buffer entry of thread 0...25 reaches memory;
///   - `(17)` / `[17]`: the same for any thread number (used from 26 up).
///
/// Example: `s1.3.2n9c.a4cB2b` = three threads, data seed 0x2n9c (base 36):
/// thread 0 four times, thread 2, two flushes of thread 1's buffer, thread 1.
/// Whitespace inside the decisions is ignored, so long strings may be wrapped.
public struct SimSchedule: Equatable, Sendable, CustomStringConvertible {
    /// A choice taken `count` times in a row.
    public struct Run: Equatable, Sendable {
        public var choice: SimChoice
        public var count: Int
        public init(choice: SimChoice, count: Int) { self.choice = choice; self.count = count }
    }

    public static let version = "s1"

    public var threadCount: Int
    public var dataSeed: UInt64
    public var runs: [Run]

    public init(threadCount: Int, dataSeed: UInt64, runs: [Run] = []) {
        self.threadCount = threadCount
        self.dataSeed = dataSeed
        self.runs = runs
    }

    /// Builds a schedule from a flat list of decisions.
    public init(threadCount: Int, dataSeed: UInt64, decisions: [SimChoice]) {
        self.init(threadCount: threadCount, dataSeed: dataSeed)
        for d in decisions { append(d) }
    }

    /// Appends one decision (merging it into the last run when equal).
    @inline(__always)
    public mutating func append(_ c: SimChoice) {
        if let last = runs.indices.last, runs[last].choice == c {
            runs[last].count &+= 1
        } else {
            runs.append(Run(choice: c, count: 1))
        }
    }

    /// The number of recorded decisions.
    public var decisionCount: Int { runs.reduce(0) { $0 + $1.count } }

    /// The decisions, expanded.
    public var decisions: [SimChoice] {
        var out: [SimChoice] = []
        out.reserveCapacity(decisionCount)
        for r in runs { out.append(contentsOf: repeatElement(r.choice, count: r.count)) }
        return out
    }

    /// The schedule string (see the type's documentation).
    public var description: String {
        var s = "\(SimSchedule.version).\(threadCount).\(String(dataSeed, radix: 36))."
        for r in runs {
            let t = r.choice.thread
            if t < 26 {
                let base = r.choice.isFlush ? UInt8(ascii: "A") : UInt8(ascii: "a")
                s.unicodeScalars.append(Unicode.Scalar(base + UInt8(t)))
            } else {
                s += r.choice.isFlush ? "[\(t)]" : "(\(t))"
            }
            if r.count != 1 { s += String(r.count) }
        }
        return s
    }

    /// A malformed schedule string.
    public struct ParseError: Error, CustomStringConvertible, Equatable {
        public let message: String
        public var description: String { "schedule string: \(message)" }
    }

    /// Parses a schedule string (see the type's documentation).
    public init(parsing text: String) throws {
        let trimmed = text.drop(while: \.isWhitespace)
        let parts = trimmed.split(separator: ".", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4 else {
            throw ParseError(message: "expected '\(SimSchedule.version).<threads>.<seed>.<decisions>'")
        }
        guard parts[0] == SimSchedule.version[...] else {
            throw ParseError(message: "unknown version '\(parts[0])' (this build reads '\(SimSchedule.version)')")
        }
        guard let n = Int(parts[1]), n >= 1, n <= 64 else {
            throw ParseError(message: "thread count '\(parts[1])' is not a number in 1...64")
        }
        guard let seed = UInt64(parts[2], radix: 36) else {
            throw ParseError(message: "data seed '\(parts[2])' is not a base-36 number")
        }
        self.init(threadCount: n, dataSeed: seed)
        let body = Array(parts[3].utf8)
        var i = 0
        func number() -> Int? {
            var v = 0, digits = 0
            while i < body.count, body[i] >= UInt8(ascii: "0"), body[i] <= UInt8(ascii: "9") {
                v = v &* 10 &+ Int(body[i] - UInt8(ascii: "0"))
                digits += 1
                i += 1
                if digits > 18 { return nil }
            }
            return digits == 0 ? nil : v
        }
        while i < body.count {
            let c = body[i]
            let choice: SimChoice
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
                continue
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                choice = .run(Int(c - UInt8(ascii: "a"))); i += 1
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                choice = .flush(Int(c - UInt8(ascii: "A"))); i += 1
            case UInt8(ascii: "("), UInt8(ascii: "["):
                i += 1
                let close = c == UInt8(ascii: "(") ? UInt8(ascii: ")") : UInt8(ascii: "]")
                guard let t = number(), i < body.count, body[i] == close else {
                    throw ParseError(message: "bad thread number at offset \(i) of the decisions")
                }
                i += 1
                choice = c == UInt8(ascii: "(") ? .run(t) : .flush(t)
            default:
                throw ParseError(message: "unexpected '\(Unicode.Scalar(c))' at offset \(i) of the decisions")
            }
            guard choice.thread < n else {
                throw ParseError(message: "\(choice) names a thread past the thread count \(n)")
            }
            var count = 1
            if i < body.count, body[i] >= UInt8(ascii: "0"), body[i] <= UInt8(ascii: "9") {
                guard let k = number(), k >= 1 else {
                    throw ParseError(message: "bad repeat count at offset \(i) of the decisions")
                }
                count = k
            }
            if let last = runs.indices.last, runs[last].choice == choice {
                runs[last].count += count
            } else {
                runs.append(Run(choice: choice, count: count))
            }
        }
    }
}
