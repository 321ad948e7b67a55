/// Parses a script into statements, or throws the first syntax error.
///
/// A plain recursive-descent parser over the whole token array. It stops at the first error:
/// a script with a syntax error is not run, so one precise diagnostic beats a cascade.
///
/// Where reference.md is silent, the grammar decides:
/// - A call is a name *immediately* followed by `(`. So `walk(el1, va)` is a call and
///   `walk (va)` the command; `print(x)` is a call to a procedure named `print`.
/// - A command word starts a command only at the start of a statement and not before `=`
///   (`walk = 3` assigns). Reserved: `let proc if else for return true false` and the regime
///   words; `in` and `step` are contextual.
/// - Operands are expressions down to `|` (no comparisons). An optional leading SPACE or
///   REGIME is the first operand when a second follows; `map s -1 -> …` is a subtraction, so
///   write `map s (-1) -> …`.
/// - Options follow their command in any order, each at most once.
/// - Comparisons do not chain. Strings may span lines. `0755` is decimal.
/// - `tlb show` parses as `show tlb`; a bare `dsb` as `dsb sy`; `on`/`off` as `true`/`false`.
/// - Any `assert` form may end with `, MESSAGE`; `assert tlb WORD …` is always the TLB form.
public func parse(_ file: SourceFile) throws(Diagnostic) -> [Stmt] {
  var parser = try Parser(file: file)
  return try parser.parseProgram()
}

/// Parses a file holding exactly one expression (for tools, tests and REPL helpers).
public func parseExpression(_ file: SourceFile) throws(Diagnostic) -> Expr {
  var parser = try Parser(file: file)
  parser.skipSeparators()
  let expr = try parser.parseExpr()
  parser.skipSeparators()
  guard case .endOfFile = parser.current.kind else {
    throw parser.fail(expected: "end of expression")
  }
  return expr
}

struct Parser {
  /// Blocks, parentheses, unary operators, call arguments and the height of an expression
  /// tree together may nest this deep. The parser recurses once per level and every later
  /// pass (printer, interpreter, even deinit) walks the tree recursively, so the limit is
  /// what keeps hostile input from overflowing the stack.
  static let maxDepth = 200

  /// Words that start a statement when they begin one (and are not followed by `=` or an
  /// adjacent `(`), plus the keyword statements, for "did you mean" hints.
  static let statementWords =
    [
      "let", "proc", "if", "for", "return", "import", "include", "print", "echo", "reset", "set",
      "cpus", "cpu", "on", "show", "space", "map", "unmap", "protect", "switch", "translate",
      "mem", "decode", "walk", "at", "explain", "tlbi", "dsb", "isb", "tlb", "assert", "expect",
      "dump", "layout", "graph", "load",
    ] + LiveCommand.allCases.map(\.rawValue) + TableStatementWord.allCases.map(\.rawValue)

  let file: SourceFile
  /// Never empty: the lexer always ends with `.endOfFile`.
  let tokens: [Token]
  /// Always a valid index of `tokens`: `advance()` never moves past the end-of-file token.
  var index = 0
  var depth = 0
  /// How many `proc` bodies enclose the current token: `return` outside one is an error.
  var procDepth = 0
  /// The end of the last token consumed, where a statement's range ends.
  var previousEnd: SourceLocation

  init(file: SourceFile) throws(Diagnostic) {
    self.file = file
    self.tokens = try tokenize(file)
    self.previousEnd = tokens[0].range.start
  }

  // MARK: - Token access

  var current: Token { tokens[index] }

  func peek(_ distance: Int = 1) -> Token {
    let target = index + distance
    return target < tokens.count ? tokens[target] : tokens[tokens.count - 1]
  }

  @discardableResult
  mutating func advance() -> Token {
    let token = tokens[index]
    if index < tokens.count - 1 { index += 1 }
    previousEnd = token.range.end
    return token
  }

  func isSymbol(_ symbol: Symbol, _ token: Token? = nil) -> Bool {
    if case .symbol(let s) = (token ?? current).kind { return s == symbol }
    return false
  }

  func isKeyword(_ keyword: Keyword, _ token: Token? = nil) -> Bool {
    if case .keyword(let k) = (token ?? current).kind { return k == keyword }
    return false
  }

  /// The current token's text when it is an identifier.
  var word: String? {
    if case .identifier(let text) = current.kind { return text }
    return nil
  }

  func isWord(_ text: String) -> Bool { word == text }

  /// True at a statement's end: a line break, `;`, `}` or the end of the file.
  var atTerminator: Bool {
    switch current.kind {
    case .newline, .endOfFile: return true
    case .symbol(let s): return s == .semicolon || s == .rightBrace
    default: return false
    }
  }

  /// The source text of a token, as it was written.
  func text(of token: Token) -> String {
    let start = min(max(token.range.start.offset, 0), file.bytes.count)
    let end = min(max(token.range.end.offset, start), file.bytes.count)
    return String(decoding: file.bytes[start..<end], as: UTF8.self)
  }

  /// How a token is named in "found …".
  func describe(_ token: Token) -> String {
    switch token.kind {
    case .newline: return "end of line"
    case .endOfFile: return "end of file"
    case .string: return "a string"
    default: return "'\(text(of: token))'"
    }
  }

  /// `expected WHAT, found TOKEN` at the current token.
  func fail(expected what: String, hint: String? = nil) -> Diagnostic {
    .error("expected \(what), found \(describe(current))", at: current.range, hint: hint)
  }

  func range(from start: Token) -> SourceRange {
    SourceRange(start: start.range.start, end: max(previousEnd, start.range.end))
  }

  mutating func enter(_ token: Token) throws(Diagnostic) {
    depth += 1
    if depth > Parser.maxDepth { throw tooDeep(token) }
  }

  mutating func leave() { depth -= 1 }

  func tooDeep(_ token: Token) -> Diagnostic {
    .error("nesting is too deep (the limit is \(Parser.maxDepth) levels)", at: token.range)
  }

  /// An identifier as a `Name`, or the error `expected WHAT`.
  mutating func expectName(_ what: String) throws(Diagnostic) -> Name {
    if let text = word {
      return Name(text, range: advance().range)
    }
    if case .keyword(let keyword) = current.kind {
      throw fail(expected: what, hint: "'\(keyword.rawValue)' is a reserved word")
    }
    if case .regime(let regime) = current.kind {
      throw fail(expected: what, hint: "'\(regime.word)' is a reserved word")
    }
    throw fail(expected: what)
  }

  mutating func expectSymbol(_ symbol: Symbol, _ what: String) throws(Diagnostic) -> Token {
    guard isSymbol(symbol) else { throw fail(expected: what) }
    return advance()
  }

  /// Consumes the word if it is current.
  mutating func matchWord(_ text: String) -> Bool {
    guard isWord(text) else { return false }
    advance()
    return true
  }

  // MARK: - Statements and blocks

  mutating func skipSeparators() {
    while true {
      switch current.kind {
      case .newline: advance()
      case .symbol(.semicolon): advance()
      default: return
      }
    }
  }

  mutating func parseProgram() throws(Diagnostic) -> [Stmt] {
    var statements: [Stmt] = []
    while true {
      skipSeparators()
      if case .endOfFile = current.kind { return statements }
      if isSymbol(.rightBrace) {
        throw .error("unexpected '}' with no open block", at: current.range)
      }
      statements.append(try parseStatement())
      try expectTerminator()
    }
  }

  /// A statement ends at a line break or `;` (consumed), or just before `}` or end of file.
  mutating func expectTerminator() throws(Diagnostic) {
    switch current.kind {
    case .newline, .symbol(.semicolon): advance()
    case .endOfFile, .symbol(.rightBrace): return
    default: throw fail(expected: "end of statement")
    }
  }

  /// `{ statements }`.
  mutating func parseBlock(_ owner: String) throws(Diagnostic) -> [Stmt] {
    guard isSymbol(.leftBrace) else { throw fail(expected: "'{' to start the body of '\(owner)'") }
    let open = advance()
    try enter(open)
    defer { leave() }
    var body: [Stmt] = []
    while true {
      skipSeparators()
      if isSymbol(.rightBrace) {
        advance()
        return body
      }
      if case .endOfFile = current.kind {
        throw .error("unterminated block: '{' has no matching '}'", at: open.range)
      }
      body.append(try parseStatement())
      try expectTerminator()
    }
  }

  mutating func parseStatement() throws(Diagnostic) -> Stmt {
    let start = current
    switch start.kind {
    case .keyword(.let): return try parseLet()
    case .keyword(.proc): return try parseProc()
    case .keyword(.if): return try parseIf()
    case .keyword(.for): return try parseFor()
    case .keyword(.return): return try parseReturn()
    case .keyword(.else):
      throw .error("'else' without a matching 'if'", at: start.range)
    case .identifier(let name):
      let next = peek()
      if isSymbol(.equal, next) { return try parseAssign() }
      if isSymbol(.leftParen, next) && !next.followsSpace { return try parseCallStatement() }
      if let statement = try parseCommand(name) { return statement }
      if isSymbol(.dot, next), case .identifier = peek(2).kind, isSymbol(.equal, peek(3)) {
        throw .error(
          "unknown command '\(name)'", at: start.range,
          hint: "a register field is written with 'set \(name).\(text(of: peek(2))) = …'")
      }
      if isSymbol(.leftParen, next) {
        throw .error(
          "unknown command '\(name)'", at: start.range,
          hint: "to call '\(name)', write '\(name)(…)' with no space before '('")
      }
      if name == "help" {
        throw .error(
          "unknown command 'help'", at: start.range,
          hint:
            "help is the REPL's: run mmush with no script and type `help`; `mmush --help` lists the options"
        )
      }
      throw .error(
        "unknown command '\(name)'", at: start.range,
        hint: didYouMean(name, in: Parser.statementWords))
    default:
      throw fail(expected: "a statement")
    }
  }

  /// The statement a command word starts, or nil when the word is not a command.
  mutating func parseCommand(_ name: String) throws(Diagnostic) -> Stmt? {
    switch name {
    case "import": return try parseImport()
    case "include": return try parseInclude()
    case "print": return try parsePrint()
    case "echo": return try parseEcho()
    case "reset": return .reset(ResetStmt(range: advance().range))
    case "set": return try parseSet()
    case "cpus": return try parseCpus()
    case "cpu": return try parseCpu()
    case "on": return try parseOnCPU()
    case "show": return try parseShow()
    case "space": return try parseSpace()
    case "map": return try parseMap()
    case "unmap": return try parseUnmap()
    case "protect": return try parseProtect()
    case "switch": return try parseSwitch()
    case "translate": return try parseTranslate()
    case "mem": return try parseMem()
    case "load": return try parseLoad()
    case "decode": return try parseDecode()
    case "walk": return try parseWalk()
    case "at": return try parseAT()
    case "explain": return try parseExplain()
    case "tlbi": return try parseTLBI()
    case "dsb": return try parseDSB()
    case "isb": return .isb(ISBStmt(range: advance().range))
    case "tlb": return try parseTLB()
    case "assert": return try parseAssert()
    case "expect": return try parseExpect()
    case "dump": return try parseDump()
    case "layout": return try parseLayout()
    case "graph": return try parseGraph()
    case "check": return .check(try parseCheck())
    case "find": return .findPA(try parseFindPA())
    case "diff": return .diffDump(try parseDiffDump())
    case "marker": return try parseMarker()
    case "snapshot": return .snapshotDump(try parseSnapshotDump())
    default:
      guard let live = LiveCommand(rawValue: name) else { return nil }
      return try parseLive(live)
    }
  }

  // MARK: - Language statements

  mutating func parseLet() throws(Diagnostic) -> Stmt {
    let start = advance()
    let name = try expectName("a variable name after 'let'")
    _ = try expectSymbol(.equal, "'=' after 'let \(name)'")
    let value = try parseExpr()
    return .let(LetStmt(name: name, value: value, range: range(from: start)))
  }

  mutating func parseAssign() throws(Diagnostic) -> Stmt {
    let start = current
    let name = try expectName("a variable name")
    advance()  // `=`
    let value = try parseExpr()
    return .assign(AssignStmt(name: name, value: value, range: range(from: start)))
  }

  mutating func parseProc() throws(Diagnostic) -> Stmt {
    let start = advance()
    let name = try expectName("a procedure name after 'proc'")
    _ = try expectSymbol(.leftParen, "'(' after 'proc \(name)'")
    var parameters: [Name] = []
    if !isSymbol(.rightParen) {
      while true {
        let parameter = try expectName("a parameter name")
        if parameters.contains(where: { $0.text == parameter.text }) {
          throw .error("duplicate parameter '\(parameter)'", at: parameter.range)
        }
        parameters.append(parameter)
        if isSymbol(.comma) {
          advance()
          continue
        }
        guard isSymbol(.rightParen) else {
          throw fail(expected: "',' or ')' in the parameters of '\(name)'")
        }
        break
      }
    }
    advance()  // `)`
    procDepth += 1
    defer { procDepth -= 1 }
    let body = try parseBlock("proc")
    return .proc(
      ProcStmt(name: name, parameters: parameters, body: body, range: range(from: start)))
  }

  mutating func parseCallStatement() throws(Diagnostic) -> Stmt {
    let start = current
    let name = try expectName("a procedure name")
    let arguments = try parseArguments(of: name)
    return .call(CallStmt(callee: name, arguments: arguments, range: range(from: start)))
  }

  mutating func parseReturn() throws(Diagnostic) -> Stmt {
    guard procDepth > 0 else {
      throw .error(
        "'return' outside a procedure", at: current.range,
        hint: "a script, an included file and a top-level block have nothing to return from")
    }
    let start = advance()
    let value = atTerminator ? nil : try parseExpr()
    return .return(ReturnStmt(value: value, range: range(from: start)))
  }

  mutating func parseIf() throws(Diagnostic) -> Stmt {
    let start = advance()
    var branches = [IfStmt.Branch(condition: try parseExpr(), body: try parseBlock("if"))]
    var elseBody: [Stmt]?
    while elseFollows() {
      skipNewlines()
      advance()  // `else`
      if isKeyword(.if) {
        advance()
        branches.append(IfStmt.Branch(condition: try parseExpr(), body: try parseBlock("if")))
        continue
      }
      elseBody = try parseBlock("else")
      break
    }
    return .if(IfStmt(branches: branches, elseBody: elseBody, range: range(from: start)))
  }

  /// Whether `else` comes next, possibly on a following line.
  func elseFollows() -> Bool {
    var distance = 0
    while case .newline = peek(distance).kind { distance += 1 }
    return isKeyword(.else, peek(distance))
  }

  mutating func skipNewlines() {
    while case .newline = current.kind { advance() }
  }

  mutating func parseFor() throws(Diagnostic) -> Stmt {
    let start = advance()
    let variable = try expectName("a loop variable after 'for'")
    guard matchWord("in") else { throw fail(expected: "'in' after 'for \(variable)'") }
    let from = try parseExpr()
    let inclusive: Bool
    if isSymbol(.halfOpenRange) {
      inclusive = false
    } else if isSymbol(.closedRange) {
      inclusive = true
    } else {
      throw fail(expected: "'..<' or '...' in the range of 'for'")
    }
    advance()
    let to = try parseExpr()
    let step = matchWord("step") ? try parseExpr() : nil
    let body = try parseBlock("for")
    return .for(
      ForStmt(
        variable: variable, from: from, to: to, inclusive: inclusive, step: step, body: body,
        range: range(from: start)))
  }

  /// The string literal a statement requires, with its range.
  mutating func expectStringLiteral(_ what: String) throws(Diagnostic) -> (String, SourceRange) {
    guard case .string(let value) = current.kind else { throw fail(expected: what) }
    return (value, advance().range)
  }

  mutating func parseImport() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (path, pathRange) = try expectStringLiteral("a module name in quotes after 'import'")
    return .import(ImportStmt(path: path, pathRange: pathRange, range: range(from: start)))
  }

  mutating func parseInclude() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (path, pathRange) = try expectStringLiteral("a file name in quotes after 'include'")
    return .include(IncludeStmt(path: path, pathRange: pathRange, range: range(from: start)))
  }

  mutating func parsePrint() throws(Diagnostic) -> Stmt {
    let start = advance()
    if atTerminator { throw fail(expected: "an expression after 'print'") }
    var values = [try parseExpr()]
    while isSymbol(.comma) {
      advance()
      values.append(try parseExpr())
    }
    return .print(PrintStmt(values: values, range: range(from: start)))
  }

  mutating func parseEcho() throws(Diagnostic) -> Stmt {
    let start = advance()
    let value = atTerminator ? nil : try parseExpr()
    return .echo(EchoStmt(value: value, range: range(from: start)))
  }
}
