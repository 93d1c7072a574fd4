import Foundation
import MMUTortureCore
import XCTest
@testable import MMUTortureConfig

/// Seeded mutations of configs/example.yaml: each must load to a valid
/// config or throw a `ConfigError` naming the file, never trap.
final class ConfigFuzzTests: XCTestCase {
    func testMutatedConfigsNeverCrash() throws {
        let path = repositoryRoot.appendingPathComponent("configs/example.yaml").path
        let original = try String(contentsOfFile: path, encoding: .utf8)
        var mutator = ConfigMutator(seed: 0x5EED)
        var loaded = 0, rejected = 0
        for iteration in 0..<600 {
            var text = original
            for _ in 0..<(1 + mutator.generator.below(4)) {
                text = mutator.mutate(text)
            }
            let file = "fuzz/mutant-\(iteration).yaml"
            do {
                let campaign = try ConfigLoader.parse(yaml: text, file: file)
                XCTAssertFalse(campaign.runs.isEmpty)
                for run in campaign.runs.prefix(3) {
                    XCTAssertNoThrow(try run.config.validate(), text)
                    _ = run.config.resolvedYAML()
                }
                loaded += 1
            } catch let error as ConfigError {
                XCTAssertFalse(error.message.isEmpty, text)
                XCTAssertTrue(error.description.hasPrefix(file), "\(error) for:\n\(text)")
                rejected += 1
            } catch {
                XCTFail("not a ConfigError: \(error)")
            }
        }
        // The mutations must exercise both outcomes.
        XCTAssertGreaterThan(loaded, 30)
        XCTAssertGreaterThan(rejected, 100)
    }

    func testHostileDocuments() {
        let documents = [
            String(repeating: "[", count: 5_000),
            String(repeating: "{a: ", count: 2_000),
            String(repeating: "- ", count: 3_000) + "x",
            "a: &a [*a]\n",
            "name: " + String(repeating: "x", count: 100_000) + "\n",
            String(repeating: "vcpus: 1\n", count: 2),
            "\u{FEFF}vcpus: 2\n",
            "vcpus: 2\r\nduration: 1s\r\n",
            "%TAG ! tag:x,2000:\n--- !foo\nvcpus: 2\n",
            "vcpus: !!binary aGVsbG8=\n",
            "? |\n  block key\n: 1\n",
            "\u{0}",
            String(repeating: "x", count: 300) + ": 1\n",
        ]
        for document in documents {
            do {
                _ = try ConfigLoader.parse(yaml: document, file: "hostile.yaml")
            } catch let error as ConfigError {
                XCTAssertEqual(error.file, "hostile.yaml")
                XCTAssertFalse(error.message.isEmpty)
            } catch {
                XCTFail("not a ConfigError: \(error)")
            }
        }
    }
}

/// Seeded random edits of a YAML text: character deletions, duplications and
/// swaps, random tokens, replaced values, dropped colons, changed indentation.
struct ConfigMutator {
    static let tokens = ["", " ", ":", "- ", "[", "]", "{", "}", "#", "&a", "*a", "!!int", "'", "\"", "|", ">",
                         "0", "-1", "1e999", "nan", ".inf", "0x", "18446744073709551616", "99999999999999999999",
                         "random", "true", "~", "null", "10ns", "1.5us", "\t", "\u{0}", "\u{1}", "é", "🐛",
                         "?", ",", "%YAML 1.1", "---", "...", "<<", "scenarios", "vcpus", "5*x", "\\", "@"]

    var generator: Xoshiro256StarStar

    init(seed: UInt64) {
        generator = Xoshiro256StarStar(seed: seed)
    }

    mutating func mutate(_ text: String) -> String {
        var characters = Array(text)
        guard !characters.isEmpty else { return ConfigMutator.tokens[generator.below(ConfigMutator.tokens.count)] }
        var lines = text.components(separatedBy: "\n")
        let position = generator.below(characters.count)
        switch generator.below(9) {
        case 0:  // delete characters
            let count = min(1 + generator.below(4), characters.count - position)
            characters.removeSubrange(position..<(position + count))
        case 1:  // duplicate a run of characters
            let count = min(1 + generator.below(8), characters.count - position)
            characters.insert(contentsOf: characters[position..<(position + count)], at: position)
        case 2:  // swap two characters
            let other = generator.below(characters.count)
            characters.swapAt(position, other)
        case 3:  // insert a random token
            characters.insert(contentsOf: ConfigMutator.tokens[generator.below(ConfigMutator.tokens.count)], at: position)
        case 4:  // replace a value with a random token
            let index = generator.below(lines.count)
            if let colon = lines[index].firstIndex(of: ":") {
                lines[index] = String(lines[index][...colon]) + " " + ConfigMutator.tokens[generator.below(ConfigMutator.tokens.count)]
            }
            return lines.joined(separator: "\n")
        case 5:  // drop a colon
            let index = generator.below(lines.count)
            lines[index] = lines[index].replacingOccurrences(of: ":", with: "")
            return lines.joined(separator: "\n")
        case 6:  // change indentation
            let index = generator.below(lines.count)
            lines[index] = generator.next() & 1 == 0
                ? String(repeating: " ", count: 1 + generator.below(4)) + lines[index]
                : String(lines[index].drop(while: { $0 == " " }))
            return lines.joined(separator: "\n")
        case 7:  // duplicate or drop a line
            let index = generator.below(lines.count)
            if generator.next() & 1 == 0 { lines.insert(lines[index], at: index) } else { lines.remove(at: index) }
            return lines.joined(separator: "\n")
        default:  // replace a number's digits with extreme ones
            let index = generator.below(lines.count)
            let extremes = ["0", "-0", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                            "1e308", "4.9e-324", "1_000", "0.0000001", "513", "1048577", "1000001"]
            if let colon = lines[index].firstIndex(of: ":"), lines[index][colon...].contains(where: \.isNumber) {
                lines[index] = String(lines[index][...colon]) + " " + extremes[generator.below(extremes.count)]
            }
            return lines.joined(separator: "\n")
        }
        return String(characters)
    }
}
