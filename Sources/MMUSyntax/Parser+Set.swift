/// `set`: the typed knobs of reference.md, registers and fields, and any other knob.
extension Parser {
  /// Knobs whose single argument is a switch (`on`, `off`, or an expression).
  static let switchKnobs = [
    "vhe", "stage2", "pan", "tlb_speculative", "strict_barriers", "bbm_check",
  ]

  mutating func parseSet() throws(Diagnostic) -> Stmt {
    let start = advance()
    let name = try expectName("a setting or register name after 'set'")
    let setting: SetStmt.Setting
    if isSymbol(.equal) {
      advance()
      setting = .register(name, try parseValue("a value after '='"))
    } else if isSymbol(.dot) {
      advance()
      let field = try expectName("a field name after '\(name).'")
      _ = try expectSymbol(.equal, "'=' after 'set \(name).\(field)'")
      setting = .field(register: name, field: field, try parseValue("a value after '='"))
    } else {
      setting = try parseKnob(name)
    }
    if isKeyword(.for) {
      throw .error("'set \(name)' does not take 'for REGIME'", at: current.range)
    }
    return .set(SetStmt(setting: setting, range: range(from: start)))
  }

  mutating func parseKnob(_ name: Name) throws(Diagnostic) -> SetStmt.Setting {
    let after = "after 'set \(name)'"
    switch name.text {
    case "granule":
      let granule = try parseOperand("a granule size (4k, 16k or 64k) \(after)")
      return .granule(granule, regime: try parseForRegime())
    case "va_bits":
      let bits = try parseOperand("a number of bits \(after)")
      return .vaBits(bits, regime: try parseForRegime())
    case "pa_bits":
      return .paBits(try parseOperand("a number of bits \(after)"))
    case "ipa_bits":
      let bits = try parseOperand("a number of bits \(after)")
      let granule = matchWord("granule") ? try parseOperand("a granule size after 'granule'") : nil
      return .ipaBits(bits, granule: granule)
    case "el":
      return .exceptionLevel(try parseOperand("an exception level (0, 1 or 2) \(after)"))
    case "lpa2":
      let value = try parseSwitchValue(after)
      return .lpa2(value, regime: try parseForRegime())
    case "table_pool":
      let base = try parseOperand("a physical address \(after)")
      return .tablePool(base: base, size: try expectSize("the address in 'set table_pool'"))
    case "feature":
      let feature = try expectName("a feature name \(after)")
      return .feature(feature, try parseSwitchValue("after 'set feature \(feature)'"))
    case let knob where Parser.switchKnobs.contains(knob):
      let value = try parseSwitchValue(after)
      switch knob {
      case "vhe": return .vhe(value)
      case "stage2": return .stage2(value)
      case "pan": return .pan(value)
      case "tlb_speculative": return .tlbSpeculative(value)
      case "strict_barriers": return .strictBarriers(value)
      default: return .bbmCheck(value)
      }
    default:
      var arguments: [SetArgument] = []
      while !atTerminator && !isKeyword(.for) {
        let value = try parseValue("a value or end of statement")
        if case .identifier(let text) = value.kind {
          arguments.append(.word(Name(text, range: value.range)))
        } else {
          arguments.append(.expr(value))
        }
      }
      return .knob(name, arguments, regime: try parseForRegime())
    }
  }

  /// `on` or `off` (as a boolean literal), or an operand such as `true` or a variable.
  mutating func parseSwitchValue(_ after: String) throws(Diagnostic) -> Expr {
    if let text = word, text == "on" || text == "off" {
      return Expr(.bool(text == "on"), range: advance().range)
    }
    guard startsOperand() else { throw fail(expected: "'on' or 'off' \(after)") }
    return try parseOperand("a value")
  }

  /// `for REGIME`, optional.
  mutating func parseForRegime() throws(Diagnostic) -> Expr? {
    guard isKeyword(.for) else { return nil }
    advance()
    return try parseOperand("a regime after 'for'")
  }
}
