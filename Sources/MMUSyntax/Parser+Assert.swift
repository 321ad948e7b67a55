/// `assert` in its forms, and `expect`.
extension Parser {
  mutating func parseAssert() throws(Diagnostic) -> Stmt {
    let start = advance()
    let next = peek()
    let condition: AssertStmt.Condition
    if isWord("walk") && !(isSymbol(.leftParen, next) && !next.followsSpace) {
      // `assert walk …`; `assert walk(el1, va).ok` is an expression.
      advance()
      condition = .walk(try parseWalkAssertion())
    } else if isWord("tlb"), case .identifier = next.kind {
      // `tlb WORD` can only be the TLB form: an expression never juxtaposes two names.
      advance()
      let (state, _) = try parseVocabularyWord(
        TLBState.self, expected: "a TLB state",
        unknown: { "unknown TLB state '\($0)'; expected hit, miss, stale or conflict" })
      let (regime, va) = try parseLeadingAndOperand(
        "a virtual address after 'assert tlb \(state.rawValue)'", options: [])
      condition = .tlb(state: state, regime: regime, va: va)
    } else if let table = try parseTableAssertion() {
      condition = .table(table)
    } else {
      condition = .expr(try parseValue("a condition after 'assert'"))
    }
    var message: Expr?
    if isSymbol(.comma) {
      advance()
      message = try parseValue("a message after ','")
    }
    return .assert(AssertStmt(condition: condition, message: message, range: range(from: start)))
  }

  /// After `assert walk`: `[REGIME] VA [read|write|exec] [notlb]` then the expectation.
  mutating func parseWalkAssertion() throws(Diagnostic) -> WalkAssertion {
    let options = ["read", "write", "exec", "notlb", "faults", "allows", "denies"]
    let (regime, va) = try parseLeadingAndOperand(
      "a virtual address after 'assert walk'", options: Set(options))
    var access: AccessKind?
    var noTLB = false
    while true {
      if let found = try parseAccess(access) {
        access = found
      } else if isWord("notlb") {
        if noTLB { throw duplicate(current) }
        noTLB = true
        advance()
      } else {
        break
      }
    }
    let expectation: WalkAssertion.Expectation
    if isSymbol(.equalEqual) {
      advance()
      expectation = .translates(to: try parseOperand("a physical address after '=='"))
    } else if isWord("faults") {
      advance()
      expectation = try parseFaultExpectation()
    } else if let verb = word, verb == "allows" || verb == "denies" {
      let verbToken = advance()
      if let access {
        throw .error(
          "'\(verb)' names the access after it; remove '\(access.rawValue)' before it",
          at: verbToken.range)
      }
      let (checked, _) = try parseVocabularyWord(
        AccessKind.self, expected: "'read', 'write' or 'exec' after '\(verb)'",
        unknown: { "unknown access '\($0)'; expected read, write or exec" })
      expectation = verb == "allows" ? .allows(checked) : .denies(checked)
    } else {
      throw fail(expected: "'==', 'faults', 'allows' or 'denies' in 'assert walk'")
    }
    return WalkAssertion(
      regime: regime, va: va, access: access, noTLB: noTLB, expectation: expectation)
  }

  /// After `faults`: `[KIND] [level N] [stage N] [s1ptw]` in any order.
  mutating func parseFaultExpectation() throws(Diagnostic) -> WalkAssertion.Expectation {
    var kind: FaultKind?
    var level: Expr?
    var stage: Expr?
    var s1ptw = false
    while !atTerminator && !isSymbol(.comma) {
      guard let text = word else { throw fail(expected: "end of statement") }
      if let found = FaultKind(rawValue: text) {
        if kind != nil { throw .error("only one fault kind may be given", at: current.range) }
        kind = found
        advance()
        continue
      }
      switch text {
      case "level": level = try optionOperand(level)
      case "stage": stage = try optionOperand(stage)
      case "s1ptw":
        if s1ptw { throw duplicate(current) }
        s1ptw = true
        advance()
      default:
        throw .error(
          "unknown fault detail '\(text)'", at: current.range,
          hint: didYouMean(
            text, in: FaultKind.allCases.map(\.rawValue) + ["level", "stage", "s1ptw"]))
      }
    }
    return .faults(kind: kind, level: level, stage: stage, s1ptw: s1ptw)
  }

  mutating func parseExpect() throws(Diagnostic) -> Stmt {
    let start = advance()
    let severity: Diagnostic.Severity
    switch word {
    case "warning": severity = .warning
    case "error": severity = .error
    case .some(let text):
      throw .error(
        "unknown report kind '\(text)'", at: current.range,
        hint: didYouMean(text, in: ["warning", "error"]) ?? "expected 'warning' or 'error'")
    case .none: throw fail(expected: "'warning' or 'error' after 'expect'")
    }
    advance()
    let text =
      isSymbol(.leftBrace) ? nil : try parseOperand("a message or '{' after 'expect \(severity)'")
    let body = try parseBlock("expect")
    return .expect(
      ExpectStmt(severity: severity, text: text, body: body, range: range(from: start)))
  }
}
