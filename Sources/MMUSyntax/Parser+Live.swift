extension Parser {
  /// `attach "HOST:PORT"`, `refresh`, `detach [halt]`.
  mutating func parseLive(_ command: LiveCommand) throws(Diagnostic) -> Stmt {
    let start = advance()
    switch command {
    case .attach:
      let address = try parseOperand("a \"HOST:PORT\" string after 'attach'")
      return .live(LiveStmt(action: .attach(address), range: range(from: start)))
    case .refresh:
      return .live(LiveStmt(action: .refresh, range: range(from: start)))
    case .detach:
      var halt = false
      while !atTerminator {
        guard isWord("halt") else { throw unknownOption("detach", LiveCommand.detachOptions) }
        if halt { throw duplicate(current) }
        advance()
        halt = true
      }
      return .live(LiveStmt(action: .detach(halt: halt), range: range(from: start)))
    }
  }
}
