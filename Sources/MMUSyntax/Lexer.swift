/// Splits a source file into tokens, or reports the first lexical error.
///
/// The lexer reads bytes, not characters, so that hostile input (invalid UTF-8, NUL bytes,
/// huge literals) becomes a diagnostic at an exact place rather than a crash or a silent
/// repair. Line and column are tracked as it goes, counting columns in Unicode scalars with
/// the same rule as `SourceFile.location(at:)`.
///
/// Line breaks are tokens (they end statements) except inside `( )`; a `\` at the end of a
/// line joins it to the next. A `{` or `}` resets the parenthesis count, since braces cannot
/// occur inside parentheses: an unclosed `(` then cannot swallow the rest of the file.
public func tokenize(_ file: SourceFile) throws(Diagnostic) -> [Token] {
  var lexer = Lexer(file: file)
  return try lexer.run()
}

struct Lexer {
  let file: SourceFile
  let bytes: [UInt8]
  var offset = 0
  var line = 1
  var column = 1
  var parenDepth = 0
  var sawSpace = true
  var tokens: [Token] = []

  init(file: SourceFile) {
    self.file = file
    self.bytes = file.bytes
  }

  /// Size suffixes: `K M G T P`, either case, as powers of 1024.
  static let suffixShifts: [UInt8: UInt64] = [
    UInt8(ascii: "k"): 10, UInt8(ascii: "m"): 20, UInt8(ascii: "g"): 30,
    UInt8(ascii: "t"): 40, UInt8(ascii: "p"): 50,
  ]

  var location: SourceLocation {
    SourceLocation(fileID: file.nameID, line: line, column: column, offset: offset)
  }

  func byte(at delta: Int = 0) -> UInt8? {
    let index = offset + delta
    return index < bytes.count ? bytes[index] : nil
  }

  mutating func run() throws(Diagnostic) -> [Token] {
    while let byte = byte() {
      switch byte {
      case 0x20, 0x09, 0x0D, 0x0B, 0x0C:
        advanceASCII()
        sawSpace = true
      case 0x0A:
        if parenDepth == 0 {
          let start = location
          advanceNewline()
          append(.newline, from: start)
        } else {
          advanceNewline()
        }
        sawSpace = true
      case UInt8(ascii: "#"):
        try skipComment()
        sawSpace = true
      case UInt8(ascii: "\\"):
        try continueLine()
        sawSpace = true
      case UInt8(ascii: "\""):
        try lexString()
      case UInt8(ascii: "0")...UInt8(ascii: "9"):
        try lexNumber()
      case _ where isIdentifierStart(byte):
        lexIdentifier()
      default:
        try lexSymbol()
      }
    }
    let end = location
    tokens.append(Token(kind: .endOfFile, range: SourceRange(at: end), followsSpace: sawSpace))
    return tokens
  }

  // MARK: - Moving

  mutating func advanceASCII() {
    offset += 1
    column += 1
  }

  mutating func advanceNewline() {
    offset += 1
    line += 1
    column = 1
  }

  /// Moves over one scalar of a string or comment, rejecting NUL and ill-formed UTF-8.
  mutating func advanceScalar() throws(Diagnostic) -> Unicode.Scalar {
    let step = try checkedStep()
    if step.scalar == "\n" {
      advanceNewline()
    } else {
      offset += step.length
      column += 1
    }
    return step.scalar ?? "\u{FFFD}"
  }

  /// The scalar at the current offset, or the diagnostic for a NUL or ill-formed byte.
  func checkedStep() throws(Diagnostic) -> UTF8Scanner.Step {
    let step = UTF8Scanner.step(bytes, at: offset)
    let here = SourceRange(start: location, length: 1)
    guard let scalar = step.scalar else {
      throw .error("invalid UTF-8 byte \(hexByte(bytes[offset]))", at: here)
    }
    if scalar == "\0" {
      throw .error("NUL byte in source", at: here)
    }
    return step
  }

  mutating func append(_ kind: Token.Kind, from start: SourceLocation) {
    tokens.append(
      Token(kind: kind, range: SourceRange(start: start, end: location), followsSpace: sawSpace))
    sawSpace = false
  }

  // MARK: - Trivia

  mutating func skipComment() throws(Diagnostic) {
    while let byte = byte(), byte != 0x0A {
      _ = try advanceScalar()
    }
  }

  /// `\` then optional blanks then a line break (or end of file): the line break is not a token.
  mutating func continueLine() throws(Diagnostic) {
    let start = location
    advanceASCII()
    while let byte = byte(), byte == 0x20 || byte == 0x09 || byte == 0x0D {
      advanceASCII()
    }
    guard let byte = byte() else { return }
    guard byte == 0x0A else {
      throw .error(
        "unexpected '\\'; a line continuation must end its line",
        at: SourceRange(start: start, length: 1))
    }
    advanceNewline()
  }

  // MARK: - Literals and words

  mutating func lexString() throws(Diagnostic) {
    let start = location
    advanceASCII()
    var value: [UInt8] = []
    while true {
      guard let byte = byte() else {
        throw .error("unterminated string", at: SourceRange(start: start, length: 1))
      }
      if byte == UInt8(ascii: "\"") {
        advanceASCII()
        break
      }
      if byte == UInt8(ascii: "\\") {
        let escapeStart = location
        advanceASCII()
        guard let next = self.byte() else {
          throw .error("unterminated string", at: SourceRange(start: start, length: 1))
        }
        switch next {
        case UInt8(ascii: "n"): value.append(0x0A)
        case UInt8(ascii: "t"): value.append(0x09)
        case UInt8(ascii: "\""): value.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): value.append(UInt8(ascii: "\\"))
        default:
          let scalar = try checkedStep().scalar ?? "\u{FFFD}"
          throw .error(
            "unknown escape sequence '\\\(UTF8Scanner.describe(scalar))' in string",
            at: SourceRange(start: escapeStart, length: 2),
            hint: "the escapes are \\n, \\t, \\\" and \\\\")
        }
        advanceASCII()
        continue
      }
      let step = try checkedStep()
      value.append(contentsOf: bytes[offset..<(offset + step.length)])
      _ = try advanceScalar()
    }
    append(.string(String(decoding: value, as: UTF8.self)), from: start)
  }

  /// An integer: a maximal run of word characters starting with a digit, read as an optional
  /// base prefix, digits with `_` separators, and an optional size suffix.
  mutating func lexNumber() throws(Diagnostic) {
    let start = location
    let begin = offset
    while let byte = byte(), isIdentifierContinue(byte) {
      advanceASCII()
    }
    let text = Array(bytes[begin..<offset])
    let range = SourceRange(start: start, end: location)
    let spelling = String(decoding: text, as: UTF8.self)

    var base: UInt64 = 10
    var baseName = "decimal"
    var index = 0
    if text.count >= 2, text[0] == UInt8(ascii: "0") {
      switch text[1] | 0x20 {
      case UInt8(ascii: "x"): (base, baseName, index) = (16, "hexadecimal", 2)
      case UInt8(ascii: "b"): (base, baseName, index) = (2, "binary", 2)
      case UInt8(ascii: "o"): (base, baseName, index) = (8, "octal", 2)
      default: break
      }
    }
    let prefix = String(decoding: text[0..<index], as: UTF8.self)
    var value: UInt64 = 0
    var digits = 0
    var overflow = false
    while index < text.count {
      let byte = text[index]
      if byte == UInt8(ascii: "_") {
        index += 1
        continue
      }
      guard let digit = digitValue(byte), digit < base else { break }
      let (shifted, o1) = value.multipliedReportingOverflow(by: base)
      let (sum, o2) = shifted.addingReportingOverflow(digit)
      overflow = overflow || o1 || o2
      value = sum
      digits += 1
      index += 1
    }
    if digits == 0 {
      throw .error("expected \(baseName) digits after '\(prefix)'", at: range)
    }
    if index < text.count {
      let rest = text[index...]
      if rest.count == 1, let shift = Lexer.suffixShifts[rest[rest.startIndex] | 0x20] {
        if value > UInt64.max >> shift { overflow = true }
        value = value << shift
      } else if let first = rest.first, digitValue(first).map({ $0 < 10 }) == true {
        throw .error(
          "invalid digit '\(Character(Unicode.Scalar(first)))' in \(baseName) literal '\(spelling)'",
          at: range)
      } else {
        let suffix = String(decoding: rest, as: UTF8.self)
        throw .error(
          "invalid suffix '\(suffix)' on integer literal '\(spelling)'", at: range,
          hint: "size suffixes are K, M, G, T and P")
      }
    }
    if overflow {
      throw .error("integer literal '\(spelling)' overflows 64 bits", at: range)
    }
    append(.integer(value), from: start)
    tokens[tokens.count - 1].decimal = base == 10 && index == text.count
  }

  mutating func lexIdentifier() {
    let start = location
    let begin = offset
    while let byte = byte(), isIdentifierContinue(byte) {
      advanceASCII()
    }
    let word = String(decoding: bytes[begin..<offset], as: UTF8.self)
    if let keyword = Keyword(rawValue: word) {
      append(.keyword(keyword), from: start)
    } else {
      append(.identifier(word), from: start)
    }
  }

  /// The longest operator at the current offset.
  mutating func lexSymbol() throws(Diagnostic) {
    let start = location
    if byte() == UInt8(ascii: "."), byte(at: 1) == UInt8(ascii: "."),
      byte(at: 2) != UInt8(ascii: "<"), byte(at: 2) != UInt8(ascii: ".")
    {
      throw .error(
        "unexpected '..'", at: SourceRange(start: start, length: 2),
        hint: "a range is written 'A ..< B' or 'A ... B'")
    }
    if let (symbol, length) = symbolHere() {
      for _ in 0..<length { advanceASCII() }
      switch symbol {
      case .leftParen: parenDepth += 1
      case .rightParen: parenDepth = max(0, parenDepth - 1)
      case .leftBrace, .rightBrace: parenDepth = 0
      default: break
      }
      append(.symbol(symbol), from: start)
      return
    }
    let step = try checkedStep()
    let scalar = step.scalar ?? "\u{FFFD}"
    throw .error(
      "unexpected character '\(UTF8Scanner.describe(scalar))'",
      at: SourceRange(start: start, length: 1))
  }
}

extension Lexer {
  /// The operator at the current offset, longest match first, and its length in bytes.
  func symbolHere() -> (Symbol, Int)? {
    guard let first = byte() else { return nil }
    let second = byte(at: 1)
    func pair(_ next: Character, _ long: Symbol, _ short: Symbol?) -> (Symbol, Int)? {
      if second == next.asciiValue { return (long, 2) }
      return short.map { ($0, 1) }
    }
    switch Character(Unicode.Scalar(first)) {
    case "*": return (.star, 1)
    case "/": return (.slash, 1)
    case "%": return (.percent, 1)
    case "+": return (.plus, 1)
    case "-": return pair(">", .arrow, .minus)
    case "<":
      if second == UInt8(ascii: "<") { return (.shiftLeft, 2) }
      return pair("=", .lessEqual, .less)
    case ">":
      if second == UInt8(ascii: ">") { return (.shiftRight, 2) }
      return pair("=", .greaterEqual, .greater)
    case "&": return pair("&", .ampersandAmpersand, .ampersand)
    case "|": return pair("|", .pipePipe, .pipe)
    case "^": return (.caret, 1)
    case "=": return pair("=", .equalEqual, .equal)
    case "!": return pair("=", .bangEqual, .bang)
    case "~": return (.tilde, 1)
    case "(": return (.leftParen, 1)
    case ")": return (.rightParen, 1)
    case "{": return (.leftBrace, 1)
    case "}": return (.rightBrace, 1)
    case ",": return (.comma, 1)
    case ";": return (.semicolon, 1)
    case ".":
      guard second == UInt8(ascii: ".") else { return (.dot, 1) }
      if byte(at: 2) == UInt8(ascii: "<") { return (.halfOpenRange, 3) }
      if byte(at: 2) == UInt8(ascii: ".") { return (.closedRange, 3) }
      return nil
    default: return nil
    }
  }
}

func isIdentifierStart(_ byte: UInt8) -> Bool {
  (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
    || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
}

func isIdentifierContinue(_ byte: UInt8) -> Bool {
  isIdentifierStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
}

/// The value of a digit in any base up to 36 (`a`/`A` = 10), or nil.
func digitValue(_ byte: UInt8) -> UInt64? {
  switch byte {
  case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(byte - UInt8(ascii: "0"))
  case UInt8(ascii: "a")...UInt8(ascii: "z"): return UInt64(byte - UInt8(ascii: "a")) + 10
  case UInt8(ascii: "A")...UInt8(ascii: "Z"): return UInt64(byte - UInt8(ascii: "A")) + 10
  default: return nil
  }
}

func hexByte(_ byte: UInt8) -> String {
  let hex = String(byte, radix: 16, uppercase: true)
  return "0x" + (hex.count < 2 ? "0" + hex : hex)
}
