/// An expression, with the source range it was parsed from.
///
/// A struct around an indirect enum rather than an enum alone, so that every expression has a
/// `range` without each case repeating it: the interpreter needs the range of any operand to
/// report a runtime error (overflow, unknown variable, wrong type) at it.
public struct Expr: Equatable, Sendable {
  public indirect enum Kind: Equatable, Sendable {
    /// `0x1000`, `0b101`, `4k`, `1_000`: the value, suffix applied. Prints in hex.
    case integer(UInt64)
    /// `4096`: a literal in plain decimal digits. Prints in decimal.
    case decimal(UInt64)
    /// `"text"`: escapes resolved.
    case string(String)
    /// `true`, `false`; also `on`/`off` where a setting takes a switch.
    case bool(Bool)
    /// A variable, space, register or procedure name; the interpreter decides which.
    case identifier(String)
    /// A reserved regime word: `el0 el1 el2 s1 s2`.
    case regime(Regime)
    /// `-x` (wrapping), `!x`, `~x`.
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// `f(args)`: a builtin or a `proc`. Only a name immediately followed by `(` is a call.
    case call(Name, [Expr])
    /// `x.name`: a register field (`tcr_el1.t0sz`) or a record field (`w.pa`).
    case member(Expr, Name)
    /// `(x)`, kept so that printing gives back the same tree.
    case paren(Expr)
  }

  public var kind: Kind
  public var range: SourceRange

  public init(_ kind: Kind, range: SourceRange) {
    self.kind = kind
    self.range = range
  }
}

/// A name as written, with its range: declarations, parameters, options' arguments.
public struct Name: Equatable, Sendable, CustomStringConvertible {
  public var text: String
  public var range: SourceRange

  public init(_ text: String, range: SourceRange) {
    self.text = text
    self.range = range
  }

  public var description: String { text }
}

public enum UnaryOperator: String, Sendable, CaseIterable {
  /// Two's-complement negation, wrapping: `-1` is `0xffff_ffff_ffff_ffff`.
  case negate = "-"
  /// Logical not.
  case not = "!"
  /// Bitwise complement.
  case complement = "~"
}

public enum BinaryOperator: String, Sendable, CaseIterable {
  case multiply = "*"
  case divide = "/"
  case remainder = "%"
  case add = "+"
  case subtract = "-"
  case shiftLeft = "<<"
  case shiftRight = ">>"
  case bitAnd = "&"
  case bitXor = "^"
  case bitOr = "|"
  case less = "<"
  case lessEqual = "<="
  case greater = ">"
  case greaterEqual = ">="
  case equal = "=="
  case notEqual = "!="
  case and = "&&"
  case or = "||"

  /// Binding strength, higher binds tighter. Bitwise operators bind tighter than comparisons,
  /// as in Swift and Python: `va & mask == 0` is `(va & mask) == 0`.
  public var precedence: Int {
    switch self {
    case .multiply, .divide, .remainder: return Precedence.multiplicative
    case .add, .subtract: return Precedence.additive
    case .shiftLeft, .shiftRight: return Precedence.shift
    case .bitAnd: return Precedence.bitAnd
    case .bitXor: return Precedence.bitXor
    case .bitOr: return Precedence.bitOr
    case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual:
      return Precedence.comparison
    case .and: return Precedence.and
    case .or: return Precedence.or
    }
  }

  /// Comparisons do not chain: `a < b < c` is a syntax error.
  public var isComparison: Bool { precedence == Precedence.comparison }
}

/// Precedence levels, loosest first. `bitOr` is the level of a command's address operand:
/// an address before `==`, `->`, `=` or `..<` is an expression without comparisons.
public enum Precedence {
  public static let or = 1
  public static let and = 2
  public static let comparison = 3
  public static let bitOr = 4
  public static let bitXor = 5
  public static let bitAnd = 6
  public static let shift = 7
  public static let additive = 8
  public static let multiplicative = 9
  public static let prefix = 10
  public static let postfix = 11
}
