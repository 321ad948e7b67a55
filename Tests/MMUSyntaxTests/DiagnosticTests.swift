import MMU
import Testing

@testable import MMUSyntax

@Suite("Diagnostics")
struct DiagnosticTests {
  /// The rendered diagnostic for a script, which must fail to parse.
  func rendered(_ text: String) throws -> String {
    let file = source(text)
    let diagnostic = try #require(diagnose(text))
    return render(diagnostic, source: file)
  }

  @Test("header, source line, caret and tildes under the token, hint")
  func basic() throws {
    #expect(
      try rendered("wlak el1 0x1000") == """
        t.mmu:1:1: error: unknown command 'wlak'
            wlak el1 0x1000
            ^~~~
        hint: did you mean 'walk'?
        """)
  }

  @Test("the caret is placed on the right line of a longer script, without a hint line")
  func laterLine() throws {
    #expect(
      try rendered("set granule 4k\nspace k\nmap k 0x1000 -> 0x2000 size 4k rw rw x\nwalk 1 2 3")
        == """
        t.mmu:4:10: error: expected end of statement, found '3'
            walk 1 2 3
                     ^
        """)
  }

  @Test("tabs in the source line are copied into the caret line")
  func tabs() throws {
    #expect(
      try rendered("\tmap 0 -> 0 size 4k\t rwz") == "t.mmu:1:22: error: unknown attribute 'rwz'\n"
        + "    \tmap 0 -> 0 size 4k\t rwz\n" + "    \t                  \t ^~~\n"
        + "hint: did you mean 'rwx'?")
  }

  @Test("a missing token at the end of a line points just past its last character")
  func endOfLine() throws {
    #expect(
      try rendered("map 0x1000 -> 0x2000\nwalk 0") == """
        t.mmu:1:21: error: expected 'size' after the physical address in 'map', found end of line
            map 0x1000 -> 0x2000
                                ^
        """)
    #expect(
      try rendered("map 0x1000 -> 0x2000") == """
        t.mmu:1:21: error: expected 'size' after the physical address in 'map', found end of file
            map 0x1000 -> 0x2000
                                ^
        """)
  }

  @Test("columns count Unicode scalars, so the caret lines up after non-ASCII text")
  func unicode() throws {
    #expect(
      try rendered("echo \"é→✓\" 1") == """
        t.mmu:1:12: error: expected end of statement, found '1'
            echo "é→✓" 1
                       ^
        """)
  }

  @Test("a whole literal is underlined")
  func literal() throws {
    #expect(
      try rendered("let big = 0x1_0000_0000_0000_0000 + 1") == """
        t.mmu:1:11: error: integer literal '0x1_0000_0000_0000_0000' overflows 64 bits
            let big = 0x1_0000_0000_0000_0000 + 1
                      ^~~~~~~~~~~~~~~~~~~~~~~
        """)
  }

  @Test("an unterminated string marks its opening quote")
  func unterminatedString() throws {
    #expect(
      try rendered("print 1\necho \"never closed\nprint 2") == """
        t.mmu:2:6: error: unterminated string
            echo "never closed
                 ^
        """)
  }

  @Test("invalid bytes show as U+FFFD, one column each, and CR is not shown")
  func hostileBytes() throws {
    let file = SourceFile(
      name: "b.mmu", bytes: Array("print 1\r\nprint 2 ".utf8) + [0xFF, 0x0D, 0x0A])
    let diagnostic = try #require(diagnose(bytes: file.bytes))
    #expect(
      render(diagnostic, source: SourceFile(name: "t.mmu", bytes: file.bytes)) == """
        t.mmu:2:9: error: invalid UTF-8 byte 0xFF
            print 2 \u{FFFD}
                    ^
        """)
  }

  @Test("a range over several lines is underlined to the end of its first line")
  func multiLineRange() throws {
    let file = source("  if x {\n  }\n")
    let diagnostic = Diagnostic(
      severity: .warning, message: "empty block",
      range: SourceRange(start: file.location(at: 2), end: file.location(at: 12)), hint: nil)
    #expect(
      render(diagnostic, source: file) == """
        t.mmu:1:3: warning: empty block
              if x {
              ^~~~~~
        """)
  }

  @Test("an empty range is a lone caret; a note renders with its severity")
  func emptyRange() throws {
    let file = source("walk el1 va")
    let diagnostic = Diagnostic(
      severity: .note, message: "here", range: SourceRange(at: file.location(at: 5)),
      hint: "try 'trace'")
    #expect(
      render(diagnostic, source: file) == """
        t.mmu:1:6: note: here
            walk el1 va
                 ^
        hint: try 'trace'
        """)
  }

  @Test("no excerpt for a diagnostic from another file or a line that does not exist")
  func noExcerpt() throws {
    let other = source("walk 1 2 3", name: "other.mmu")
    let diagnostic = try #require(diagnose("walk 1 2 3"))
    #expect(
      render(diagnostic, source: other) == "t.mmu:1:10: error: expected end of statement, found '3'"
    )
    let far = Diagnostic(
      message: "late",
      range: SourceRange(
        at: MMUSyntax.SourceLocation(file: "t.mmu", line: 9, column: 1, offset: 99)))
    #expect(render(far, source: source("x")) == "t.mmu:9:1: error: late")
    #expect(far.description == "t.mmu:9:1: error: late")
  }

  @Test(
    "closestMatch finds near misses only",
    arguments: [
      ("tcr_el3", ["ttbr0_el1", "tcr_el1", "tcr_el2"], "tcr_el1"),
      ("wlak", ["walk", "map"], "walk"),
      ("vmale1", TLBIOperation.words, "vmalle1"),
      ("rwz", Attribute.words, "rwx"),
      ("RW", Attribute.words, "rw"),
      ("zzzzzz", ["walk", "map"], nil),
      ("m", ["map"], nil),
      ("", ["map"], nil),
      (String(repeating: "a", count: 100), [String(repeating: "a", count: 99)], nil),
    ] as [(String, [String], String?)])
  func closest(word: String, candidates: [String], expected: String?) {
    #expect(closestMatch(word, in: candidates) == expected)
  }

  @Test("edit distance counts an adjacent swap as one edit")
  func distance() {
    func d(_ a: String, _ b: String) -> Int {
      editDistance(Array(a.unicodeScalars), Array(b.unicodeScalars))
    }
    #expect(d("walk", "wlak") == 1)
    #expect(d("kitten", "sitting") == 3)
    #expect(d("", "abc") == 3)
    #expect(d("abc", "abc") == 0)
  }
}

@Suite("Source files")
struct SourceFileTests {
  @Test("line starts, line bytes and locations")
  func lines() {
    let file = source("ab\r\nc\n\né✓x")
    #expect(file.lineStarts == [0, 4, 6, 7])
    #expect(file.lineCount == 4)
    #expect(String(decoding: file.lineBytes(1), as: UTF8.self) == "ab")
    #expect(String(decoding: file.lineBytes(3), as: UTF8.self) == "")
    #expect(String(decoding: file.lineBytes(4), as: UTF8.self) == "é✓x")
    #expect(file.lineBytes(0).isEmpty && file.lineBytes(5).isEmpty)
    let x = file.location(at: 12)
    #expect(x.line == 4 && x.column == 3 && x.offset == 12)
    #expect(file.location(at: 4).description == "t.mmu:2:1")
    #expect(file.location(at: -5) == file.location(at: 0))
    #expect(file.location(at: 1000).offset == file.bytes.count)
  }

  @Test("locations agree with the lexer's incremental counting")
  func agreesWithLexer() throws {
    let text = "echo \"é→✓\" # c\n\tlet  x = f(1,\n 2)\nwalk x"
    let file = source(text)
    for token in try tokenize(file) {
      #expect(file.location(at: token.range.start.offset) == token.range.start)
      #expect(file.location(at: token.range.end.offset) == token.range.end)
    }
  }

  @Test("ranges: through, length, start + length")
  func ranges() {
    let file = source("walk el1 va")
    let a = file.range(from: 0, to: 4)
    let b = file.range(from: 9, to: 11)
    #expect(span(a.through(b)) == "1:1-1:12")
    #expect(a.length == 4)
    #expect(span(SourceRange(start: file.location(at: 5), length: 3)) == "1:6-1:9")
    #expect(span(SourceRange(start: file.location(at: 5), length: Int.max)).hasPrefix("1:6-1:"))
    #expect(file.location(at: 0) < file.location(at: 1))
  }
}

@Suite("REPL continuation")
struct NeedsMoreInputTests {
  @Test(
    "needsMoreInput",
    arguments: [
      ("walk el1 0x1000", false),
      ("if x {", true),
      ("if x {\n  print 1\n}", false),
      ("if x { if y {", true),
      ("print f(1,", true),
      ("print f(1,\n 2)", false),
      ("map 0 \\", true),
      ("map 0 \\\n", true),
      ("map 0 \\\n -> 0 size 4k", false),
      ("map 0 \\\n\n", false),
      ("map 0 \\  ", true),
      ("echo \"abc", true),
      ("echo \"abc\ndef\"", false),
      ("echo \"a\\\"", true),
      ("echo \"{\"", false),
      ("# {", false),
      ("print 1 # \\", false),
      ("}", false),
      ("} {", false),
      ("if (x {", true),
      ("print (1", true),
      ("", false),
    ])
  func continuation(text: String, expected: Bool) {
    #expect(needsMoreInput(text) == expected)
  }

  @Test("whenever needsMoreInput is false for these, the parser does not fail at the end")
  func agreesWithParser() {
    for text in ["if x {\n}", "print f(1,\n 2)", "map 0 \\\n -> 0 size 4k", "echo \"a\nb\""] {
      #expect(!needsMoreInput(text))
      #expect(diagnose(text) == nil)
    }
  }
}
