import Foundation
import XCTest
import URCUShim
@testable import MMUTortureCore
#if canImport(Glibc)
import Glibc
#endif

/// The C shim's context switch, used directly: many switches, values kept
/// across them, deep call chains on a coroutine stack, per-context
/// floating-point control state, the guard page.
final class SimCoroutineTests: XCTestCase {
    /// Shared by the coroutines of one test (raw memory: C entry points
    /// cannot capture).
    struct Ring {
        var contexts: UnsafeMutablePointer<mmut_coro>   // n coroutines, then main
        var n: Int
        var rounds: Int
        var starting: Int
        var ints: UnsafeMutablePointer<Int>
        var doubles: UnsafeMutablePointer<Double>
    }

    /// Coroutine i: per round, updates locals, then switches to i + 1 (the
    /// last one to main). Locals must survive every switch.
    static let ringEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
        let ring = arg!.assumingMemoryBound(to: Ring.self)
        let me = ring.pointee.starting
        let next = me + 1 == ring.pointee.n ? ring.pointee.n : me + 1
        var acc = me &* 1000
        var f = Double(me) + 0.5
        for r in 0..<ring.pointee.rounds {
            acc = acc &* 31 &+ r
            f = f * 1.000001 + Double(r & 7)
            if next < ring.pointee.n { ring.pointee.starting = next }
            mmut_coro_switch(ring.pointee.contexts + me, ring.pointee.contexts + next)
        }
        ring.pointee.ints[me] = acc
        ring.pointee.doubles[me] = f
        mmut_coro_switch(ring.pointee.contexts + me, ring.pointee.contexts + next)
        fatalError("resumed after the end")
    }

    func testManySwitchesPreserveLocals() {
        let n = 3, rounds = 100_000, size = 256 * 1024
        let contexts = UnsafeMutablePointer<mmut_coro>.allocate(capacity: n + 1)
        contexts.initialize(repeating: mmut_coro(sp: nil), count: n + 1)
        let ints = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let doubles = UnsafeMutablePointer<Double>.allocate(capacity: n)
        let stacks = (0..<n).map { _ in mmut_coro_stack_alloc(size)! }
        let ring = UnsafeMutablePointer<Ring>.allocate(capacity: 1)
        ring.initialize(to: Ring(contexts: contexts, n: n, rounds: rounds, starting: 0, ints: ints, doubles: doubles))
        defer {
            for s in stacks { mmut_coro_stack_free(s, size) }
            contexts.deallocate(); ints.deallocate(); doubles.deallocate(); ring.deallocate()
        }
        for i in 0..<n { mmut_coro_init(contexts + i, stacks[i], size, SimCoroutineTests.ringEntry, ring) }
        // Main's own locals must survive too.
        var mainAcc = 7
        for r in 0...rounds {
            ring.pointee.starting = 0
            mainAcc = mainAcc &* 3 &+ r
            mmut_coro_switch(contexts + n, contexts + 0)
        }
        var expectedMain = 7
        for r in 0...rounds { expectedMain = expectedMain &* 3 &+ r }
        XCTAssertEqual(mainAcc, expectedMain)
        for me in 0..<n {
            var acc = me &* 1000
            var f = Double(me) + 0.5
            for r in 0..<rounds {
                acc = acc &* 31 &+ r
                f = f * 1.000001 + Double(r & 7)
            }
            XCTAssertEqual(ints[me], acc, "coroutine \(me)")
            XCTAssertEqual(doubles[me], f, "coroutine \(me)")
        }
    }

    struct Nest {
        var main = mmut_coro(sp: nil)
        var coro = mmut_coro(sp: nil)
        var depth = 0
        var seen: UnsafeMutablePointer<Int>
        var result = 0
    }

    /// A recursive call chain on the coroutine stack, switching to main at
    /// every level on the way down and on the way up.
    @inline(never)
    static func descend(_ nest: UnsafeMutablePointer<Nest>, _ level: Int) -> Int {
        var frame = (level, level &* 2, level &* 3, level &* 5)   // some stack per frame
        nest.pointee.seen[level] = level
        mmut_coro_switch(&nest.pointee.coro, &nest.pointee.main)
        let below = level + 1 < nest.pointee.depth ? descend(nest, level + 1) : 0
        mmut_coro_switch(&nest.pointee.coro, &nest.pointee.main)
        frame.3 &+= below
        return frame.0 &+ frame.1 &+ frame.2 &+ frame.3
    }

    static let nestEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
        let nest = arg!.assumingMemoryBound(to: Nest.self)
        nest.pointee.result = descend(nest, 0)
        nest.pointee.depth = -1
        mmut_coro_switch(&nest.pointee.coro, &nest.pointee.main)
        fatalError("resumed after the end")
    }

    func testNestedCallsOnTheCoroutineStack() {
        let depth = 1_000, size = 256 * 1024
        let stack = mmut_coro_stack_alloc(size)!
        let nest = UnsafeMutablePointer<Nest>.allocate(capacity: 1)
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: depth)
        seen.initialize(repeating: -1, count: depth)
        nest.initialize(to: Nest(depth: depth, seen: seen))
        defer { mmut_coro_stack_free(stack, size); nest.deallocate(); seen.deallocate() }
        mmut_coro_init(&nest.pointee.coro, stack, size, SimCoroutineTests.nestEntry, nest)
        var switches = 0
        while nest.pointee.depth != -1 {
            mmut_coro_switch(&nest.pointee.main, &nest.pointee.coro)
            switches += 1
        }
        XCTAssertEqual(switches, 2 * depth + 1)
        XCTAssertTrue((0..<depth).allSatisfy { seen[$0] == $0 })
        var expected = 0
        for level in 0..<depth { expected += level * 11 }   // level + 2 level + 3 level + 5 level per frame
        XCTAssertEqual(nest.pointee.result, expected)
    }

    struct Rounding {
        var main = mmut_coro(sp: nil)
        var coro = mmut_coro(sp: nil)
        var insideMode: Int32 = 0
        var insideAfter: Int32 = 0
    }

    static let roundingEntry: @convention(c) (UnsafeMutableRawPointer?) -> Void = { arg in
        let r = arg!.assumingMemoryBound(to: Rounding.self)
        fesetround(FE_TOWARDZERO)
        r.pointee.insideMode = fegetround()
        mmut_coro_switch(&r.pointee.coro, &r.pointee.main)
        r.pointee.insideAfter = fegetround()
        mmut_coro_switch(&r.pointee.coro, &r.pointee.main)
        fatalError("resumed after the end")
    }

    /// MXCSR (the SSE rounding mode) is per context.
    func testFloatingPointControlIsPerContext() {
        let size = 64 * 1024
        let stack = mmut_coro_stack_alloc(size)!
        let r = UnsafeMutablePointer<Rounding>.allocate(capacity: 1)
        r.initialize(to: Rounding())
        defer { mmut_coro_stack_free(stack, size); r.deallocate() }
        let before = fegetround()
        mmut_coro_init(&r.pointee.coro, stack, size, SimCoroutineTests.roundingEntry, r)
        mmut_coro_switch(&r.pointee.main, &r.pointee.coro)
        XCTAssertEqual(r.pointee.insideMode, FE_TOWARDZERO)
        XCTAssertEqual(fegetround(), before, "the coroutine's rounding mode leaked into main")
        mmut_coro_switch(&r.pointee.main, &r.pointee.coro)
        XCTAssertEqual(r.pointee.insideAfter, FE_TOWARDZERO, "the coroutine's rounding mode was lost")
        XCTAssertEqual(fegetround(), before)
    }

    /// The page below a stack is mapped without access; the stack itself is
    /// usable to its last byte.
    func testStackHasAGuardPage() throws {
        let size = 256 * 1024
        let stack = mmut_coro_stack_alloc(size)!
        defer { mmut_coro_stack_free(stack, size) }
        let bytes = stack.assumingMemoryBound(to: UInt8.self)
        bytes[0] = 1
        bytes[size - 1] = 2
        let guardPage = UInt(bitPattern: stack) - UInt(sysconf(Int32(_SC_PAGESIZE)))
        // Line by line: procfs files report size 0, which whole-file readers
        // may take at its word.
        guard let f = fopen("/proc/self/maps", "r") else { throw XCTSkip("no /proc/self/maps") }
        defer { fclose(f) }
        var buffer: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(buffer) }
        var line: String?
        while getline(&buffer, &capacity, f) > 0 {
            let l = String(cString: buffer!)
            let range = l.split(separator: " ")[0].split(separator: "-").compactMap { UInt($0, radix: 16) }
            if range.count == 2 && range[0] <= guardPage && guardPage < range[1] { line = l; break }
        }
        XCTAssertNotNil(line)
        XCTAssertEqual(line.map { String($0.split(separator: " ")[1]) }, "---p", "guard page: \(line ?? "")")
    }

    /// Swift bodies on the executor's stacks: recursion with a platform
    /// operation (and so, often, a switch) at every level.
    func testExecutorBodiesRecurseAcrossSwitches() {
        let words = UnsafeMutablePointer<UInt64>.allocate(capacity: 4)
        words.initialize(repeating: 0, count: 4)
        defer { words.deallocate() }
        func recurse(_ p: SimPlatform, _ level: Int) -> UInt64 {
            let here = p.fetchAdd(words, 1) &* 0 &+ UInt64(level)
            return level == 0 ? here : here &+ recurse(p, level - 1)
        }
        let depth = 500
        let body: SimExecutor.Body = { p in words[1 + p.threadIndex] = recurse(p, depth) }
        let executor = SimExecutor(threadCount: 3)
        let e = executor.run(scheduler: RandomWalkScheduler(seed: 5), [body, body, body])!
        XCTAssertEqual(e.outcome, .completed)
        XCTAssertGreaterThan(e.contextSwitches, 100)
        XCTAssertEqual(words[0], UInt64(3 * (depth + 1)))
        for t in 0..<3 { XCTAssertEqual(words[1 + t], UInt64(depth * (depth + 1) / 2)) }
    }
}
