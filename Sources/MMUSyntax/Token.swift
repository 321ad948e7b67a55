import MMU

/// One lexeme with where it came from.
///
/// Every token keeps its source range so that any later stage (parser, interpreter) can point
/// at it. `followsSpace` records whether blank space came right before: the grammar uses it to
/// tell a call `walk(el1, va)` from a command with a parenthesised operand `walk (va)`.
public struct Token: Equatable, Sendable {
  public enum Kind: Equatable, Sendable {
    /// An integer literal's value, suffix applied (`4k` is 4096).
    case integer(UInt64)
    /// A string literal's value, escapes resolved.
    case string(String)
    case identifier(String)
    case keyword(Keyword)
    /// A regime word, `el0 el1 el2 s1 s2` (MMU's `AccessRegime` table): reserved.
    case regime(AccessRegime)
    case symbol(Symbol)
    /// A line break outside parentheses: it ends a statement.
    case newline
    case endOfFile
  }

  public var kind: Kind
  public var range: SourceRange
  /// True when whitespace, a comment, a line break or a line continuation precedes the token
  /// (or it starts the file).
  public var followsSpace: Bool
  /// An integer literal written in plain decimal (no base prefix, no size suffix): its value
  /// prints in decimal (`for i in 0 ..< 3` counts 0 1 2, not 0x0 0x1 0x2).
  public var decimal: Bool

  public init(kind: Kind, range: SourceRange, followsSpace: Bool, decimal: Bool = false) {
    self.kind = kind
    self.range = range
    self.followsSpace = followsSpace
    self.decimal = decimal
  }
}

/// Words that can never be identifiers.
///
/// The statement words that introduce syntax (`let`, `if`, …) and the booleans. The regime
/// words `el0 el1 el2 s1 s2`, which reference.md also reserves, are MMU's `AccessRegime`
/// table and lex as `Token.Kind.regime`. Command words (`map`, `walk`, …) are
/// deliberately *not* reserved: they are recognised by position, so a variable may be called
/// `size` or `map`.
public enum Keyword: String, CaseIterable, Sendable {
  case `let`, proc, `if`, `else`, `for`, `return`, `true`, `false`
}

/// Operators and punctuation, spelled as in the source.
public enum Symbol: String, CaseIterable, Sendable {
  case star = "*"
  case slash = "/"
  case percent = "%"
  case plus = "+"
  case minus = "-"
  case shiftLeft = "<<"
  case shiftRight = ">>"
  case ampersand = "&"
  case caret = "^"
  case pipe = "|"
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case equalEqual = "=="
  case bangEqual = "!="
  case ampersandAmpersand = "&&"
  case pipePipe = "||"
  case bang = "!"
  case tilde = "~"
  case leftParen = "("
  case rightParen = ")"
  case leftBrace = "{"
  case rightBrace = "}"
  case comma = ","
  case dot = "."
  case equal = "="
  case arrow = "->"
  case halfOpenRange = "..<"
  case closedRange = "..."
  case semicolon = ";"
}
