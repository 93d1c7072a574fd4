import XCTest
@testable import MMUTortureConfig
final class PlaceholderTests: XCTestCase { func testNothing() {} }
