import Foundation
import XCTest
@testable import MMUTortureConfig

/// The repository root (three levels above this file).
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A fresh temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ testCase: XCTestCase) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("mmutorture-config-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

/// Writes `text` to `name` in `directory`, returning the path.
@discardableResult
func writeFile(_ text: String, named name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: url, atomically: false, encoding: .utf8)
    return url.path
}

/// Parses `yaml` as a single-scenario file and returns its config.
func parseConfig(_ yaml: String, file: String = "test.yaml") throws -> CampaignConfig {
    let campaign = try ConfigLoader.parse(yaml: yaml, file: file)
    guard let first = campaign.runs.first else { throw ConfigError(message: "no runs") }
    return first.config
}

/// The `ConfigError` that parsing `yaml` throws, failing the test if none or another error.
func parseError(_ yaml: String, file: String = "test.yaml",
                filePath: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
    do {
        _ = try ConfigLoader.parse(yaml: yaml, file: file)
        XCTFail("expected a ConfigError for:\n\(yaml)", file: filePath, line: line)
    } catch let error as ConfigError {
        return error
    } catch {
        XCTFail("expected a ConfigError, got \(error)", file: filePath, line: line)
    }
    return nil
}

extension CampaignConfig {
    /// This config with `change` applied: `CampaignConfig().with { $0.seed = 3 }`.
    func with(_ change: (inout CampaignConfig) -> Void) -> CampaignConfig {
        var copy = self
        change(&copy)
        return copy
    }
}
