/// The statements over whole tables: `check`, `find pa`, `diff dump`, `marker`, `snapshot`.
extension Parser {
  /// `check wx|aliases [REGIME|SPACE]`.
  mutating func parseCheck() throws(Diagnostic) -> CheckStmt {
    let start = advance()
    let kind = try parseVocabularyWord(
      TableCheckKind.self, expected: "a check (wx or aliases) after 'check'",
      unknown: { "unknown check '\($0)'; expected wx or aliases" }
    ).value
    let target = atTerminator ? nil : try parseOperand("a regime or space")
    return CheckStmt(kind: kind, target: target, range: range(from: start))
  }

  /// `find pa PA [size SIZE] [REGIME|SPACE]`.
  mutating func parseFindPA() throws(Diagnostic) -> FindPAStmt {
    let start = advance()
    guard matchWord("pa") else { throw fail(expected: "'pa' after 'find'") }
    let pa = try parseOperand("a physical address after 'find pa'")
    var size: Expr?
    if isWord("size") {
      advance()
      size = try parseOperand("a size after 'size'")
    }
    let target = atTerminator ? nil : try parseOperand("a regime or space")
    return FindPAStmt(pa: pa, size: size, target: target, range: range(from: start))
  }

  /// `diff dump A B [format linux|kvm]`.
  mutating func parseDiffDump() throws(Diagnostic) -> DiffDumpStmt {
    let start = advance()
    guard matchWord("dump") else { throw fail(expected: "'dump' after 'diff'") }
    let first = try parseOperand("a space or regime after 'diff dump'")
    let second = try parseOperand("a second space or regime")
    var format: DumpFormat?
    if matchWord("format") { format = try parseDumpFormat() }
    return DiffDumpStmt(first: first, second: second, format: format, range: range(from: start))
  }

  /// `snapshot dump [SPACE|REGIME] as NAME [format linux|kvm]`.
  mutating func parseSnapshotDump() throws(Diagnostic) -> SnapshotDumpStmt {
    let start = advance()
    guard matchWord("dump") else { throw fail(expected: "'dump' after 'snapshot'") }
    let target = isWord("as") ? nil : try parseOperand("a space or regime, or 'as NAME'")
    guard matchWord("as") else { throw fail(expected: "'as NAME' to name the snapshot") }
    let name = try expectName("the snapshot's name after 'as'")
    var format: DumpFormat?
    if matchWord("format") { format = try parseDumpFormat() }
    return SnapshotDumpStmt(
      target: target, name: name, format: format, range: range(from: start))
  }

  /// `marker VA "NAME"` or `marker clear`.
  mutating func parseMarker() throws(Diagnostic) -> Stmt {
    let start = advance()
    if matchWord("clear") {
      return .marker(MarkerStmt(action: .clear, range: range(from: start)))
    }
    let address = try parseOperand("an address or 'clear' after 'marker'")
    let name = try parseOperand("the marker's name after the address")
    return .marker(
      MarkerStmt(action: .add(address: address, name: name), range: range(from: start)))
  }

  mutating func parseDumpFormat() throws(Diagnostic) -> DumpFormat {
    try parseVocabularyWord(
      DumpFormat.self, expected: "a format (linux or kvm) after 'format'",
      unknown: { "unknown dump format '\($0)'; expected linux or kvm" }
    ).value
  }

  /// The assert forms: `assert check …`, `assert find pa …`, `assert diff dump …`, when the
  /// word after `assert` is one of those and the next token is a word (an expression never
  /// juxtaposes two names).
  mutating func parseTableAssertion() throws(Diagnostic) -> TableAssertion? {
    guard case .identifier = peek().kind else { return nil }
    switch word {
    case TableStatementWord.check.rawValue: return .check(try parseCheck())
    case TableStatementWord.find.rawValue: return .findPA(try parseFindPA())
    case TableStatementWord.diff.rawValue: return .diff(try parseDiffDump())
    default: return nil
    }
  }
}
