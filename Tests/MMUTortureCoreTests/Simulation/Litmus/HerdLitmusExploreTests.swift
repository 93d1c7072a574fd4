import XCTest
@testable import MMUTortureCore

/// What each instruction does on the simulator, through the final states
/// and verdicts of small herd7 tests.
final class HerdLitmusExploreTests: XCTestCase {
    func run(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> HerdLitmusResult? {
        guard let t = HerdFixtures.parse(text, file: file, line: line) else { return nil }
        let r = t.explore()
        XCTAssertTrue(r.complete, "\(t.name): search incomplete", file: file, line: line)
        return r
    }

    func finalValues(_ r: HerdLitmusResult?) -> Set<[Int64]> {
        guard let r else { return [] }
        return Set(r.counts.keys.map { o in zip(r.observables, o.values).map { r.test.width(of: $0).signed($1) } })
    }

    func testLockedAddIsAtomicAndPlainAddIsNot() {
        let locked = run(#"""
        X86_64 ADD+locked
        {}
         P0               | P1               ;
         lock addl $1,(x) | lock addl $1,(x) ;
        forall (x=2)
        """#)
        XCTAssertEqual(finalValues(locked), [[2]])
        XCTAssertEqual(locked?.verdict, .forbid, "forall: no final state violates x=2")
        XCTAssertEqual(locked?.observation, "Always")
        let plain = run(#"""
        X86_64 ADD+plain
        {}
         P0          | P1          ;
         addl $1,(x) | addl $1,(x) ;
        forall (x=2)
        """#)
        XCTAssertEqual(finalValues(plain), [[1], [2]])
        XCTAssertEqual(plain?.verdict, .allow, "forall: x=1 violates it")
    }

    func testOtherLockedOperations() {
        let r = run(#"""
        X86_64 RMW
        { x=12; y=5; z=1; }
         P0                | P1               ;
         lock subl $2,(x)  | lock orl $1,(y)  ;
         lock andl $6,(x)  | lock xorl $4,(y) ;
         lock incl (z)     | lock decl (z)    ;
         lock incl (z)     |                  ;
        exists (x=2 /\ y=1 /\ z=2)
        """#)
        XCTAssertEqual(finalValues(r), [[2, 1, 2]])
        XCTAssertEqual(r?.verdict, .allow)
    }

    func testXaddGivesEachThreadADistinctTicket() {
        let r = run(#"""
        X86_64 XADD
        {}
         P0                   | P1                   ;
         movl $1,%eax         | movl $1,%eax         ;
         lock xaddl %eax,(x)  | lock xaddl %eax,(x)  ;
        exists (0:rax=1 /\ 1:rax=1)
        """#)
        XCTAssertEqual(finalValues(r), [[0, 1], [1, 0]])
        XCTAssertEqual(r?.verdict, .forbid)
    }

    func testCmpxchgSucceedsForExactlyOneThread() {
        let r = run(#"""
        X86_64 CMPXCHG
        { 0:rcx=1; 1:rcx=2; }
         P0                     | P1                     ;
         lock cmpxchgl %ecx,(x) | lock cmpxchgl %ecx,(x) ;
        locations [x;]
        exists (0:rax=0 /\ 1:rax=0)
        """#)
        // The loser's accumulator gets the winner's value.
        XCTAssertEqual(finalValues(r), [[0, 1, 1], [2, 0, 2]])
        XCTAssertEqual(r?.verdict, .forbid)
    }

    func testXchgIsLockedAndDrainsTheStoreBuffer() {
        let r = run(#"""
        X86 SB+xchgs
        { 0:EAX=1; 1:EAX=1; }
         P0          | P1          ;
         XCHG [x],EAX | XCHG [y],EAX ;
         MOV EBX,[y] | MOV EBX,[x] ;
        exists (0:EBX=0 /\ 1:EBX=0)
        """#)
        XCTAssertEqual(r?.verdict, .forbid)
        let swapped = run(#"""
        X86_64 XCHG-regs
        { 0:rax=1; 0:rbx=2; }
         P0             ;
         xchgq %rax,%rbx ;
        exists (0:rax=2 /\ 0:rbx=1)
        """#)
        XCTAssertEqual(finalValues(swapped), [[2, 1]])
    }

    func testLfenceAndSfenceDoNotOrderStoreThenLoad() {
        let r = run(#"""
        X86_64 SB+lfence+sfence
        {}
         P0            | P1            ;
         movl $1,(x)   | movl $1,(y)   ;
         lfence        | sfence        ;
         movl (y),%eax | movl (x),%eax ;
        exists (0:rax=0 /\ 1:rax=0)
        """#)
        XCTAssertEqual(r?.verdict, .allow)
    }

    func testNarrowStoresMergeAndAreSeenInOrder() {
        let r = run(#"""
        X86_64 MOVB
        { uint64_t x; }
         P0                 | P1             ;
         movq $0x01020304,(x) | movq (x),%rbx ;
         movb $0xff,(x)     |                ;
         movq (x),%rax      |                ;
        exists (0:rax=0x010203ff /\ 1:rbx=0xff)
        """#)
        XCTAssertEqual(finalValues(r), [[0x0102_03FF, 0], [0x0102_03FF, 0x0102_0304], [0x0102_03FF, 0x0102_03FF]])
        XCTAssertEqual(r?.verdict, .forbid)
    }

    func testRegisterWidths() {
        let r = run(#"""
        X86_64 REGS
        { 0:rax=-1; 0:rbx=-1; }
         P0               ;
         movl $0x100,%eax ;
         movb $1,%al      ;
         movw $2,%bx      ;
         addq $3,%rbx     ;
        exists (0:rax=0x101 /\ 0:bx=5 /\ 0:ebx=0xffff0005)
        """#)
        // 32-bit writes zero-extend, 8- and 16-bit writes keep the rest.
        XCTAssertEqual(r?.verdict, .allow)
        XCTAssertEqual(r?.observation, "Always")
    }

    func testNotExistsVerdictRefersToTheConditionInside() {
        let r = run(#"""
        X86_64 MP+negated
        {}
         P0          | P1            ;
         movl $1,(x) | movl (y),%eax ;
         movl $1,(y) | movl (x),%ebx ;
        ~exists (1:rax=1 /\ 1:rbx=0)
        """#)
        XCTAssertEqual(r?.verdict, .forbid)
        XCTAssertEqual(r?.positive, 0)
        XCTAssertEqual(r?.negative, 3)
    }

    func testInitialValuesAndNegativeNumbers() {
        let r = run(#"""
        X86 INIT
        { x=-1; 0:EAX=7; }
         P0          ;
         MOV EBX,[x] ;
        exists (x=-1 /\ 0:EAX=7 /\ 0:EBX=0xffffffff)
        """#)
        XCTAssertEqual(r?.verdict, .allow)
        XCTAssertEqual(r.map { $0.render($0.states[0]) }, "x=-1 0:eax=7 0:ebx=-1")
    }
}
