import Foundation

/// A length of time as config files and the command line write it: `10s`,
/// `500ms`, `20us`, `2m`, `1h`, or a bare number of seconds (`30`).
///
/// Held as a whole number of microseconds, so that every value prints back
/// exactly as a string that parses to it again (`description` picks the
/// largest unit that divides it). Decimals are accepted (`1.5s`, `0.25ms`)
/// as long as they come to a whole number of microseconds.
public struct DurationSpec: Hashable, Comparable, Sendable, Codable, LosslessStringConvertible {
    /// The length in microseconds.
    public var microseconds: UInt64

    /// A duration of `microseconds` microseconds.
    public init(microseconds: UInt64) {
        self.microseconds = microseconds
    }

    /// Parses `text` (see the type's documentation); nil when it is not a
    /// duration or does not fit in 64 bits of microseconds.
    public init?(_ text: String) {
        guard let value = DurationSpec.parse(text) else { return nil }
        self = value
    }

    /// No time at all.
    public static let zero = DurationSpec(microseconds: 0)

    /// A duration of whole microseconds.
    public static func microseconds(_ value: UInt64) -> DurationSpec { DurationSpec(microseconds: value) }
    /// A duration of whole milliseconds (saturating at the largest value).
    public static func milliseconds(_ value: UInt64) -> DurationSpec { scaled(value, by: 1_000) }
    /// A duration of whole seconds (saturating at the largest value).
    public static func seconds(_ value: UInt64) -> DurationSpec { scaled(value, by: 1_000_000) }
    /// A duration of whole minutes (saturating at the largest value).
    public static func minutes(_ value: UInt64) -> DurationSpec { scaled(value, by: 60_000_000) }
    /// A duration of whole hours (saturating at the largest value).
    public static func hours(_ value: UInt64) -> DurationSpec { scaled(value, by: 3_600_000_000) }

    private static func scaled(_ value: UInt64, by factor: UInt64) -> DurationSpec {
        let (product, overflow) = value.multipliedReportingOverflow(by: factor)
        return DurationSpec(microseconds: overflow ? .max : product)
    }

    /// The length in seconds.
    public var seconds: Double { Double(microseconds) / 1_000_000 }
    /// The length in nanoseconds (saturating).
    public var nanoseconds: UInt64 {
        let (product, overflow) = microseconds.multipliedReportingOverflow(by: 1_000)
        return overflow ? .max : product
    }
    /// The length as a Swift `Duration`.
    public var duration: Duration { .microseconds(Int64(clamping: microseconds)) }
    /// Whether this is zero.
    public var isZero: Bool { microseconds == 0 }

    /// The shortest exact spelling: `10s`, `500ms`, `20us`, `2m`, `1h`, `0s`.
    public var description: String {
        if microseconds == 0 { return "0s" }
        for (unit, size) in DurationSpec.units where microseconds % size == 0 {
            return "\(microseconds / size)\(unit)"
        }
        return "\(microseconds)us"
    }

    public static func < (lhs: DurationSpec, rhs: DurationSpec) -> Bool {
        lhs.microseconds < rhs.microseconds
    }

    /// What a duration looks like, for error messages.
    public static let expectation = "a duration like 10s, 500ms, 20us, 2m or 1h"

    /// Units from the largest down, with their size in microseconds.
    private static let units: [(String, UInt64)] = [
        ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000), ("ms", 1_000), ("us", 1),
    ]

    /// Suffixes accepted on input, longest first so that `ms` is not read as `m`.
    private static let suffixes: [(String, UInt64)] = [
        ("ms", 1_000), ("us", 1), ("µs", 1), ("h", 3_600_000_000), ("m", 60_000_000), ("s", 1_000_000),
    ]

    /// Parses without trapping on any input: digits are accumulated with
    /// overflow checks, never through a force-unwrapped conversion.
    private static func parse(_ raw: String) -> DurationSpec? {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        var unit: UInt64 = 1_000_000  // a bare number is seconds
        for (suffix, size) in suffixes where text.hasSuffix(suffix) {
            text = text.dropLast(suffix.count)
            unit = size
            break
        }
        text = Substring(text.trimmingCharacters(in: .whitespaces))
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let wholeText = parts.first, !wholeText.isEmpty || parts.count == 2 else { return nil }
        let fractionText = parts.count == 2 ? parts[1] : ""
        if parts.count == 2 && fractionText.isEmpty { return nil }
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isWholeNumber }
        guard wholeText.allSatisfy(isDigit), fractionText.allSatisfy(isDigit) else { return nil }

        var total: UInt64 = 0
        for digit in wholeText {
            guard let value = digit.wholeNumberValue else { return nil }
            let (times10, o1) = total.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(value))
            guard !o1, !o2 else { return nil }
            total = sum
        }
        let (whole, overflow) = total.multipliedReportingOverflow(by: unit)
        guard !overflow else { return nil }

        // The fraction must come to whole microseconds: 1.5ms is fine, 1.5us is not.
        var fraction: UInt64 = 0
        var scale = unit
        for digit in fractionText {
            guard let value = digit.wholeNumberValue else { return nil }
            if scale % 10 != 0 {
                if value != 0 { return nil }
                continue
            }
            scale /= 10
            fraction += UInt64(value) * scale
        }
        let (sum, o3) = whole.addingReportingOverflow(fraction)
        guard !o3 else { return nil }
        return DurationSpec(microseconds: sum)
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let seconds = try? container.decode(UInt64.self) {
            self = .seconds(seconds)
            return
        }
        let text = try container.decode(String.self)
        guard let value = DurationSpec(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected \(DurationSpec.expectation), got '\(text)'")
        }
        self = value
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
