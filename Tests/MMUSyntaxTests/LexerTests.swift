import MMU
import Testing

@testable import MMUSyntax

@Suite("Lexer")
struct LexerTests {
  static let integerTable: [(String, UInt64)] = [
    ("4096", 4096),
    ("0", 0),
    ("007", 7),
    ("1_000_000", 1_000_000),
    ("0xffff_8000_0000_0000", 0xffff_8000_0000_0000),
    ("0XAbCd", 0xabcd),
    ("0x_10", 0x10),
    ("0b1010", 10),
    ("0B1111_0000", 0xf0),
    ("0o17", 15),
    ("0O777", 511),
    ("4k", 4096),
    ("4K", 4096),
    ("16k", 16384),
    ("64K", 65536),
    ("2M", 2 << 20),
    ("2m", 2 << 20),
    ("1G", 1 << 30),
    ("512G", 512 << 30),
    ("1t", 1 << 40),
    ("3P", 3 << 50),
    ("0x10M", 16 << 20),
    ("0x1g", 1 << 30),
    ("0b1K", 1024),
    ("0k", 0),
    ("16383P", 16383 << 50),
    ("18446744073709551615", UInt64.max),
    ("0xffff_ffff_ffff_ffff", UInt64.max),
  ]

  @Test(
    "integer literals in every base, with separators and size suffixes", arguments: integerTable)
  func integers(text: String, value: UInt64) throws {
    #expect(try kinds(text) == [.integer(value)])
  }

  @Test(
    "malformed and overflowing integers are diagnostics at the literal",
    arguments: [
      ("18446744073709551616", "integer literal '18446744073709551616' overflows 64 bits"),
      ("0x1_0000_0000_0000_0000", "integer literal '0x1_0000_0000_0000_0000' overflows 64 bits"),
      ("16384P", "integer literal '16384P' overflows 64 bits"),
      ("0xffff_ffff_ffff_ffffK", "integer literal '0xffff_ffff_ffff_ffffK' overflows 64 bits"),
      ("0x", "expected hexadecimal digits after '0x'"),
      ("0b_", "expected binary digits after '0b'"),
      ("0o", "expected octal digits after '0o'"),
      ("0b102", "invalid digit '2' in binary literal '0b102'"),
      ("0o78", "invalid digit '8' in octal literal '0o78'"),
      ("4kb", "invalid suffix 'kb' on integer literal '4kb'"),
      ("0x1z", "invalid suffix 'z' on integer literal '0x1z'"),
      ("12abc", "invalid suffix 'abc' on integer literal '12abc'"),
    ])
  func badIntegers(text: String, message: String) throws {
    let diagnostic = try #require(diagnose("print " + text))
    #expect(diagnostic.message == message)
    #expect(diagnostic.range.start.column == 7)
    #expect(diagnostic.range.end.column == 7 + text.count)
  }

  @Test("strings resolve the four escapes and keep other text as is")
  func strings() throws {
    #expect(try kinds(#""a\nb\tc\"d\\e""#) == [.string("a\nb\tc\"d\\e")])
    #expect(try kinds(#""""#) == [.string("")])
    #expect(try kinds("\"héllo → ✓\"") == [.string("héllo → ✓")])
    #expect(try kinds("\"two\nlines\"") == [.string("two\nlines")])
    #expect(try kinds("\"# not a comment\"") == [.string("# not a comment")])
  }

  @Test("an unterminated string is reported at its opening quote")
  func unterminatedString() throws {
    let diagnostic = try #require(diagnose("echo \"abc\nprint 1\n"))
    #expect(diagnostic.message == "unterminated string")
    #expect(diagnostic.range.start.line == 1)
    #expect(diagnostic.range.start.column == 6)
    let escaped = try #require(diagnose(#"echo "abc\"#))
    #expect(escaped.message == "unterminated string")
    #expect(escaped.range.start.column == 6)
  }

  @Test("an unknown escape is reported at the backslash")
  func unknownEscape() throws {
    let diagnostic = try #require(diagnose(#"echo "a\qb""#))
    #expect(diagnostic.message == #"unknown escape sequence '\q' in string"#)
    #expect(diagnostic.range.start.column == 8)
    #expect(diagnostic.range.end.column == 10)
    #expect(diagnostic.hint == #"the escapes are \n, \t, \" and \\"#)
  }

  @Test("identifiers, keywords and regime words")
  func words() throws {
    #expect(
      try kinds("tcr_el1 _x9 let if else for proc return true false el0 el1 el2 s1 s2 map") == [
        .identifier("tcr_el1"), .identifier("_x9"), .keyword(.let), .keyword(.if),
        .keyword(.else), .keyword(.for), .keyword(.proc), .keyword(.return), .keyword(.true),
        .keyword(.false), .regime(.el0), .regime(.el1), .regime(.el2), .regime(.s1),
        .regime(.s2), .identifier("map"),
      ])
  }

  /// The reserved regime words are MMU's `AccessRegime` table, every one of them.
  @Test func everyRegimeWordIsReserved() throws {
    for r in AccessRegime.vocabulary {
      #expect(try kinds(r.word) == [.regime(r)])
    }
  }

  @Test("operators take the longest match")
  func operators() throws {
    let text = "* / % + - << >> & ^ | < <= > >= == != && || ! ~ ( ) { } , . = -> ..< ... ;"
    let expected = text.split(separator: " ").map {
      Token.Kind.symbol(Symbol(rawValue: String($0))!)
    }
    #expect(try kinds(text) == expected)
    #expect(
      try kinds("a<<=b") == [
        .identifier("a"), .symbol(.shiftLeft), .symbol(.equal), .identifier("b"),
      ])
    #expect(try kinds("0..<4") == [.integer(0), .symbol(.halfOpenRange), .integer(4)])
    #expect(try kinds("0...4") == [.integer(0), .symbol(.closedRange), .integer(4)])
    #expect(try kinds("x->y") == [.identifier("x"), .symbol(.arrow), .identifier("y")])
    #expect(try kinds("--1") == [.symbol(.minus), .symbol(.minus), .integer(1)])
  }

  @Test("comments run to the end of the line, a shebang included")
  func comments() throws {
    #expect(
      try kinds("#!/usr/bin/env mmush\nprint 1 # one\n# last") == [
        .newline, .identifier("print"), .integer(1), .newline,
      ])
  }

  @Test("line breaks are tokens except inside parentheses")
  func newlines() throws {
    #expect(
      try kinds("f(1,\n 2)\nx") == [
        .identifier("f"), .symbol(.leftParen), .integer(1), .symbol(.comma), .integer(2),
        .symbol(.rightParen), .newline, .identifier("x"),
      ])
    // A brace ends any open parenthesis, so an unclosed one cannot hide later line breaks.
    #expect(
      try kinds("if (a {\nb") == [
        .keyword(.if), .symbol(.leftParen), .identifier("a"), .symbol(.leftBrace), .newline,
        .identifier("b"),
      ])
  }

  @Test("a backslash at the end of a line continues the statement")
  func continuation() throws {
    #expect(
      try kinds("map 0 \\\n  -> 1\nx") == [
        .identifier("map"), .integer(0), .symbol(.arrow), .integer(1), .newline,
        .identifier("x"),
      ])
    #expect(try kinds("a \\  \t\r\nb") == [.identifier("a"), .identifier("b")])
    #expect(try kinds("a \\") == [.identifier("a")])
    let misplaced = try #require(diagnose("a \\ b"))
    #expect(misplaced.message == "unexpected '\\'; a line continuation must end its line")
    #expect(misplaced.range.start.column == 3)
  }

  @Test("carriage returns are blanks, so CRLF files lex like LF files")
  func crlf() throws {
    #expect(try kinds("print 1\r\nprint 2\r\n") == kinds("print 1\nprint 2\n"))
  }

  @Test("locations count Unicode scalars, not bytes")
  func scalarColumns() throws {
    let tokens = try tokenize(source("echo \"é→\" x\n  walk(y) (z)", name: "loc.mmu"))
    #expect(
      tokens[0].range.start
        == MMUSyntax.SourceLocation(file: "loc.mmu", line: 1, column: 1, offset: 0))
    #expect(span(tokens[1].range) == "1:6-1:10")
    #expect(span(tokens[2].range) == "1:11-1:12")
    #expect(tokens[2].range.start.offset == 13)
    #expect(tokens[3].kind == .newline)
    #expect(span(tokens[4].range) == "2:3-2:7")
    #expect(tokens[4].followsSpace)
    #expect(tokens[5].kind == .symbol(.leftParen))
    #expect(!tokens[5].followsSpace)
    #expect(tokens[8].kind == .symbol(.leftParen))
    #expect(tokens[8].followsSpace)
    #expect(tokens.last?.kind == .endOfFile)
    #expect(span(tokens.last!.range) == "2:14-2:14")
  }

  @Test("invalid UTF-8 and NUL bytes are diagnostics at the byte, anywhere")
  func hostileBytes() throws {
    let invalid = try #require(diagnose(bytes: Array("print 1 ".utf8) + [0xFF, 0x41]))
    #expect(invalid.message == "invalid UTF-8 byte 0xFF")
    #expect(invalid.range.start.column == 9)
    let inString = try #require(diagnose(bytes: Array("echo \"ab".utf8) + [0xC3, 0x28, 0x22]))
    #expect(inString.message == "invalid UTF-8 byte 0xC3")
    #expect(inString.range.start.column == 9)
    let inComment = try #require(diagnose(bytes: Array("# é ".utf8) + [0xE2, 0x82]))
    #expect(inComment.message == "invalid UTF-8 byte 0xE2")
    #expect(inComment.range.start.column == 5)
    let nul = try #require(diagnose(bytes: Array("x = 1".utf8) + [0] + Array(" 2".utf8)))
    #expect(nul.message == "NUL byte in source")
    #expect(nul.range.start.column == 6)
    let nulInString = try #require(diagnose(bytes: [0x22, 0x00, 0x22]))
    #expect(nulInString.message == "NUL byte in source")
  }

  @Test("other characters are reported by name")
  func unexpectedCharacters() throws {
    #expect(diagnose("print @")?.message == "unexpected character '@'")
    #expect(diagnose("print é")?.message == "unexpected character 'é'")
    #expect(diagnose("print \u{7}")?.message == "unexpected character 'U+0007'")
    #expect(diagnose("print a..b")?.message == "unexpected '..'")
    #expect(diagnose("print a..b")?.hint == "a range is written 'A ..< B' or 'A ... B'")
  }

  @Test("the UTF-8 scanner splits ill-formed input into maximal subparts, as Swift does")
  func maximalSubparts() {
    let samples: [[UInt8]] = [
      [0xE2, 0x82, 0x41], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0x80, 0x80],
      [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0x80], Array("ok é ✓ 😀".utf8),
      [0xF0, 0x9F, 0x98, 0x80],
    ]
    for bytes in samples {
      var count = 0
      var index = 0
      while index < bytes.count {
        index += UTF8Scanner.step(bytes, at: index).length
        count += 1
      }
      #expect(count == String(decoding: bytes, as: UTF8.self).unicodeScalars.count, "\(bytes)")
    }
  }
}
