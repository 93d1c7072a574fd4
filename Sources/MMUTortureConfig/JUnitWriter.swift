import Foundation
import MMUTortureCore

/// Renders a campaign's results as JUnit XML that CI servers (Jenkins,
/// GitLab, GitHub actions) accept: one `<testsuite>` for the campaign, one
/// `<testcase>` per run (scenario and repeat), a `<failure>` per violated
/// invariant whose text holds the reproduce command and the trace, an
/// `<error>` for a harness error, and the run's counters in `<system-out>`.
///
/// Times have at most three decimals and timestamps no time zone (UTC), as
/// the Surefire/Jenkins schema wants.
public enum JUnitWriter {
    /// The XML document for one campaign.
    /// - Parameters:
    ///   - campaignName: the testsuite's name; testcases are classed `mmutorture.<campaignName>`.
    ///   - results: one per run, in order.
    ///   - timestamp: when the campaign started.
    ///   - hostname: the machine it ran on.
    public static func render(campaignName: String, results: [ScenarioResult], timestamp: Date = Date(),
                              hostname: String = ProcessInfo.processInfo.hostName) -> String {
        let failures = results.filter { $0.result == .fail }.count
        let errors = results.filter { $0.result == .error }.count
        let totalTime = results.reduce(0) { $0 + seconds($1.durationSeconds) }
        let className = "mmutorture." + campaignName

        var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n"
        xml += "<testsuites name=\"mmutorture\" tests=\"\(results.count)\" failures=\"\(failures)\" "
            + "errors=\"\(errors)\" time=\"\(format(totalTime))\">\n"
        xml += "  <testsuite" + attributes([
            ("name", campaignName), ("tests", "\(results.count)"), ("failures", "\(failures)"),
            ("errors", "\(errors)"), ("skipped", "0"), ("time", format(totalTime)),
            ("timestamp", isoTimestamp(timestamp)), ("hostname", hostname), ("id", "0"), ("package", "mmutorture"),
        ]) + ">\n"
        xml += "    <properties>\n"
        xml += "      <property" + attributes([("name", "tool"), ("value", "mmutorture")]) + "/>\n"
        xml += "      <property" + attributes([("name", "version"), ("value", MMUTortureVersion.string)]) + "/>\n"
        xml += "    </properties>\n"
        for result in results {
            xml += testcase(result, className: className)
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    /// The XML document for a report: its campaign, with its
    /// `scenarioResults` as testcases.
    public static func render(report: RunReport, timestamp: Date = Date(),
                              hostname: String = ProcessInfo.processInfo.hostName) -> String {
        render(campaignName: report.campaign, results: report.scenarioResults, timestamp: timestamp,
               hostname: hostname)
    }

    private static func testcase(_ result: ScenarioResult, className: String) -> String {
        let name = "\(result.name)#\(result.repeatIndex) seed=\(result.seed)"
        var xml = "    <testcase" + attributes([
            ("classname", className), ("name", name), ("time", format(seconds(result.durationSeconds))),
        ]) + ">\n"
        if result.result == .fail {
            if result.violations.isEmpty {
                xml += element("failure", message: "violation", type: "violation",
                               text: "reproduce: \(result.reproduce)\n")
            }
            for violation in result.violations {
                xml += element("failure", message: "\(violation.invariant): \(violation.message)",
                               type: violation.invariant, text: failureText(violation, reproduce: result.reproduce))
            }
        }
        if result.result == .error || result.error != nil {
            let message = result.error ?? "harness error"
            xml += element("error", message: message, type: "harness",
                           text: "\(message)\nreproduce: \(result.reproduce)\n")
        }
        xml += "      <system-out>" + XMLEscaping.text(systemOut(result)) + "</system-out>\n"
        xml += "    </testcase>\n"
        return xml
    }

    /// The body of a `<failure>`: how to reproduce it, then what was seen.
    static func failureText(_ violation: ReportViolation, reproduce: String) -> String {
        var lines = ["reproduce: \(reproduce)", "\(violation.invariant): \(violation.message)"]
        var place: [String] = []
        if let gfn = violation.gfn { place.append("gfn \(gfn)") }
        if let vcpu = violation.vcpu { place.append("vcpu \(vcpu)") }
        if let thread = violation.thread { place.append("seen by \(thread)") }
        if !place.isEmpty { lines.append(place.joined(separator: ", ")) }
        if !violation.sptes.isEmpty { lines.append("sptes: " + violation.sptes.joined(separator: " ")) }
        if !violation.trace.isEmpty {
            lines.append("trace (oldest first):")
            for entry in violation.trace {
                lines.append("  #\(entry.seq) \(entry.thread): \(entry.event)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The counters, one `name: value` per line, sorted by name.
    static func systemOut(_ result: ScenarioResult) -> String {
        var lines = ["seed: \(result.seed)", "result: \(result.result.rawValue)"]
        if result.interrupted { lines.append("interrupted: true") }
        lines += result.counters.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func element(_ name: String, message: String, type: String, text: String) -> String {
        "      <\(name)" + attributes([("message", message), ("type", type)]) + ">"
            + XMLEscaping.text(text) + "</\(name)>\n"
    }

    private static func attributes(_ pairs: [(String, String)]) -> String {
        pairs.map { " \($0.0)=\"\(XMLEscaping.attribute($0.1))\"" }.joined()
    }

    private static func seconds(_ value: Double) -> Double {
        value.isFinite && value >= 0 ? value : 0
    }

    /// Seconds with three decimals ("3.014").
    static func format(_ seconds: Double) -> String {
        String(format: "%.3f", seconds)
    }

    /// `2024-05-01T12:34:56`, UTC, no zone designator.
    static func isoTimestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.string(from: date)
    }
}
