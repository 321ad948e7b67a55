import Testing

@testable import MMUSyntax

/// Helpers shared by the MMUSyntax tests.

struct UnexpectedShape: Error, CustomStringConvertible {
  var description: String
}

func source(_ text: String, name: String = "t.mmu") -> SourceFile {
  SourceFile(name: name, text: text)
}

func program(_ text: String) throws -> [Stmt] {
  try parse(source(text))
}

/// Parses text that must hold exactly one statement.
func statement(_ text: String) throws -> Stmt {
  let statements = try program(text)
  guard statements.count == 1, let first = statements.first else {
    throw UnexpectedShape(description: "expected one statement, got \(statements.count)")
  }
  return first
}

/// The payload of a one-statement program, which must be of type `T` (every `Stmt` case has
/// a payload of its own type, so the type names the case).
func parsed<T>(_ text: String, as type: T.Type) throws -> T {
  let stmt = try statement(text)
  guard let payload = Mirror(reflecting: stmt).children.first?.value as? T else {
    throw UnexpectedShape(description: "expected \(T.self), got \(stmt)")
  }
  return payload
}

func expression(_ text: String) throws -> Expr {
  try parseExpression(source(text))
}

/// The diagnostic parsing `text` throws, or nil.
func diagnose(_ text: String) -> Diagnostic? {
  do {
    _ = try parse(source(text))
    return nil
  } catch {
    return error
  }
}

func diagnose(bytes: [UInt8]) -> Diagnostic? {
  do {
    _ = try parse(SourceFile(name: "t.mmu", bytes: bytes))
    return nil
  } catch {
    return error
  }
}

/// Token kinds without the final end of file.
func kinds(_ text: String) throws -> [Token.Kind] {
  try tokenize(source(text)).map(\.kind).dropLast()
}

/// An S-expression of an expression: structure without ranges, parentheses made explicit.
func sx(_ expr: Expr?) -> String {
  guard let expr else { return "nil" }
  switch expr.kind {
  case .integer(let value): return ASTPrinter.format(hex: value)
  case .decimal(let value): return String(value)
  case .string(let value): return ASTPrinter.format(string: value)
  case .bool(let value): return value ? "true" : "false"
  case .identifier(let name): return name
  case .regime(let regime): return "%" + regime.rawValue
  case .unary(let op, let operand): return "(\(op.rawValue) \(sx(operand)))"
  case .binary(let op, let left, let right): return "(\(op.rawValue) \(sx(left)) \(sx(right)))"
  case .call(let name, let arguments):
    return "(call \(name.text)" + arguments.map { " " + sx($0) }.joined() + ")"
  case .member(let base, let name): return "(. \(sx(base)) \(name.text))"
  case .paren(let inner): return "(paren \(sx(inner)))"
  }
}

/// A structural dump of any AST value that ignores source ranges, for comparing trees.
func shape(_ value: Any) -> String {
  if value is MMUSyntax.SourceRange || value is MMUSyntax.SourceLocation { return "_" }
  let mirror = Mirror(reflecting: value)
  switch mirror.displayStyle {
  case .enum:
    guard let payload = mirror.children.first else { return "\(value)" }
    return "." + (payload.label ?? "?") + "(" + shape(payload.value) + ")"
  case .struct, .class, .tuple:
    let fields = mirror.children.map { child in
      (child.label.map { $0 + ": " } ?? "") + shape(child.value)
    }
    return "\(mirror.subjectType)(" + fields.joined(separator: ", ") + ")"
  case .optional:
    return mirror.children.first.map { shape($0.value) } ?? "nil"
  case .collection:
    return "[" + mirror.children.map { shape($0.value) }.joined(separator: ", ") + "]"
  default:
    return String(reflecting: value)
  }
}

/// A tuple of a range's start and end as `line:col`, for compact assertions.
func span(_ range: MMUSyntax.SourceRange) -> String {
  "\(range.start.line):\(range.start.column)-\(range.end.line):\(range.end.column)"
}
