import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

final class ConfigLoaderTests: XCTestCase {
    /// The sketch of the README, verbatim: it must parse as it is.
    static let interfaceSketch = """
        name: default
        protocol: vcpu-id            # vcpu-id | mmu-writable
        mutant: none                 # see `mmutorture mutants list`
        mode: native                 # native | deterministic
        seed: 1                      # or "random": the chosen seed is printed and reported
        duration: 10s                # and/or an operation budget
        vcpus: 4
        identification: vmx          # vmx (ids 1...254) | softmmu (ids 1...127)
        rcu: memb                    # liburcu flavour: memb | qsbr | mb | bp
        guest: { frames: 4096, paging: tdp }       # tdp | shadow | shadow32 (quadrants)
        workload: { write_ratio: 0.5, pattern: hotset, hot_frames: 64 }
        mmu:                         # weights of what the mmu-lock thread(s) do
          threads: 1
          write_protect: 4
          dirty_log: 1
          zap_all: 1
          invalidate_range: 2
        perturb: { probability: 0.01, max_delay: 20us }   # seeded delays at named points
        repeat: 1                    # run the scenario N times with derived seeds

        """

    func testInterfaceSketchParsesToTheDefaults() throws {
        let config = try parseConfig(Self.interfaceSketch)
        XCTAssertEqual(config, CampaignConfig.default)
    }

    func testEmptyFileAndCommentsOnlyGiveTheDefaultsNamedAfterTheFile() throws {
        for text in ["", "\n\n", "# nothing here\n", "---\n", "~\n"] {
            let config = try parseConfig(text, file: "configs/quick.yaml")
            var expected = CampaignConfig.default
            expected.name = "quick"
            XCTAssertEqual(config, expected, text)
        }
    }

    func testEveryKeyIsRead() throws {
        let config = try parseConfig("""
            name: everything
            protocol: mmu-writable
            mutant: mmu-writable-keep
            mode: deterministic
            seed: 0x10
            duration: 1.5s
            operations: 1_000_000
            vcpus: 300
            allow_slow_vcpus: yes
            identification: softmmu
            rcu: qsbr
            guest: { frames: 1024, paging: shadow32 }
            workload: { write_ratio: 0.25, pattern: zipf, hot_frames: 8, hot_ratio: 0.5, zipf_s: 2 }
            mmu: { threads: 3, write_protect: 0, unprotect: 1, dirty_log: 2, zap_all: 3, invalidate_range: 4,
                   invalidate_page: 5, audit: 6, swarm: yes }
            perturb: { probability: 1, max_delay: 1ms, swarm: off, points: [wp-scan, before-free], kinds: [spin] }
            repeat: 3
            watchdog: 2m
            checker: { audit_interval: 0 }
            trace_depth: 16
            """)
        XCTAssertEqual(config, CampaignConfig().with {
            $0.name = "everything"; $0.protocol = .mmuWritable; $0.mutant = .mmuWritableKeep; $0.mode = .deterministic
            $0.seed = 16; $0.duration = .milliseconds(1_500); $0.operations = 1_000_000; $0.vcpus = 300
            $0.allowSlowVCPUs = true; $0.identification = .softmmu; $0.rcu = .qsbr
            $0.guest.frames = 1024; $0.guest.paging = .shadow32
            $0.workload.writeRatio = 0.25; $0.workload.pattern = .zipf; $0.workload.hotFrames = 8
            $0.workload.hotRatio = 0.5; $0.workload.zipfS = 2
            $0.mmu.threads = 3
            $0.mmu.weights = .only(writeProtect: 0, unprotect: 1, dirtyLog: 2, zapAll: 3, invalidateRange: 4,
                                   invalidatePage: 5, audit: 6)
            $0.mmu.weights.swarm = true
            $0.perturb.probability = 1; $0.perturb.maxDelay = .milliseconds(1); $0.perturb.swarm = false
            $0.perturb.points = [.wpScan, .beforeFree]; $0.perturb.kinds = [.spin]
            $0.repeat = 3; $0.watchdog = .minutes(2); $0.checker.auditInterval = .zero; $0.traceDepth = 16
        })
    }

    func testSeedRandomDrawsOneAndRecordsIt() throws {
        let campaign = try ConfigLoader.parse(yaml: "seed: random\n", file: "r.yaml", randomSeed: { 424242 })
        XCTAssertEqual(campaign.runs[0].config.seed, 424242)
        XCTAssertTrue(campaign.runs[0].config.seedWasRandom)
        let real = try parseConfig("seed: RANDOM\n")
        XCTAssertTrue(real.seedWasRandom)
        XCTAssertFalse(try parseConfig("seed: 18446744073709551615\n").seedWasRandom)
        XCTAssertEqual(try parseConfig("seed: 18446744073709551615\n").seed, .max)
    }

    func testAnchorsAndAliasesWork() throws {
        let config = try parseConfig("""
            guest: &g { frames: 2048 }
            name: &n aliased
            """)
        XCTAssertEqual(config.guest.frames, 2048)
        XCTAssertEqual(config.name, "aliased")
    }

    // MARK: - Errors name the file, the key and the line

    func testUnknownKeySuggestsTheNearestKey() {
        let error = parseError("""
            vcpus: 4
            workload:
              pattern: hotset
              write_ration: 0.5
            """, file: "configs/x.yaml")
        XCTAssertEqual(error?.file, "configs/x.yaml")
        XCTAssertEqual(error?.keyPath, "workload.write_ration")
        XCTAssertEqual(error?.line, 4)
        XCTAssertEqual(error?.description,
                       "configs/x.yaml:4: workload.write_ration: unknown key 'write_ration' (did you mean 'write_ratio'?)")
    }

    func testUnknownTopLevelKeySuggestions() {
        XCTAssertEqual(parseError("durration: 5s\n")?.message, "unknown key 'durration' (did you mean 'duration'?)")
        XCTAssertEqual(parseError("vcpu-count: 5\n")?.message,
                       "unknown key 'vcpu-count'; the keys of the top level are: name, protocol, mutant, mode, seed, "
                           + "duration, operations, vcpus, allow_slow_vcpus, identification, rcu, placement, repeat, watchdog, "
                           + "trace_depth, guest, workload, mmu, perturb, checker, deterministic, scenarios")
        XCTAssertEqual(parseError("write_ratio: 0.1\n")?.message,
                       "unknown key 'write_ratio' here (did you mean 'workload.write_ratio'?)")
        XCTAssertEqual(parseError("guest: { frames: 64, threads: 2 }\n")?.message,
                       "unknown key 'threads' here (did you mean 'mmu.threads'?)")
        XCTAssertEqual(parseError("mmu: { guest: 1 }\n")?.message, "unknown key 'guest' here ('guest' is a top-level section)")
        XCTAssertEqual(parseError("durationation: 5s\n")?.message,
                       "unknown key 'durationation' (did you mean 'duration'?)")
        XCTAssertEqual(parseError("Duration: 5s\n")?.message, "unknown key 'Duration' (did you mean 'duration'?)")
        XCTAssertEqual(parseError("<<: {vcpus: 2}\n")?.message.contains("merge keys"), true)
    }

    func testWrongTypeSaysWhatWasExpected() {
        let error = parseError("""
            workload:
              write_ratio: lots
            """, file: "configs/x.yaml")
        XCTAssertEqual(error?.description,
                       "configs/x.yaml:2: workload.write_ratio: expected a number between 0 and 1, got 'lots'")
        XCTAssertEqual(parseError("vcpus: four\n")?.message, "expected an integer between 1 and 512, got 'four'")
        XCTAssertEqual(parseError("vcpus: 4.5\n")?.message, "expected an integer between 1 and 512, got '4.5'")
        XCTAssertEqual(parseError("vcpus: [4]\n")?.message, "expected an integer between 1 and 512, got a list")
        XCTAssertEqual(parseError("vcpus:\n")?.message, "expected an integer between 1 and 512, got nothing")
        XCTAssertEqual(parseError("vcpus: { n: 4 }\n")?.message, "expected an integer between 1 and 512, got a mapping")
        XCTAssertEqual(parseError("perturb: { swarm: maybe }\n")?.message, "expected true or false, got 'maybe'")
        XCTAssertEqual(parseError("mmu: { swarm: 2 }\n")?.message, "expected true or false, got '2'")
        XCTAssertEqual(parseError("guest: 4096\n")?.message, "expected a mapping of keys (frames, paging), got '4096'")
        XCTAssertEqual(parseError("workload: { zipf_s: nan }\n")?.message,
                       "expected a number greater than 0 and at most 10, got 'nan'")
        XCTAssertEqual(parseError("workload: { write_ratio: .inf }\n")?.keyPath, "workload.write_ratio")
        XCTAssertEqual(parseError("operations: -1\n")?.keyPath, "operations")
        XCTAssertEqual(parseError("seed: -1\n")?.keyPath, "seed")
        XCTAssertEqual(parseError("seed: 18446744073709551616\n")?.keyPath, "seed")
        XCTAssertEqual(parseError("vcpus: 99999999999999999999999\n")?.keyPath, "vcpus")
    }

    func testNullSectionMeansDefaults() throws {
        XCTAssertEqual(try parseConfig("guest:\nmmu: ~\n").guest, GuestSpec())
    }

    func testBadDuration() {
        let error = parseError("\n\nduration: ten seconds\n")
        XCTAssertEqual(error?.line, 3)
        XCTAssertEqual(error?.keyPath, "duration")
        XCTAssertEqual(error?.message, "expected a duration like 10s, 500ms, 20us, 2m or 1h, got 'ten seconds'")
        XCTAssertEqual(parseError("perturb:\n  max_delay: 5ns\n")?.keyPath, "perturb.max_delay")
    }

    func testBadEnumValueListsTheAllowedOnes() {
        let error = parseError("protocol: vcpuid\n")
        XCTAssertEqual(error?.message,
                       "expected one of vcpu-id, mmu-writable, tdp-mmu, got 'vcpuid' (did you mean 'vcpu-id'?)")
        XCTAssertEqual(parseError("guest: { paging: ept }\n")?.message,
                       "expected one of tdp, shadow, shadow32, got 'ept'")
        XCTAssertEqual(try parseConfig("rcu: QSBR\n").rcu, .qsbr, "names are not case-sensitive")
    }

    func testBadListElementsNameTheirIndexAndLine() {
        let error = parseError("""
            perturb:
              points:
                - wp-scan
                - after-barier
            """)
        XCTAssertEqual(error?.keyPath, "perturb.points[1]")
        XCTAssertEqual(error?.line, 4)
        XCTAssertEqual(error?.message.contains("did you mean 'after-barrier'?"), true)
        XCTAssertEqual(parseError("perturb: { kinds: [spin, spin] }\n")?.message, "'spin' is listed twice")
        XCTAssertEqual(parseError("perturb: { kinds: spin }\n")?.message.hasPrefix("expected a list of delay, spin, yield"), true)
    }

    func testOutOfRange() {
        let cases: [(String, String, String)] = [
            ("vcpus: 0\n", "vcpus", "expected an integer between 1 and 512, got 0"),
            ("vcpus: 513\n", "vcpus", "expected an integer between 1 and 512, got 513"),
            ("workload: { write_ratio: 1.5 }\n", "workload.write_ratio", "expected a number between 0 and 1, got 1.5"),
            ("guest: { frames: 8 }\n", "guest.frames", "expected an integer between 16 and 1048576, got 8"),
            ("mmu: { threads: 9 }\n", "mmu.threads", "expected an integer between 1 and 8, got 9"),
            ("mmu: { zap_all: -1 }\n", "mmu.zap_all", "expected a weight: a whole number from 0 to 1000000, got -1"),
            ("repeat: 0\n", "repeat", "expected an integer between 1 and 10000, got 0"),
            ("trace_depth: 0\n", "trace_depth", "expected an integer between 1 and 65536, got 0"),
            ("watchdog: 0\n", "watchdog", "expected a duration like 10s, 500ms, 20us, 2m or 1h, from 1ms to 24h, got 0s"),
            ("duration: 200h\n", "duration",
             "expected a duration like 10s, 500ms, 20us, 2m or 1h, from 0s to 168h (0 = no time budget), got 200h"),
            ("perturb: { max_delay: 2s }\n", "perturb.max_delay",
             "expected a duration like 10s, 500ms, 20us, 2m or 1h, from 0s to 1s, got 2s"),
            ("workload: { zipf_s: 0 }\n", "workload.zipf_s", "expected a number greater than 0 and at most 10, got 0.0"),
            ("name: \"\"\n", "name", "expected a name of 1 to 128 printable characters, got ''"),
        ]
        for (yaml, key, message) in cases {
            let error = parseError(yaml)
            XCTAssertEqual(error?.keyPath, key, yaml)
            XCTAssertEqual(error?.message, message, yaml)
            XCTAssertEqual(error?.line, 1, yaml)
            XCTAssertEqual(error?.file, "test.yaml", yaml)
        }
    }

    func testCrossFieldRulesBlameTheKeyThatWasSet() {
        // vCPUs past the identification layout's limit: an error (exit 2) unless allowed.
        let tooMany = parseError("name: x\nvcpus: 300\n")
        XCTAssertEqual(tooMany?.keyPath, "vcpus")
        XCTAssertEqual(tooMany?.line, 2)
        XCTAssertEqual(tooMany?.message.contains("allow_slow_vcpus: true"), true)
        XCTAssertEqual(parseError("identification: softmmu\nvcpus: 128\n")?.keyPath, "vcpus")
        XCTAssertNoThrow(try parseConfig("identification: softmmu\nvcpus: 127\n"))

        // The dependent key when it was set, the other one otherwise.
        XCTAssertEqual(parseError("workload: { hot_frames: 100 }\nguest: { frames: 64 }\n")?.keyPath,
                       "workload.hot_frames")
        let frames = parseError("\nguest: { frames: 32 }\n")
        XCTAssertEqual(frames?.keyPath, "guest.frames")
        XCTAssertEqual(frames?.line, 2)

        let mutant = parseError("protocol: mmu-writable\nmutant: shared-id\n")
        XCTAssertEqual(mutant?.keyPath, "mutant")
        XCTAssertEqual(mutant?.line, 2)
        for name in ["shared-id", "no-fastpath-mb", "no-wp-mb", "wp-ignores-id"] {
            XCTAssertNotNil(parseError("protocol: mmu-writable\nmutant: \(name)\n"), name)
            XCTAssertNoThrow(try parseConfig("mutant: \(name)\n"), name)
        }
        XCTAssertEqual(parseError("mutant: mmu-writable-keep\n")?.message,
                       "mutant mmu-writable-keep breaks protocol mmu-writable, not vcpu-id; run it with protocol: mmu-writable")
        XCTAssertEqual(parseError("duration: 0\n")?.keyPath, "duration")
        XCTAssertNoThrow(try parseConfig("duration: 0\noperations: 1000\n"))
        XCTAssertEqual(parseError("perturb: { points: [] }\n")?.keyPath, "perturb.points")
        XCTAssertEqual(parseError("perturb: { kinds: [] }\n")?.keyPath, "perturb.kinds")
        XCTAssertNoThrow(try parseConfig("perturb: { probability: 0, points: [], kinds: [] }\n"))
        XCTAssertEqual(parseError("watchdog: 10ms\nperturb: { max_delay: 10ms }\n")?.keyPath, "perturb.max_delay")
    }

    func testMalformedYAMLCarriesTheLine() {
        let error = parseError("name: x\nvcpus: 4\nguest:\n  frames: [1, 2\n  paging: tdp\n", file: "bad.yaml")
        XCTAssertEqual(error?.file, "bad.yaml")
        XCTAssertNotNil(error?.line)
        XCTAssertEqual(error?.message.hasPrefix("malformed YAML: "), true)

        let tab = parseError("name: x\n\tvcpus: 4\n")
        XCTAssertEqual(tab?.line, 2)
        XCTAssertEqual(parseError("a: b: c\n")?.line, 1)
        XCTAssertEqual(parseError("name: x\nname: y\n")?.message, "key 'name' appears more than once in the same mapping")
        XCTAssertEqual(parseError("*undefined\n")?.message.hasPrefix("malformed YAML"), true)
        XCTAssertEqual(parseError("a: 1\n---\nb: 2\n")?.message.hasPrefix("malformed YAML"), true)
    }

    func testTopLevelMustBeAMapping() {
        XCTAssertEqual(parseError("- vcpus: 4\n")?.message,
                       "the top level must be a mapping of keys like 'duration: 10s', got a list")
        XCTAssertEqual(parseError("just words\n")?.message,
                       "the top level must be a mapping of keys like 'duration: 10s', got 'just words'")
        XCTAssertEqual(parseError("just words\n")?.line, 1)
        XCTAssertEqual(parseError("? [a]\n: 1\n")?.message.hasPrefix("keys must be plain names"), true)
    }

    func testMissingUnreadableAndNonUTF8Files() throws {
        let directory = try makeTemporaryDirectory(self)
        let missing = directory.appendingPathComponent("nope.yaml").path
        XCTAssertThrowsError(try ConfigLoader.load(path: missing)) { error in
            XCTAssertEqual((error as? ConfigError)?.description, "\(missing): no such file")
        }
        XCTAssertThrowsError(try ConfigLoader.load(path: directory.path)) { error in
            XCTAssertEqual((error as? ConfigError)?.message, "is a directory, not a config file")
        }
        let binary = directory.appendingPathComponent("binary.yaml")
        try Data([0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xFF, 0xFE, 0x0A]).write(to: binary)
        XCTAssertThrowsError(try ConfigLoader.load(path: binary.path)) { error in
            XCTAssertEqual((error as? ConfigError)?.description, "\(binary.path): is not UTF-8 text")
        }
        if getuid() != 0 {  // root reads anything
            let locked = try writeFile("vcpus: 2\n", named: "locked.yaml", in: directory)
            chmod(locked, 0)
            XCTAssertThrowsError(try ConfigLoader.load(path: locked)) { error in
                XCTAssertEqual((error as? ConfigError)?.message, "cannot be read: permission denied")
            }
        }
        let good = try writeFile("vcpus: 2\n", named: "good.yaml", in: directory)
        XCTAssertEqual(try ConfigLoader.load(path: good).runs.first?.config.vcpus, 2)
    }

    func testControlCharactersInValuesAreShownEscaped() {
        XCTAssertEqual(parseError("vcpus: \"\\x01\"\n")?.message, "expected an integer between 1 and 512, got '\\x01'")
    }
}
