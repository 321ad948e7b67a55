/// Expressions: precedence climbing over `BinaryOperator.precedence`, then unary, postfix
/// (`.field`) and primary.
///
/// One loop handles every binary level, so a parenthesis costs three stack frames rather than
/// one per precedence level. Each function also returns the height of the tree it built;
/// `depth + height` may not exceed `Parser.maxDepth`, which bounds left-leaning chains like
/// `1 + 1 + … + 1` that never recurse while parsing but would while printing or evaluating.
///
/// Operands end where the grammar says: an identifier after a complete operand is not
/// juxtaposition but the start of the next operand or option word (`map va -> pa size 4k`).
/// A call is a name *immediately* followed by `(`; `kern (x)` is two operands.
extension Parser {
  /// An expression down to the given precedence level (`Precedence.or` is a full expression).
  mutating func parseExpr(_ minPrecedence: Int = Precedence.or) throws(Diagnostic) -> Expr {
    try parseBinary(minPrecedence).expr
  }

  /// A command's operand: an expression without comparisons or logical operators, so that
  /// `==`, `->`, `=` and `..<` after it belong to the command.
  mutating func parseOperand(_ what: String) throws(Diagnostic) -> Expr {
    guard startsOperand() else { throw fail(expected: what) }
    return try parseExpr(Precedence.bitOr)
  }

  /// Whether the current token can begin an expression; `optionWords` are identifiers that
  /// the current command reads as options instead.
  func startsOperand(excluding optionWords: Set<String> = []) -> Bool {
    switch current.kind {
    case .integer, .string: return true
    case .identifier(let text): return !optionWords.contains(text)
    case .keyword(let keyword):
      return keyword == .true || keyword == .false || keyword.regime != nil
    case .symbol(let symbol):
      return symbol == .leftParen || symbol == .minus || symbol == .bang || symbol == .tilde
    case .newline, .endOfFile: return false
    }
  }

  func binaryOperator(_ token: Token) -> BinaryOperator? {
    guard case .symbol(let symbol) = token.kind else { return nil }
    return BinaryOperator(rawValue: symbol.rawValue)
  }

  mutating func checkHeight(_ height: Int, at token: Token) throws(Diagnostic) {
    if depth + height > Parser.maxDepth { throw tooDeep(token) }
  }

  mutating func parseBinary(_ minPrecedence: Int) throws(Diagnostic) -> (expr: Expr, height: Int) {
    var (left, height) = try parseUnary()
    var previousWasComparison = false
    while let op = binaryOperator(current), op.precedence >= minPrecedence {
      let opToken = advance()
      if op.isComparison && previousWasComparison {
        throw .error(
          "comparison operators cannot be chained", at: opToken.range,
          hint: "use '&&' to combine comparisons")
      }
      previousWasComparison = op.isComparison
      let (right, rightHeight) = try parseBinary(op.precedence + 1)
      height = max(height, rightHeight) + 1
      try checkHeight(height, at: opToken)
      left = Expr(.binary(op, left, right), range: left.range.through(right.range))
    }
    return (left, height)
  }

  mutating func parseUnary() throws(Diagnostic) -> (expr: Expr, height: Int) {
    let op: UnaryOperator
    switch current.kind {
    case .symbol(.minus): op = .negate
    case .symbol(.bang): op = .not
    case .symbol(.tilde): op = .complement
    default: return try parsePostfix()
    }
    let opToken = advance()
    try enter(opToken)
    defer { leave() }
    let (operand, height) = try parseUnary()
    return (Expr(.unary(op, operand), range: opToken.range.through(operand.range)), height + 1)
  }

  mutating func parsePostfix() throws(Diagnostic) -> (expr: Expr, height: Int) {
    var (expr, height) = try parsePrimary()
    while isSymbol(.dot) {
      let dot = advance()
      let field = try expectName("a field name after '.'")
      height += 1
      try checkHeight(height, at: dot)
      expr = Expr(.member(expr, field), range: expr.range.through(field.range))
    }
    return (expr, height)
  }

  mutating func parsePrimary() throws(Diagnostic) -> (expr: Expr, height: Int) {
    let token = current
    switch token.kind {
    case .integer(let value):
      advance()
      return (Expr(token.decimal ? .decimal(value) : .integer(value), range: token.range), 1)
    case .string(let value):
      advance()
      return (Expr(.string(value), range: token.range), 1)
    case .keyword(.true), .keyword(.false):
      advance()
      return (Expr(.bool(isKeyword(.true, token)), range: token.range), 1)
    case .keyword(let keyword) where keyword.regime != nil:
      advance()
      return (Expr(.regime(keyword.regime ?? .el1), range: token.range), 1)
    case .identifier(let text):
      let next = peek()
      if isSymbol(.leftParen, next) && !next.followsSpace {
        let name = Name(text, range: advance().range)
        let arguments = try parseArguments(of: name)
        return (Expr(.call(name, arguments), range: range(from: token)), 1)
      }
      advance()
      return (Expr(.identifier(text), range: token.range), 1)
    case .symbol(.leftParen):
      advance()
      try enter(token)
      defer { leave() }
      let (inner, height) = try parseBinary(Precedence.or)
      try closeParen(token, "')' to close '('")
      return (Expr(.paren(inner), range: range(from: token)), height + 1)
    default:
      throw fail(expected: "an expression")
    }
  }

  /// `(ARGS)` after a callee name; the current token is the `(`.
  mutating func parseArguments(of name: Name) throws(Diagnostic) -> [Expr] {
    let open = advance()
    try enter(open)
    defer { leave() }
    var arguments: [Expr] = []
    if isSymbol(.rightParen) {
      advance()
      return arguments
    }
    while true {
      arguments.append(try parseExpr())
      if isSymbol(.comma) {
        advance()
        continue
      }
      try closeParen(open, "',' or ')' in the arguments of '\(name)'")
      return arguments
    }
  }

  /// Consumes `)`. A missing one at the end of the file is reported at the `(` it would close,
  /// since line breaks inside parentheses were skipped and the end of file says nothing.
  mutating func closeParen(_ open: Token, _ what: String) throws(Diagnostic) {
    if isSymbol(.rightParen) {
      advance()
      return
    }
    if case .endOfFile = current.kind {
      throw .error("unterminated '(': no matching ')'", at: open.range)
    }
    throw fail(expected: what)
  }
}
