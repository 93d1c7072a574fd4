import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

final class ResolvedYAMLTests: XCTestCase {
    func testDefaultsPrintEveryKeyInAStableOrder() {
        let yaml = CampaignConfig.default.resolvedYAML()
        XCTAssertTrue(yaml.hasPrefix("name: default\nprotocol: vcpu-id\nmutant: none\nmode: native\nseed: 1\n"))
        for field in ConfigSchema.fields {
            XCTAssertTrue(yaml.contains("\(field.key): "), field.path)
        }
        XCTAssertTrue(yaml.contains("perturb:\n  probability: 0.01\n  max_delay: 20us\n  swarm: true\n"))
        XCTAssertEqual(yaml, CampaignConfig.default.resolvedYAML())
    }

    func testRoundTripsToAnEqualConfig() throws {
        var generator = Xoshiro256StarStar(seed: 99)
        var configs: [CampaignConfig] = [
            .default,
            try parseConfig(String(contentsOf: repositoryRoot.appendingPathComponent("configs/example.yaml"))),
            CampaignConfig(name: "needs \"quoting\": yes # not a comment \\", protocol: .mmuWritable,
                           seed: .max, duration: .microseconds(1_500_001), operations: .max, vcpus: 512,
                           allowSlowVCPUs: true, identification: .softmmu, rcu: .bp,
                           workload: WorkloadConfig(writeRatio: 0.1 + 0.2, zipfS: 1e-5),
                           perturb: PerturbConfig(probability: 0, points: [], kinds: [])),
        ]
        for name in ["true", "null", "~", "123", "-x", "on", "a: b", "é", "x\u{7F}"] {
            configs.append(CampaignConfig(name: name))
        }
        for _ in 0..<50 {
            var config = CampaignConfig()
            config.seed = generator.next()
            config.vcpus = 1 + generator.below(254)
            config.workload.writeRatio = Double(generator.next() >> 11) * 0x1.0p-53
            config.workload.hotRatio = Double(generator.next() >> 11) * 0x1.0p-53
            config.perturb.maxDelay = .microseconds(UInt64(generator.below(1_000_000)))
            config.perturb.points = PerturbPointName.allCases.filter { _ in generator.next() & 1 == 0 }
            config.perturb.probability = config.perturb.points.isEmpty ? 0 : 0.5
            config.guest.paging = PagingMode.allCases[generator.below(3)]
            config.mode = ModeName.allCases[generator.below(2)]
            configs.append(config)
        }
        for config in configs {
            guard (try? config.validate()) != nil else {
                if config.name == "x\u{7F}" { continue }  // not a valid name; skip
                XCTFail("invalid test config \(config)")
                continue
            }
            let yaml = config.resolvedYAML()
            XCTAssertEqual(try parseConfig(yaml), config, yaml)
        }
    }

    func testRandomSeedReadsBackAsThatSeed() throws {
        let campaign = try ConfigLoader.parse(yaml: "seed: random\n", file: "r.yaml", randomSeed: { 77 })
        let yaml = campaign.resolvedYAML()
        XCTAssertTrue(yaml.contains("seed: 77  # drawn at random"))
        var expected = campaign.runs[0].config
        expected.seedWasRandom = false
        XCTAssertEqual(try parseConfig(yaml, file: "r.yaml"), expected)
    }

    func testMultiScenarioCampaignPrintsOneDocumentPerScenario() throws {
        let campaign = try ConfigLoader.load(path: repositoryRoot.appendingPathComponent("configs/ci/campaign.yaml").path)
        let yaml = campaign.resolvedYAML()
        // The campaign's own document, then its 7 scenarios (tdp-mmu-tdp included).
        XCTAssertEqual(yaml.components(separatedBy: "\n---\n").count, 8)
        XCTAssertTrue(yaml.contains("# scenario mmu-writable-shadow32 ("))
        XCTAssertTrue(yaml.contains("# scenario tdp-mmu-tdp ("))
    }
}
