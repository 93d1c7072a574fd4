import XCTest
@testable import MMUTortureCore

/// Each construct of herd7's litmus format, and each error, which must name
/// the file and the line.
final class HerdLitmusParserTests: XCTestCase {
    let sb = #"""
    X86_64 SB
    "PodWR Fre PodWR Fre"
    Cycle=Fre PodWR Fre PodWR
    Generator=diy7 (version 7.57+1)
    {
    }
     P0            | P1            ;
     movl $1,(x)   | movl $1,(y)   ;
     movl (y),%eax | movl (x),%eax ;
    exists (0:rax=0 /\ 1:rax=0)
    """#

    // MARK: constructs

    func testHeaderMetadataGridAndCondition() throws {
        let t = try XCTUnwrap(HerdFixtures.parse(sb))
        XCTAssertEqual(t.dialect, .x86_64)
        XCTAssertEqual(t.name, "SB")
        XCTAssertEqual(t.documentation, ["PodWR Fre PodWR Fre"])
        XCTAssertEqual(t.metadata.map(\.key), ["Cycle", "Generator"])
        XCTAssertEqual(t.metadata[1].value, "diy7 (version 7.57+1)")
        XCTAssertEqual(t.threads.count, 2)
        XCTAssertEqual(t.threads[0].map(\.line), [8, 9])
        XCTAssertEqual(t.threads[0][0].operation, .move(destination: .memory("x"), source: .immediate(1)))
        XCTAssertEqual(t.threads[0][0].width, .long)
        let eax = HerdRegister(index: 0, width: .long)
        XCTAssertEqual(t.threads[1][1].operation, .move(destination: .register(eax), source: .memory("x")))
        XCTAssertEqual(t.locations, ["x", "y"])
        XCTAssertEqual(t.quantifier, .exists)
        XCTAssertEqual(t.conditionLine, 10)
        let rax = HerdRegister(index: 0, width: .quad)
        XCTAssertEqual(t.condition, .and(.atom(.register(thread: 0, rax), 0), .atom(.register(thread: 1, rax), 0)))
    }

    func testIntelDialect() throws {
        let t = try XCTUnwrap(HerdFixtures.parse("""
        X86 MP
        {
        }
         P0         | P1          ;
         MOV [x],$1 | MOV EAX,[y] ;
         MFENCE     | LFENCE      ;
         MOV [y],1  | MOV EBX,[x] ;
         LOCK ADD [z],$2 | XCHG [z],ECX ;
        exists
        (1:EAX=1 /\\ 1:EBX=0)
        """))
        XCTAssertEqual(t.dialect, .x86)
        XCTAssertEqual(t.threads[0].map(\.operation), [
            .move(destination: .memory("x"), source: .immediate(1)), .mfence,
            .move(destination: .memory("y"), source: .immediate(1)),
            .arithmetic(.add, destination: .memory("z"), source: .immediate(2)),
        ])
        XCTAssertTrue(t.threads[0][3].locked)
        XCTAssertEqual(t.threads[1][1].operation, .weakFence("lfence"))
        XCTAssertEqual(t.threads[1][3].operation, .exchange(.memory("z"), .register(HerdRegister(index: 2, width: .long))))
        XCTAssertEqual(t.conditionLine, 9)
        XCTAssertEqual(t.condition.observables, [.register(thread: 1, HerdRegister(index: 0, width: .long)),
                                                 .register(thread: 1, HerdRegister(index: 1, width: .long))])
    }

    func testCommentsAnywhereKeepLineNumbers() throws {
        let t = try XCTUnwrap(HerdFixtures.parse(#"""
        (* a comment
           over two lines (* nested *) *)
        X86_64 C (* after the name *)
        { x=1; (* in the state *) }
         P0            ;
         movl (x),%eax ; (* in the grid *)
        exists (0:rax=1) (* after the condition *)
        """#))
        XCTAssertEqual(t.name, "C")
        XCTAssertEqual(t.initialMemory, ["x": 1])
        XCTAssertEqual(t.threads[0].map(\.line), [6])
        XCTAssertEqual(t.conditionLine, 7)
    }

    func testInitialStateForms() throws {
        let t = try XCTUnwrap(HerdFixtures.parse(#"""
        X86_64 I
        { x=1; uint64_t y; int z = -2;
          [w]=0x10; 0:rax=5; 1:%ebx=7;
          uint8_t b=3 }
         P0 | P1 ;
         mfence | movb $1,(b) ;
        exists ([x]=1 /\ y=0 /\ z=-2 /\ w=16 /\ 0:rax=5 /\ 1:ebx=7 /\ b=1)
        """#))
        XCTAssertEqual(t.initialMemory, ["x": 1, "z": -2, "w": 16, "b": 3])
        XCTAssertEqual(t.locationWidths, ["y": .quad, "z": .long, "b": .byte])
        XCTAssertEqual(t.initialRegisters, [.register(thread: 0, HerdRegister(index: 0, width: .quad)): 5,
                                            .register(thread: 1, HerdRegister(index: 1, width: .long)): 7])
        XCTAssertEqual(t.locations, ["x", "y", "z", "w", "b"])
        XCTAssertEqual(t.threads[1][0].width, .byte)
        XCTAssertEqual(t.explore().verdict, .allow)
    }

    func testGridWithEmptyCellsLabelsAndThreeThreads() throws {
        let t = try XCTUnwrap(HerdFixtures.parse(#"""
        X86_64 G
        {}
         P0          | P1            | P2 ;
         movl $1,(x) |               | L0: ;
                     | L1: movl (x),%eax | L2: L3: mfence ;
                     | movl $1,(y) ;
        exists (1:rax=1)
        """#))
        XCTAssertEqual(t.threads.map(\.count), [1, 2, 1])
        XCTAssertEqual(t.threads[1][0].text, "movl (x),%eax")
        XCTAssertEqual(t.threads[2][0].operation, .mfence)
    }

    func testConditionOperatorsAndPrecedence() throws {
        func condition(_ text: String) -> HerdLitmusTest? {
            HerdFixtures.parse("X86_64 T\n{}\n P0 ;\n movl (x),%eax ;\n" + text)
        }
        let a = HerdCondition.atom(.register(thread: 0, HerdRegister(index: 0, width: .quad)), 1)
        let b = HerdCondition.atom(.location("x"), 2)
        let c = HerdCondition.atom(.location("y"), 3)
        XCTAssertEqual(condition(#"exists 0:rax=1 \/ [x]=2 /\ y=3"#)?.condition, .or(a, .and(b, c)))
        XCTAssertEqual(condition(#"exists (0:rax=1 \/ [x]=2) /\ y=3"#)?.condition, .and(.or(a, b), c))
        XCTAssertEqual(condition(#"exists ~0:rax=1 /\ ~([x]=2)"#)?.condition, .and(.not(a), .not(b)))
        XCTAssertEqual(condition(#"exists true \/ false"#)?.condition, .or(.constant(true), .constant(false)))
        let notExists = condition("~exists (0:rax=1)")
        XCTAssertEqual(notExists?.quantifier, .notExists)
        XCTAssertEqual(notExists?.conditionText, "~exists (0:rax=1)")
        XCTAssertEqual(condition("~ exists\n(0:rax=1)")?.quantifier, .notExists)
        XCTAssertEqual(condition("forall (0:rax=0 \\/ 0:rax=1)")?.quantifier, .forall)
        XCTAssertEqual(condition(#"exists (0:rax=1 \/ [x]=2) /\ y=3"#)?.conditionText, #"exists ((0:rax=1 \/ [x]=2) /\ [y]=3)"#)
    }

    func testLocationsClause() throws {
        let t = try XCTUnwrap(HerdFixtures.parse("""
        X86_64 L
        {}
         P0 ;
         movl $1,(x) ;
        locations [y; 0:rax; x;]
        exists (x=1)
        """))
        XCTAssertEqual(t.observables, [.location("x"), .location("y"), .register(thread: 0, HerdRegister(index: 0, width: .quad))])
        XCTAssertEqual(t.locations, ["x", "y"])
        XCTAssertEqual(t.explore().render(LitmusOutcome([1, 0, 0])), "x=1 y=0 0:rax=0")
    }

    func testRegisterAliasesAndSuffixes() throws {
        XCTAssertEqual(HerdRegister.named("EAX", dialect: .x86_64), HerdRegister(index: 0, width: .long))
        XCTAssertEqual(HerdRegister.named("rax", dialect: .x86_64)?.index, HerdRegister.named("al", dialect: .x86_64)?.index)
        XCTAssertEqual(HerdRegister.named("r9d", dialect: .x86_64), HerdRegister(index: 9, width: .long))
        XCTAssertNil(HerdRegister.named("rax", dialect: .x86))
        XCTAssertNil(HerdRegister.named("sil", dialect: .x86))
        XCTAssertEqual(HerdRegister.named("AX", dialect: .x86), HerdRegister(index: 0, width: .word))
        let t = try XCTUnwrap(HerdFixtures.parse("""
        X86_64 W
        { uint64_t x; }
         P0 ;
         movq $1,(x) ;
         movw %ax,(x) ;
         lock xaddq %rbx,(x) ;
         lock cmpxchgl %ecx,(x) ;
         mov $1,(x) ;
         xchg %rax,%rbx ;
         incb %al ;
        exists (x=1)
        """))
        XCTAssertEqual(t.threads[0].map(\.width), [.quad, .word, .quad, .long, .quad, .quad, .byte])
        XCTAssertEqual(t.threads[0][2].operation, .exchangeAdd(destination: .memory("x"), source: HerdRegister(index: 1, width: .quad)))
        XCTAssertEqual(t.threads[0][3].operation, .compareExchange(destination: .memory("x"), source: HerdRegister(index: 2, width: .long)))
        XCTAssertEqual(t.threads[0][6].operation, .arithmetic(.inc, destination: .register(HerdRegister(index: 0, width: .byte)), source: nil))
    }

    // MARK: errors

    /// A test whose one thread runs `cell` (line 4), from `state` (line 2).
    func oneThread(_ cell: String, dialect: String = "X86_64", state: String = "{}") -> String {
        "\(dialect) E\n\(state)\n P0 ;\n \(cell) ;\nexists (x=1)"
    }

    /// Each (dialect, cell, message fragment): an error on line 4.
    func expectCellErrors(_ cases: [(String, String, String)], file: StaticString = #filePath, line: UInt = #line) {
        for (dialect, cell, fragment) in cases {
            HerdFixtures.expectError(oneThread(cell, dialect: dialect), line: 4, fragment, file: file, line: line)
        }
    }

    func testUnknownAndUnsupportedInstructions() {
        HerdFixtures.expectError(oneThread("movl $1,(x) ;\n movz $1,(x)"), line: 5, "unknown instruction 'movz $1,(x)'")
        expectCellErrors([
            ("X86_64", "jmp L0", "unknown instruction 'jmp L0'"),
            ("X86", "CMP [x],$1", "unknown instruction 'CMP [x],$1'"),
            ("X86_64", "lock movl $1,(x)", "lock prefix is not allowed on mov"),
            ("X86_64", "lock addl $1,%eax", "lock prefix needs a memory destination"),
            ("X86_64", "mfence %eax", "takes no operands"),
            ("X86_64", "incl $1,(x)", "takes 1 operand, found 2"),
        ])
    }

    func testBadOperands() {
        expectCellErrors([
            ("X86_64", "movl $1,(%rdi)", "addressing through a register"),
            ("X86", "MOV [EAX],$1", "addressing through a register"),
            ("X86_64", "movl $x,(y)", "bad immediate '$x'"),
            ("X86_64", "movl %eqx,(y)", "unknown register '%eqx'"),
            ("X86_64", "movl %rax,(y)", "operand size mismatch"),
            ("X86_64", "movl (x),(y)", "two memory operands"),
            ("X86_64", "movl %eax,$1", "cannot write to an immediate"),
            ("X86_64", "movl $1,", "missing operand"),
            ("X86", "MOV RAX,[x]", "unknown register 'RAX'"),
        ])
    }

    func testStructureErrors() {
        HerdFixtures.expectError("", line: 1, "empty test")
        HerdFixtures.expectError("\n\nAArch64 MP\n{}\n", line: 3, "architecture 'AArch64' is not supported")
        HerdFixtures.expectError("X86_64\n{}\n", line: 1, "missing test name")
        HerdFixtures.expectError("X86_64 E\nnot metadata\n{}\n", line: 2, "expected a quoted line, a Key=value line")
        HerdFixtures.expectError("X86_64 E\n\"unterminated\n{}\n", line: 2, "unterminated quoted line")
        HerdFixtures.expectError("X86_64 E\nA=b\n", line: 2, "missing the initial state block")
        HerdFixtures.expectError("X86_64 E\n{ x=1;\n y=2;\n P0 ;\n", line: 2, "unterminated initial state block")
        HerdFixtures.expectError("X86_64 E\n{}\n P0 | P2 ;\n", line: 3, "expected 'P1' in the thread header, found 'P2'")
        HerdFixtures.expectError("X86_64 E\n{}\n movl $1,(x) ;\n", line: 3, "expected 'P0' in the thread header")
        HerdFixtures.expectError("X86_64 E\n{}\n P0 ;\n movl $1,(x)\nexists (x=1)", line: 4, "must end with ';'")
        HerdFixtures.expectError("X86_64 E\n{}\n P0 ;\n movl $1,(x) | mfence ;\nexists (x=1)", line: 4, "2 columns, but the header names 1 thread")
    }

    func testUnterminatedComment() {
        HerdFixtures.expectError("X86_64 E\n{}\n P0 ;\n movl $1,(x) ; (* never\n closed\nexists (x=1)", line: 4, "unterminated comment")
    }

    func testInitialStateErrors() {
        for (state, line, fragment) in [
            ("{ 0:rdi=x; }", 2, "initialised to the address of 'x'"),
            ("{\n int *p; }", 3, "pointer declaration"),
            ("{ 0:rqx=1; }", 2, "unknown register 'rqx' in the initial state"),
            ("{ float x; }", 2, "unsupported type 'float'"),
            ("{ x=one; }", 2, "initialised to the address"),
            ("{ x=1+; }", 2, "bad initial value '1+'"),
            ("{\n 2:rax=1; }", 3, "the test has 1 thread"),
        ] {
            HerdFixtures.expectError(oneThread("mfence", state: state), line: line, fragment)
        }
    }

    func testConditionErrors() {
        let head = "X86_64 E\n{}\n P0 | P1 ;\n movl $1,(x) | mfence ;\n"
        HerdFixtures.expectError(head, line: 4, "missing final condition")
        HerdFixtures.expectError(head + "\n\n", line: 6, "missing final condition")
        HerdFixtures.expectError(head + "exists (0:rqx=1)", line: 5, "unknown register 'rqx'")
        HerdFixtures.expectError(head + "exists (2:rax=1)", line: 5, "of thread 2, but the test has 2 threads")
        HerdFixtures.expectError(head + "exists\n(0:rax=1 /\\\n 1:rax=x)", line: 7, "comparing with the address")
        HerdFixtures.expectError(head + "exists (0:rax=1", line: 5, "expected ')'")
        HerdFixtures.expectError(head + "exists (0:rax=1) /\\", line: 5, "ends too early")
        HerdFixtures.expectError(head + "exists (0:rax=1)\nx=1", line: 6, "unexpected 'x' after the final condition")
        HerdFixtures.expectError(head + "exists (0:rax=1)\nexists (x=1)", line: 6, "a second final condition")
        HerdFixtures.expectError(head + "exists (0:rax == 1)", line: 5, "expected a value after '0:rax='")
        HerdFixtures.expectError(head + "exists (0:rax=1 & x=1)", line: 5, "unexpected character '&'")
        HerdFixtures.expectError(head + "filter (x=1)\nexists (x=1)", line: 5, "'filter' clauses are not supported")
        HerdFixtures.expectError(head + "~ (x=1)", line: 5, "expected 'exists' after '~'")
        HerdFixtures.expectError(head + "locations [x; 0:foo;]\nexists (x=1)", line: 5, "unknown register 'foo'")
    }

    func testLoadNamesTheFile() {
        XCTAssertThrowsError(try HerdLitmusParser.load(path: "/nonexistent/x.litmus")) { e in
            XCTAssertEqual((e as? HerdLitmusError)?.file, "/nonexistent/x.litmus")
        }
        XCTAssertThrowsError(try HerdLitmusParser.litmusFiles(at: "/nonexistent")) { e in
            XCTAssertEqual((e as? HerdLitmusError)?.description, "/nonexistent: no such file or directory")
        }
    }
}
