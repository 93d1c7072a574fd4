import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

final class ShippedConfigTests: XCTestCase {
    /// Every .yaml file under configs/, recursively.
    static func configFiles() throws -> [String] {
        let root = repositoryRoot.appendingPathComponent("configs")
        guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return [] }
        return enumerator.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { root.appendingPathComponent($0).path }
    }

    func testEveryShippedConfigLoads() throws {
        let files = try Self.configFiles()
        XCTAssertGreaterThanOrEqual(files.count, 10)
        for file in files {
            do {
                let campaign = try ConfigLoader.load(path: file)
                XCTAssertFalse(campaign.runs.isEmpty, file)
                for run in campaign.runs {
                    XCTAssertNoThrow(try run.config.validate(), file)
                }
            } catch {
                XCTFail("\(error)")
            }
        }
    }

    func testDefaultYAMLIsTheBuiltInDefault() throws {
        let campaign = try ConfigLoader.load(path: repositoryRoot.appendingPathComponent("configs/default.yaml").path)
        XCTAssertEqual(campaign.runs.map(\.config), [CampaignConfig.default])
        XCTAssertEqual(campaign.name, Campaign.builtInDefault.name)
    }

    func testExampleYAMLSetsEveryKeyToItsDefault() throws {
        let path = repositoryRoot.appendingPathComponent("configs/example.yaml").path
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var expected = CampaignConfig.default
        expected.name = "example"
        XCTAssertEqual(try parseConfig(text, file: path), expected)
        // Every key is written out, with a comment.
        let root = try XCTUnwrap(try ConfigLoader.composeMapping(yaml: text, file: path))
        var written: Set<String> = []
        for (key, value) in root {
            let name = key.string ?? ""
            if case let .mapping(inner) = value {
                for (innerKey, _) in inner { written.insert(name + "." + (innerKey.string ?? "")) }
            } else {
                written.insert(name)
            }
        }
        XCTAssertEqual(written, Set(ConfigSchema.fields.map(\.path)))
        for field in ConfigSchema.fields {
            XCTAssertTrue(text.contains("\(field.key): "), field.path)
        }
    }

    func testCICampaignCoversEveryProtocolAndPagingModeBriefly() throws {
        let campaign = try ConfigLoader.load(path: repositoryRoot.appendingPathComponent("configs/ci/campaign.yaml").path)
        XCTAssertEqual(campaign.name, "ci")
        // Every protocol on every paging mode it models (tdp-mmu: tdp only).
        let modelled = ModelledProtocols.all.reduce(0) { $0 + $1.pagingModes.count }
        XCTAssertEqual(modelled, 7)
        XCTAssertEqual(campaign.runs.count, modelled)
        var covered: Set<String> = []
        for run in campaign.runs {
            XCTAssertEqual(run.config.duration, .seconds(3))
            XCTAssertEqual(run.config.mutant, .none)
            XCTAssertEqual(run.name, "\(run.config.protocol.rawValue)-\(run.config.guest.paging.rawValue)")
            covered.insert(run.name)
        }
        XCTAssertEqual(covered.count, modelled)
    }

    func testSoakIsLongAndWide() throws {
        let campaign = try ConfigLoader.load(path: repositoryRoot.appendingPathComponent("configs/soak.yaml").path)
        let config = try XCTUnwrap(campaign.runs.first?.config)
        XCTAssertGreaterThanOrEqual(config.duration, .minutes(5))
        XCTAssertEqual(config.vcpus, 8)
        XCTAssertTrue(config.seedWasRandom)
        XCTAssertTrue(config.mmu.weights.table.allSatisfy { $0.1 > 0 }, "every mmu operation")
    }
}
