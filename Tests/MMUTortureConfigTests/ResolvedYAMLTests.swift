import Foundation
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
            CampaignConfig().with {
                $0.name = "needs \"quoting\": yes # not a comment \\"; $0.protocol = .mmuWritable
                $0.seed = .max; $0.duration = .microseconds(1_500_001); $0.operations = .max; $0.vcpus = 512
                $0.allowSlowVCPUs = true; $0.identification = .softmmu; $0.rcu = .bp
                $0.workload.writeRatio = 0.1 + 0.2; $0.workload.zipfS = 1e-5
                $0.perturb.probability = 0; $0.perturb.points = []; $0.perturb.kinds = []
            },
        ]
        for name in ["true", "null", "~", "123", "-x", "on", "a: b", "é", "x\u{7F}"] {
            configs.append(CampaignConfig().with { $0.name = name })
        }
        for _ in 0..<50 {
            var config = CampaignConfig()
            config.seed = generator.next()
            config.vcpus = 1 + generator.below(254)
            config.workload.writeRatio = Double(generator.next() >> 11) * 0x1.0p-53
            config.workload.hotRatio = Double(generator.next() >> 11) * 0x1.0p-53
            config.perturb.maxDelay = .microseconds(UInt64(generator.below(1_000_000)))
            config.perturb.points = PerturbPoint.allCases.filter { _ in generator.next() & 1 == 0 }
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
            // The JSON form (a report's `config`) is written by the same rows.
            let json = try JSONEncoder().encode(config)
            XCTAssertEqual(try JSONDecoder().decode(CampaignConfig.self, from: json), config,
                           String(decoding: json, as: UTF8.self))
        }
    }

    /// Every schema row has its key in the JSON form, under its section.
    func testJSONFormHasEverySchemaKey() throws {
        let json = try JSONEncoder().encode(CampaignConfig.default)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: json) as? [String: Any])
        for field in ConfigSchema.fields {
            let container = field.section.isEmpty ? object : object[field.section] as? [String: Any]
            XCTAssertNotNil(container?[field.key], field.path)
        }
        XCTAssertEqual(object[ConfigSchema.seedWasRandomKey] as? Bool, false)
        // A JSON name that is not a case is an error naming the key, not a default.
        let bad = String(decoding: json, as: UTF8.self).replacingOccurrences(of: "\"hotset\"", with: "\"hotsett\"")
        XCTAssertThrowsError(try JSONDecoder().decode(CampaignConfig.self, from: Data(bad.utf8))) { error in
            XCTAssertTrue("\(error)".contains("pattern"), "\(error)")
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
