import Testing

@testable import MMUSyntax

/// Every syntax error the parser can give, pinned by message and position. The expected
/// strings are `LINE:COL: message`.
@Suite("Malformed input")
struct MalformedInputTests {
  struct Case: CustomTestStringConvertible, Sendable {
    var input: String
    var expected: String
    var hint: String?
    var testDescription: String { String(input.prefix(40)) }
  }

  static let cases: [Case] = [
    // Lexical
    Case(input: "echo \"abc", expected: "1:6: unterminated string"),
    Case(input: "print 1\necho \"abc\nprint 2", expected: "2:6: unterminated string"),
    Case(input: #"print "a\qb""#, expected: #"1:9: unknown escape sequence '\q' in string"#),
    Case(
      input: "print 99999999999999999999",
      expected: "1:7: integer literal '99999999999999999999' overflows 64 bits"),
    Case(input: "print 32768P", expected: "1:7: integer literal '32768P' overflows 64 bits"),
    Case(input: "print 0b102", expected: "1:7: invalid digit '2' in binary literal '0b102'"),
    Case(
      input: "print 4KB", expected: "1:7: invalid suffix 'KB' on integer literal '4KB'",
      hint: "size suffixes are K, M, G, T and P"),
    Case(input: "print 0x", expected: "1:7: expected hexadecimal digits after '0x'"),
    Case(input: "print @", expected: "1:7: unexpected character '@'"),
    Case(input: "x = 1\u{0}", expected: "1:6: NUL byte in source"),
    Case(
      input: "print 1 \\ 2", expected: "1:9: unexpected '\\'; a line continuation must end its line"
    ),
    Case(input: "for i in 0 .. 4 { }", expected: "1:12: unexpected '..'"),
    // Blocks, parentheses, structure
    Case(
      input: "if x {\n  print 1\n", expected: "1:6: unterminated block: '{' has no matching '}'"),
    Case(
      input: "proc f() {\n  if x {\n  }\n",
      expected: "1:10: unterminated block: '{' has no matching '}'"),
    Case(input: "print (1 + 2", expected: "1:7: unterminated '(': no matching ')'"),
    Case(input: "print f(1,\n 2", expected: "1:8: unterminated '(': no matching ')'"),
    Case(input: "}", expected: "1:1: unexpected '}' with no open block"),
    Case(input: "print 1\n}\n", expected: "2:1: unexpected '}' with no open block"),
    Case(input: "else { }", expected: "1:1: 'else' without a matching 'if'"),
    Case(input: "if x {\n}\nprint 1\nelse {\n}", expected: "4:1: 'else' without a matching 'if'"),
    Case(input: "4 + 4", expected: "1:1: expected a statement, found '4'"),
    Case(input: "print 1 2", expected: "1:9: expected end of statement, found '2'"),
    Case(input: "layout el1 el2", expected: "1:12: expected end of statement, found 'el2'"),
    Case(
      input: "wlak el1 0x1000", expected: "1:1: unknown command 'wlak'",
      hint: "did you mean 'walk'?"),
    Case(
      input: "x.y = 3", expected: "1:1: unknown command 'x'",
      hint: "a register field is written with 'set x.y = …'"),
    Case(
      input: "foo (1)", expected: "1:1: unknown command 'foo'",
      hint: "to call 'foo', write 'foo(…)' with no space before '('"),
    // Expressions
    Case(input: "print", expected: "1:6: expected an expression after 'print', found end of file"),
    Case(input: "print 1 +", expected: "1:10: expected an expression, found end of file"),
    Case(input: "print 1 + }", expected: "1:11: expected an expression, found '}'"),
    Case(input: "print a.", expected: "1:9: expected a field name after '.', found end of file"),
    Case(
      input: "print f(1 2)",
      expected: "1:11: expected ',' or ')' in the arguments of 'f', found '2'"
    ),
    Case(input: "print (1 2)", expected: "1:10: expected ')' to close '(', found '2'"),
    Case(input: "assert a < b < c", expected: "1:14: comparison operators cannot be chained"),
    Case(input: "assert a == b != c", expected: "1:15: comparison operators cannot be chained"),
    // let, proc, for, if, import
    Case(input: "let x 5", expected: "1:7: expected '=' after 'let x', found '5'"),
    Case(
      input: "let if = 3", expected: "1:5: expected a variable name after 'let', found 'if'",
      hint: "'if' is a reserved word"),
    Case(
      input: "let el1 = 3", expected: "1:5: expected a variable name after 'let', found 'el1'",
      hint: "'el1' is a reserved word"),
    Case(input: "proc f(a, a) { }", expected: "1:11: duplicate parameter 'a'"),
    Case(
      input: "proc f(a b) { }",
      expected: "1:10: expected ',' or ')' in the parameters of 'f', found 'b'"
    ),
    Case(input: "proc (a) { }", expected: "1:6: expected a procedure name after 'proc', found '('"),
    Case(input: "proc f { }", expected: "1:8: expected '(' after 'proc f', found '{'"),
    Case(input: "for i 0 ..< 4 { }", expected: "1:7: expected 'in' after 'for i', found '0'"),
    Case(
      input: "for i in 0 to 4 { }",
      expected: "1:12: expected '..<' or '...' in the range of 'for', found 'to'"),
    Case(
      input: "for i in 0 ..< 4 print i",
      expected: "1:18: expected '{' to start the body of 'for', found 'print'"),
    Case(
      input: "if x print 1", expected: "1:6: expected '{' to start the body of 'if', found 'print'"),
    Case(input: "if x {\n}\nelse if {\n}", expected: "3:9: expected an expression, found '{'"),
    Case(
      input: "import linux",
      expected: "1:8: expected a module name in quotes after 'import', found 'linux'"),
    Case(
      input: "include",
      expected: "1:8: expected a file name in quotes after 'include', found end of file"
    ),
    // set
    Case(
      input: "set",
      expected: "1:4: expected a setting or register name after 'set', found end of file"),
    Case(
      input: "set granule",
      expected:
        "1:12: expected a granule size (4k, 16k or 64k) after 'set granule', found end of file"),
    Case(
      input: "set pa_bits 48 for el1", expected: "1:16: 'set pa_bits' does not take 'for REGIME'"),
    Case(
      input: "set vhe", expected: "1:8: expected 'on' or 'off' after 'set vhe', found end of file"),
    Case(
      input: "set tcr_el1.t0sz 16",
      expected: "1:18: expected '=' after 'set tcr_el1.t0sz', found '16'"),
    Case(
      input: "set table_pool 0x1000",
      expected: "1:22: expected 'size' after the address in 'set table_pool', found end of file"),
    Case(
      input: "set feature",
      expected: "1:12: expected a feature name after 'set feature', found end of file"),
    Case(
      input: "set lpa2 on for", expected: "1:16: expected a regime after 'for', found end of file"),
    // machine
    Case(input: "cpus", expected: "1:5: expected a CPU count after 'cpus', found end of file"),
    Case(
      input: "cpu 1 offlin", expected: "1:7: unknown option 'offlin' for 'cpu'",
      hint: "did you mean 'offline'?"),
    Case(input: "on 1 { }", expected: "1:4: expected 'cpu' after 'on', found '1'"),
    Case(
      input: "on cpu 1 print 1",
      expected: "1:10: expected '{' to start the body of 'on cpu', found 'print'"),
    Case(
      input: "show everything", expected: "1:6: unknown 'show' target 'everything'",
      hint: "expected regs, machine, spaces, cpus or tlb"),
    Case(
      input: "show regz", expected: "1:6: unknown 'show' target 'regz'",
      hint: "did you mean 'regs'?"),
    // spaces and mapping
    Case(input: "space", expected: "1:6: expected a space name after 'space', found end of file"),
    Case(
      input: "space k regime el0",
      expected: "1:16: unknown table regime 'el0'; expected el1, el2, vhe or s2",
      hint: "did you mean 'el1'?"),
    Case(
      input: "space k va_bits 48 ipa_bits 40",
      expected: "1:20: only one of 'va_bits' and 'ipa_bits' may be given"),
    Case(
      input: "space k ttbr0 ttbr1", expected: "1:15: only one of 'ttbr0' and 'ttbr1' may be given"),
    Case(input: "space k granule 4k granule 16k", expected: "1:20: duplicate option 'granule'"),
    Case(input: "space k foo", expected: "1:9: unknown option 'foo' for 'space'"),
    Case(
      input: "space k pool 0x1000",
      expected: "1:20: expected 'size' after the address in 'pool', found end of file"),
    Case(
      input: "map 0x1000 0x2000 size 4k",
      expected: "1:19: expected '->' or '..<' after the virtual address in 'map', found 'size'"),
    Case(
      input: "map 0x1000 -> 0x2000",
      expected: "1:21: expected 'size' after the physical address in 'map', found end of file"),
    Case(
      input: "print 1\nprint 2\n  map 0 -> 1 sz 4k",
      expected: "3:14: expected 'size' after the physical address in 'map', found 'sz'"),
    Case(
      input: "map 0x1000 -> 0x2000 size 4k rwz", expected: "1:30: unknown attribute 'rwz'",
      hint: "did you mean 'rwx'?"),
    Case(
      input: "map 0 -> 0 size 4k devic", expected: "1:20: unknown attribute 'devic'",
      hint: "did you mean 'device'?"),
    Case(
      input: "map 0 -> 0 size 4k sh most",
      expected: "1:23: unknown shareability 'most'; expected none, inner or outer"),
    Case(input: "map 0 -> 0 size 4k 7", expected: "1:20: expected an attribute, found '7'"),
    // Operands in the wrong order, options that are not there, `help` outside the REPL.
    Case(
      input: "walk 0xffff_0000_0000_0000 el1",
      expected: "1:28: the regime comes first, before the address",
      hint: "write 'el1 0xffff_0000_0000_0000'"),
    Case(
      input: "walk el1 0 bogus", expected: "1:12: unknown option 'bogus' for 'walk'",
      hint: "'walk' takes 'read', 'write', 'exec', 'trace' or 'notlb'"),
    Case(
      input: "help", expected: "1:1: unknown command 'help'",
      hint:
        "help is the REPL's: run mmush with no script and type `help`; `mmush --help` lists the options"
    ),
    // `return` outside a procedure: at the top level, in a top-level block, in `on cpu`.
    Case(input: "return", expected: "1:1: 'return' outside a procedure"),
    Case(input: "if true { return 1 }", expected: "1:11: 'return' outside a procedure"),
    Case(input: "for i in 0 ..< 2 {\n  return\n}", expected: "2:3: 'return' outside a procedure"),
    Case(input: "on cpu 0 { return }", expected: "1:12: 'return' outside a procedure"),
    Case(
      input: "proc f() { return 1 }\nreturn f()", expected: "2:1: 'return' outside a procedure"),
    // Contradictory attributes: an error naming both, at the second, whatever the order.
    Case(input: "map 0 -> 0 size 4k x nx", expected: "1:22: contradictory attributes 'x' and 'nx'"),
    Case(input: "map 0 -> 0 size 4k nx x", expected: "1:23: contradictory attributes 'nx' and 'x'"),
    Case(
      input: "map 0 -> 0 size 4k rw ro", expected: "1:23: contradictory attributes 'rw' and 'ro'"),
    Case(
      input: "map 0 -> 0 size 4k ro rwx", expected: "1:23: contradictory attributes 'ro' and 'rwx'"),
    Case(
      input: "map 0 -> 0 size 4k device normal",
      expected: "1:27: contradictory attributes 'device' and 'normal'"),
    Case(
      input: "map 0 -> 0 size 4k ngnre gre",
      expected: "1:26: contradictory attributes 'ngnre' and 'gre'"),
    Case(
      input: "map 0 -> 0 size 4k attr 2 nc",
      expected: "1:27: contradictory attributes 'attr 2' and 'nc'"),
    Case(
      input: "map 0 -> 0 size 4k sh inner sh none",
      expected: "1:29: contradictory attributes 'sh inner' and 'sh none'"),
    Case(
      input: "map 0 -> 0 size 4k pages level 2",
      expected: "1:26: contradictory attributes 'pages' and 'level 2'"),
    Case(
      input: "map 0 -> 0 size 4k x pxn", expected: "1:22: contradictory attributes 'x' and 'pxn'"),
    Case(
      input: "map 0 -> 0 size 4k uxn user rx",
      expected: "1:29: contradictory attributes 'uxn' and 'rx'"),
    Case(
      input: "protect 0 size 4k rwx r", expected: "1:23: contradictory attributes 'rwx' and 'r'"),
    Case(
      input: "map 0 ..< 0x1000 0",
      expected: "1:18: expected '->' after the end address in 'map', found '0'"),
    Case(
      input: "unmap 0x1000",
      expected: "1:13: expected 'size' after the address in 'unmap', found end of file"),
    Case(
      input: "unmap 0x1000 size 4k fre", expected: "1:22: unknown option 'fre' for 'unmap'",
      hint: "did you mean 'free'?"),
    Case(
      input: "protect 0x1000 size 4k",
      expected: "1:23: expected attributes after the size in 'protect', found end of file"),
    Case(
      input: "switch ttbr0_el3 kern",
      expected:
        "1:8: 'switch' cannot write 'ttbr0_el3'; expected ttbr0_el1, ttbr1_el1, ttbr0_el2, ttbr1_el2 or vttbr_el2",
      hint: "did you mean 'ttbr0_el1'?"),
    Case(
      input: "switch ttbr0_el1",
      expected: "1:17: expected a space after 'ttbr0_el1', found end of file"
    ),
    Case(
      input: "switch ttbr0_el1 k asid 1 asid 2", expected: "1:27: duplicate option 'asid'"),
    Case(
      input: "translate kern",
      expected: "1:15: expected a virtual address after the space in 'translate', found end of file"
    ),
    // memory
    Case(
      input: "mem write 0x1000 5",
      expected: "1:18: expected '=' after the address in 'mem write', found '5'"
    ),
    Case(
      input: "mem copy 0 1", expected: "1:5: unknown 'mem' operation 'copy'",
      hint: "expected write, read, load or save"),
    Case(
      input: "mem read 0 cont 4", expected: "1:12: unknown option 'cont' for 'mem read'",
      hint: "did you mean 'count'?"),
    Case(input: "mem write 0 = 1 size 8 size 4", expected: "1:24: duplicate option 'size'"),
    Case(input: "decode 0 level 1 level 2", expected: "1:18: duplicate option 'level'"),
    // translating and TLB maintenance
    Case(
      input: "walk", expected: "1:5: expected a virtual address after 'walk', found end of file"),
    Case(
      input: "walk el1 0x1000 rread", expected: "1:17: unknown option 'rread' for 'walk'",
      hint: "did you mean 'read'?"),
    Case(
      input: "walk va read write", expected: "1:14: conflicting access kinds 'read' and 'write'"),
    Case(input: "walk el1 0x1000 trace trace", expected: "1:23: duplicate option 'trace'"),
    Case(
      input: "at s1e3r 0x1000", expected: "1:4: unknown AT operation 's1e3r'",
      hint: "did you mean 's1e1r'?"),
    Case(
      input: "at s1e1r",
      expected: "1:9: expected a virtual address after 'at s1e1r', found end of file"),
    Case(
      input: "explain",
      expected: "1:8: expected a virtual address after 'explain', found end of file"),
    Case(input: "tlbi", expected: "1:5: expected a TLBI operation after 'tlbi', found end of file"),
    Case(
      input: "tlbi vmale1", expected: "1:6: unknown TLBI operation 'vmale1'",
      hint: "did you mean 'vmalle1'?"),
    Case(
      input: "tlbi vae1 0x1000 asid",
      expected: "1:22: expected a value after 'asid', found end of file"),
    Case(
      input: "tlbi vae1 0x1000 asd 1", expected: "1:18: unknown option 'asd' for 'tlbi'",
      hint: "did you mean 'asid'?"),
    Case(
      input: "dsb ishh", expected: "1:5: unknown barrier domain 'ishh'", hint: "did you mean 'ish'?"
    ),
    Case(input: "dsb 3", expected: "1:5: expected a barrier domain after 'dsb', found '3'"),
    Case(
      input: "tlb flush", expected: "1:5: unknown 'tlb' operation 'flush'",
      hint: "expected 'show' or 'fill'"),
    Case(
      input: "tlb fill el1",
      expected: "1:13: expected a virtual address after the regime in 'tlb fill', found end of file"
    ),
    // checking
    Case(input: "assert", expected: "1:7: expected a condition after 'assert', found end of file"),
    Case(input: "assert x, ", expected: "1:11: expected a message after ',', found end of file"),
    Case(
      input: "assert walk va",
      expected:
        "1:15: expected '==', 'faults', 'allows' or 'denies' in 'assert walk', found end of file"),
    Case(
      input: "assert walk va faults permision", expected: "1:23: unknown fault detail 'permision'",
      hint: "did you mean 'permission'?"),
    Case(
      input: "assert walk va faults translation permission",
      expected: "1:35: only one fault kind may be given"),
    Case(
      input: "assert walk va read allows write",
      expected: "1:21: 'allows' names the access after it; remove 'read' before it"),
    Case(
      input: "assert walk va allows rw",
      expected: "1:23: unknown access 'rw'; expected read, write or exec"
    ),
    Case(
      input: "assert tlb hits va",
      expected: "1:12: unknown TLB state 'hits'; expected hit, miss, stale or conflict",
      hint: "did you mean 'hit'?"),
    Case(
      input: "assert tlb hit",
      expected: "1:15: expected a virtual address after 'assert tlb hit', found end of file"),
    Case(
      input: "expect warnings { }", expected: "1:8: unknown report kind 'warnings'",
      hint: "did you mean 'warning'?"),
    Case(
      input: "expect error",
      expected: "1:13: expected a message or '{' after 'expect error', found end of file"),
    // views
    Case(
      input: "dump kern 0x1000",
      expected: "1:17: expected 'size' after the address in 'dump', found end of file"),
    Case(input: "graph", expected: "1:6: expected a file name after 'graph', found end of file"),
  ]

  @Test(arguments: cases)
  func reportsExactlyWhereAndWhat(_ testCase: Case) throws {
    let diagnostic = try #require(diagnose(testCase.input))
    let start = diagnostic.range.start
    #expect("\(start.line):\(start.column): \(diagnostic.message)" == testCase.expected)
    #expect(diagnostic.severity == .error)
    #expect(start.file == "t.mmu")
    if let hint = testCase.hint {
      #expect(diagnostic.hint == hint)
    }
  }

  @Test("there are at least 60 malformed inputs")
  func coverage() {
    #expect(Self.cases.count >= 60)
  }

  @Test("invalid UTF-8 bytes are located, in code, strings and comments")
  func invalidUTF8() throws {
    let cases: [([UInt8], String)] = [
      ([0xFF], "1:1: invalid UTF-8 byte 0xFF"),
      (Array("print 1\nwalk ".utf8) + [0xC0, 0x80], "2:6: invalid UTF-8 byte 0xC0"),
      (Array("echo \"é".utf8) + [0xED, 0xA0, 0x80, 0x22], "1:8: invalid UTF-8 byte 0xED"),
      (Array("# ok\n# ".utf8) + [0x80], "2:3: invalid UTF-8 byte 0x80"),
      (Array("print 1 # ".utf8) + [0xF0, 0x9F], "1:11: invalid UTF-8 byte 0xF0"),
    ]
    for (bytes, expected) in cases {
      let diagnostic = try #require(diagnose(bytes: bytes))
      #expect(
        "\(diagnostic.range.start.line):\(diagnostic.range.start.column): \(diagnostic.message)"
          == expected)
    }
  }

  static let nesting = "nesting is too deep (the limit is 200 levels)"

  @Test("deep nesting is a diagnostic, never a stack overflow")
  func deepNesting() throws {
    let cases: [(String, String)] = [
      ("print " + String(repeating: "(", count: 5000) + "1", "1:207"),
      ("print " + String(repeating: "-", count: 5000) + "1", "1:207"),
      ("print " + String(repeating: "!~", count: 2500) + "1", "1:207"),
      ("print " + String(repeating: "f(", count: 300) + "1", "1:408"),
      (String(repeating: "if 1 {\n", count: 300), "201:6"),
      ("print " + String(repeating: "1 + ", count: 5000) + "1", "1:805"),
      ("print a" + String(repeating: ".b", count: 5000), "1:406"),
      (
        String(repeating: "if 1 {\n", count: 150) + "print " + String(repeating: "(", count: 100),
        "151:57"
      ),
    ]
    for (input, position) in cases {
      let diagnostic = try #require(diagnose(input))
      let start = diagnostic.range.start
      #expect(diagnostic.message == Self.nesting)
      #expect("\(start.line):\(start.column)" == position)
    }
  }

  @Test("nesting up to the limit parses")
  func nestingWithinLimit() throws {
    let expr = try expression(
      String(repeating: "(", count: 199) + "1" + String(repeating: ")", count: 199))
    #expect(sx(expr).hasPrefix("(paren (paren"))
    let chain = try expression(String(repeating: "1 + ", count: 150) + "1")
    #expect(chain.description.count == 150 * 4 + 1)
    #expect(
      try program(String(repeating: "if 1 {\n", count: 100) + String(repeating: "}\n", count: 100))
        .count == 1)
  }
}
