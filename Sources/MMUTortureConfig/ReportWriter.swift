import Foundation

/// One output format of a report (the README, "Reports"): renders a
/// `RunReport` into the bytes of one file.
public protocol ReportWriter: Sendable {
    /// What the option that asks for it is called (`--report`, `--junit`, `--html`).
    var option: String { get }
    /// The file's contents.
    func render(_ report: RunReport) throws -> Data
}

/// `--report PATH.json`: `RunReport.jsonData()`.
public struct JSONReportWriter: ReportWriter {
    public init() {}
    public var option: String { "--report" }
    public func render(_ report: RunReport) throws -> Data { try report.jsonData() }
}

/// `--junit PATH.xml`: `JUnitWriter`.
public struct JUnitReportWriter: ReportWriter {
    public init() {}
    public var option: String { "--junit" }
    public func render(_ report: RunReport) throws -> Data { Data(JUnitWriter.render(report: report).utf8) }
}

/// `--html PATH.html`: `HTMLReport`.
public struct HTMLReportWriter: ReportWriter {
    public init() {}
    public var option: String { "--html" }
    public func render(_ report: RunReport) throws -> Data { Data(HTMLReport.render(report).utf8) }
}

/// The report files a command was asked for: each path with its writer.
public struct ReportOutputs: Sendable {
    public var files: [(path: String, writer: any ReportWriter)]

    /// The outputs for the paths given (nil = not asked for).
    public init(json: String? = nil, junit: String? = nil, html: String? = nil) {
        files = []
        if let json { files.append((json, JSONReportWriter())) }
        if let junit { files.append((junit, JUnitReportWriter())) }
        if let html { files.append((html, HTMLReportWriter())) }
    }

    /// Checks every path up front (before a long run); throws `FileWriteError`.
    public func checkWritable() throws {
        for f in files { try AtomicFileWriter.checkWritable(path: f.path) }
    }

    /// Writes every file atomically; throws `FileWriteError` (or a
    /// rendering error) for the first that fails.
    public func write(_ report: RunReport) throws {
        for f in files { try AtomicFileWriter.write(try f.writer.render(report), to: f.path) }
    }
}
