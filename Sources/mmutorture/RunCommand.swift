import ArgumentParser
import MMUTortureCore
#if canImport(Glibc)
import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a campaign (no file = the built-in default campaign).")

    @Argument(help: "Campaign config file (YAML).") var config: String?
    @Option(help: "Master seed (overrides the file).") var seed: UInt64?
    @Option(help: "Wall-clock budget, e.g. 30s, 2m, 500ms.") var duration: String?
    @Option(help: "Guest accesses in total (0 = none); the run stops at whichever budget runs out first.") var operations: UInt64?
    @Option(help: "Number of vCPU threads.") var vcpus: Int?
    @Option(help: "vcpu-id | mmu-writable") var `protocol`: String?
    @Option(help: "A known-broken variant (see `mmutorture mutants list`).") var mutant: String?
    @Flag(help: "No progress line; only the result.") var quiet = false

    func run() throws {
        var params = RunParameters()
        params.vm.vcpus = 4
        params.durationNanoseconds = 10_000_000_000
        if let seed { params.seed = seed }
        if let duration { params.durationNanoseconds = try parseDurationArgument(duration) }
        if let operations { params.operations = operations }
        if let vcpus { params.vm.vcpus = vcpus }
        var proto = ProtocolName.vcpuID
        if let p = `protocol` {
            guard let v = ProtocolName(rawValue: p) else {
                throw ValidationError("--protocol: expected one of \(ProtocolName.allCases.map(\.rawValue).joined(separator: ", ")), got '\(p)'")
            }
            proto = v
        }
        var m = MutantName.none
        if let mutant {
            guard let v = MutantName(rawValue: mutant) else {
                throw ValidationError("--mutant: unknown mutant '\(mutant)'; known: \(MutantName.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            m = v
        }
        if let info = ProtocolVariants.info(m), `protocol` == nil { proto = info.protocolName }
        params.vm.ops = ProtocolVariants.ops(proto, mutant: m)
        params.workload.hotFrames = 16
        print("mmutorture \(MMUTortureVersion.string): seed \(params.seed), protocol \(proto.rawValue), mutant \(m.rawValue), \(params.vm.vcpus) vCPUs")
        let result = NativeRunner.run(params, progress: quiet ? nil : { s in
            if isatty(1) != 0 {
                print("\r  \(String(format1(s.elapsedSeconds)))s / \(String(format1(s.budgetSeconds)))s  accesses \(s.accesses)  fixed \(s.faultsFixed)  violations \(s.violations)", terminator: "")
                fflush(stdout)
            }
        })
        if !quiet && isatty(1) != 0 { print("") }
        print(Summary.render(result))
        for (i, v) in result.violations.enumerated() { print(Summary.renderViolation(v, index: i)) }
        if let e = result.harnessError { printError(e); throw ExitCode(3) }
        print("result: \(result.outcome.rawValue) in \(format1(result.durationSeconds)) s")
        if result.outcome == .fail {
            print("reproduce: mmutorture run --seed \(params.seed)" + (m == .none ? "" : " --mutant \(m.rawValue)"))
            throw ExitCode(1)
        }
    }
}

func format1(_ d: Double) -> String { String((d * 10).rounded() / 10) }

/// "10s", "500ms", "20us", "2m", "1h", or a bare number of seconds.
func parseDurationArgument(_ s: String) throws -> UInt64 {
    let units: [(String, Double)] = [("us", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
    for (suffix, scale) in units.sorted(by: { $0.0.count > $1.0.count }) where s.hasSuffix(suffix) {
        if let v = Double(s.dropLast(suffix.count)), v >= 0 { return UInt64(v * scale) }
    }
    if let v = Double(s), v >= 0 { return UInt64(v * 1e9) }
    throw ValidationError("--duration: expected a duration like 30s, 2m, 500ms, got '\(s)'")
}
