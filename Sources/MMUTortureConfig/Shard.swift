import Foundation

/// One shard of a campaign: `--shard K/N` (the README, "Scale-out").
///
/// A campaign's runs, numbered 0 ..< R in campaign order (scenarios ×
/// repeats; mutants × seeds, then the correct protocols × seeds, for
/// `mutants verify`), are dealt out round robin: run `i` belongs to shard
/// `i % N`. Every run lands in exactly one shard, a run keeps the seed it
/// has in the unsharded campaign, and consecutive repeats of one long
/// scenario spread over the shards instead of piling onto one.
public struct ShardSpec: Codable, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// K, 0-based.
    public var index: Int
    /// N, at least 1.
    public var count: Int

    /// A shard; throws `ShardError` unless 0 <= index < count.
    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError("the shard count must be at least 1, got \(count)") }
        guard index >= 0 && index < count else {
            throw ShardError("the shard index must be in 0...\(count - 1) (0-based), got \(index)")
        }
        self.index = index
        self.count = count
    }

    /// Parses `K/N`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError("expected K/N (shard K of N, 0-based), got '\(text)'")
        }
        try self.init(index: k, count: n)
    }

    /// `K/N`.
    public var description: String { "\(index)/\(count)" }

    /// Whether run `runIndex` of the campaign belongs to this shard.
    public func contains(run runIndex: Int) -> Bool {
        runIndex % count == index
    }

    /// The indices of this shard's runs among `total` runs, in order.
    public func runs(of total: Int) -> [Int] {
        Array(stride(from: index, to: total, by: count))
    }

    /// The shard to run, and where it came from (`--shard`, or the name of
    /// the environment variable), or nil to run the whole campaign.
    ///
    /// In order: the flag; a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`
    /// with N from `shards` (`--shards N`) or `MMUTORTURE_SHARDS`; a Slurm
    /// job array's `SLURM_ARRAY_TASK_ID` (less `SLURM_ARRAY_TASK_MIN`, so
    /// `--array=1-4` works too) of `SLURM_ARRAY_TASK_COUNT`; GitLab's
    /// `parallel:` `CI_NODE_INDEX` (1-based) of `CI_NODE_TOTAL`.
    public static func resolve(flag: String?, shards: Int?, environment: [String: String])
        throws -> (spec: ShardSpec, source: String)? {
        if let flag {
            do { return (try ShardSpec(parsing: flag), "--shard") } catch let e as ShardError {
                throw ShardError("--shard: \(e.message)")
            }
        }
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            guard let n = Int(text) else { throw ShardError("\(name)=\(text): not a whole number") }
            return n
        }
        func make(_ k: Int, _ n: Int, _ what: String) throws -> ShardSpec {
            do { return try ShardSpec(index: k, count: n) } catch let e as ShardError {
                throw ShardError("\(what): \(e.message)")
            }
        }
        if let shards, shards < 1 { throw ShardError("--shards: must be at least 1, got \(shards)") }
        if let k = try number("JOB_COMPLETION_INDEX") {
            guard let n = try shards ?? number("MMUTORTURE_SHARDS") else {
                throw ShardError("JOB_COMPLETION_INDEX=\(k) (a Kubernetes Indexed Job) needs the shard count: "
                                 + "pass --shards N or set MMUTORTURE_SHARDS (the Job's completions)")
            }
            return (try make(k, n, "JOB_COMPLETION_INDEX=\(k) of \(n)"), "JOB_COMPLETION_INDEX")
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let n = try shards ?? number("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError("SLURM_ARRAY_TASK_ID=\(id) without SLURM_ARRAY_TASK_COUNT: pass --shards N")
            }
            let k = id - (try number("SLURM_ARRAY_TASK_MIN") ?? 0)
            return (try make(k, n, "SLURM_ARRAY_TASK_ID=\(id) of SLURM_ARRAY_TASK_COUNT=\(n)"), "SLURM_ARRAY_TASK_ID")
        }
        if let i = try number("CI_NODE_INDEX") {
            guard let n = try shards ?? number("CI_NODE_TOTAL") else {
                throw ShardError("CI_NODE_INDEX=\(i) without CI_NODE_TOTAL: pass --shards N")
            }
            return (try make(i - 1, n, "CI_NODE_INDEX=\(i) (1-based) of CI_NODE_TOTAL=\(n)"), "CI_NODE_INDEX")
        }
        if shards != nil {
            throw ShardError("--shards N applies with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); use --shard K/N otherwise")
        }
        return nil
    }
}

/// A bad `--shard`, `--shards` or shard environment variable.
public struct ShardError: Error, CustomStringConvertible, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What one shard reported, as a merged report lists it (JSON `shards`).
public struct ShardSummary: Codable, Equatable, Sendable {
    /// K.
    public var index: Int
    /// N.
    public var count: Int
    /// The shard's verdict.
    public var result: ReportResult
    /// How many runs it made.
    public var runs: Int
    /// Its wall-clock seconds (JSON `duration_s`).
    public var durationSeconds: Double
    /// The report file it came from.
    public var file: String?

    public init(index: Int, count: Int, result: ReportResult, runs: Int, durationSeconds: Double, file: String? = nil) {
        self.index = index
        self.count = count
        self.result = result
        self.runs = runs
        self.durationSeconds = durationSeconds
        self.file = file
    }

    enum CodingKeys: String, CodingKey {
        case index, count, result, runs
        case durationSeconds = "duration_s"
        case file
    }
}
