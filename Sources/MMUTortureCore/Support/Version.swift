/// The tool's version, reported by `--version` and in every report.
public enum MMUTortureVersion {
    public static let string = "0.1.0"
}
