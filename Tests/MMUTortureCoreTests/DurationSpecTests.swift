import XCTest
@testable import MMUTortureCore

final class DurationSpecTests: XCTestCase {
    func testParsesEveryUnitAndBareSeconds() {
        XCTAssertEqual(DurationSpec("20us"), .microseconds(20))
        XCTAssertEqual(DurationSpec("20µs"), .microseconds(20))
        XCTAssertEqual(DurationSpec("500ms"), .milliseconds(500))
        XCTAssertEqual(DurationSpec("10s"), .seconds(10))
        XCTAssertEqual(DurationSpec("2m"), .minutes(2))
        XCTAssertEqual(DurationSpec("1h"), .hours(1))
        XCTAssertEqual(DurationSpec("30"), .seconds(30))
        XCTAssertEqual(DurationSpec(" 10 s "), .seconds(10))
        XCTAssertEqual(DurationSpec("0"), .zero)
    }

    func testParsesExactDecimals() {
        XCTAssertEqual(DurationSpec("1.5s"), .milliseconds(1_500))
        XCTAssertEqual(DurationSpec("0.25ms"), .microseconds(250))
        XCTAssertEqual(DurationSpec(".5m"), .seconds(30))
        XCTAssertEqual(DurationSpec("1.000001s"), .microseconds(1_000_001))
        XCTAssertNil(DurationSpec("1.5us"), "finer than a microsecond")
        XCTAssertNil(DurationSpec("1.0000001s"), "finer than a microsecond")
        XCTAssertEqual(DurationSpec("1.0000000s"), .seconds(1), "trailing zeros are exact")
    }

    func testRejectsMalformedAndOverflowingInput() {
        for text in ["", "s", "ten", "10x", "10ns", "-5s", "1.s", ".", "1..2s", "1e3s", "0x10s", "10 m s",
                     "99999999999999999999", "18446744073709551615h", "5min"] {
            XCTAssertNil(DurationSpec(text), text)
        }
    }

    func testDescriptionIsShortestExactSpellingAndRoundTrips() {
        XCTAssertEqual(DurationSpec.seconds(10).description, "10s")
        XCTAssertEqual(DurationSpec.milliseconds(1_500).description, "1500ms")
        XCTAssertEqual(DurationSpec.minutes(120).description, "2h")
        XCTAssertEqual(DurationSpec.seconds(90).description, "90s")
        XCTAssertEqual(DurationSpec.zero.description, "0s")
        XCTAssertEqual(DurationSpec.microseconds(20).description, "20us")
        for value: UInt64 in [0, 1, 999, 1_000, 1_000_001, 60_000_000, 3_600_000_000, .max] {
            let spec = DurationSpec(microseconds: value)
            XCTAssertEqual(DurationSpec(spec.description), spec, spec.description)
        }
    }

    func testConversions() {
        XCTAssertEqual(DurationSpec.milliseconds(1_500).seconds, 1.5)
        XCTAssertEqual(DurationSpec.microseconds(3).nanoseconds, 3_000)
        XCTAssertEqual(DurationSpec(microseconds: .max).nanoseconds, .max, "saturates")
        XCTAssertEqual(DurationSpec.seconds(2).duration, .seconds(2))
        XCTAssertEqual(DurationSpec.hours(.max).microseconds, .max, "saturates")
        XCTAssertLessThan(DurationSpec.milliseconds(999), .seconds(1))
    }

    func testCodableAsStringAndAcceptsBareNumbers() throws {
        let data = try JSONEncoder().encode([DurationSpec.milliseconds(250)])
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"["250ms"]"#)
        XCTAssertEqual(try JSONDecoder().decode([DurationSpec].self, from: data), [.milliseconds(250)])
        XCTAssertEqual(try JSONDecoder().decode([DurationSpec].self, from: Data("[7]".utf8)), [.seconds(7)])
        XCTAssertThrowsError(try JSONDecoder().decode([DurationSpec].self, from: Data(#"["soon"]"#.utf8)))
    }
}
