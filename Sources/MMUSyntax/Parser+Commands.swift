import MMU

/// The machine, mapping, memory, translation, TLB and view commands.
///
/// Commands share three conventions: operands are `parseOperand` expressions (no
/// comparisons); an optional leading SPACE or REGIME is recognised because another operand
/// follows it; and option words may come in any order, each at most once, with an unknown
/// word reported with a "did you mean" among that command's options.
extension Parser {
  // MARK: - Shared shapes

  /// `[LEADING] OPERAND`: the first operand is the optional leading one exactly when another
  /// operand (not one of `options`) follows it.
  mutating func parseLeadingAndOperand(_ what: String, options: Set<String>)
    throws(Diagnostic) -> (leading: Expr?, operand: Expr)
  {
    let first = try parseOperand(what)
    guard startsOperand(excluding: options) else { return (nil, first) }
    let second = try parseOperand(what)
    // `walk 0x1000 el1`: a regime word after an operand that is not one is the wrong order.
    if case .regime(let r) = second.kind {
      if case .regime = first.kind {
      } else {
        throw .error(
          "the regime comes first, before the address", at: second.range,
          hint: "write '\(r.word) \(source(of: first.range))'")
      }
    }
    return (first, second)
  }

  /// The error for a word that is not one of a command's options.
  func unknownOption(_ command: String, _ options: [String]) -> Diagnostic {
    guard let text = word else { return fail(expected: "end of statement") }
    return .error(
      "unknown option '\(text)' for '\(command)'", at: current.range,
      hint: didYouMean(text, in: options)
        ?? "'\(command)' takes \(listed(options.map { "'\($0)'" }))")
  }

  func duplicate(_ token: Token) -> Diagnostic {
    .error("duplicate option '\(text(of: token))'", at: token.range)
  }

  /// `WORD OPERAND` for an option whose value must not already be set.
  mutating func optionOperand(_ existing: Expr?) throws(Diagnostic) -> Expr {
    let option = advance()
    if existing != nil { throw duplicate(option) }
    return try parseOperand("a value after '\(text(of: option))'")
  }

  /// A full expression where a value is required.
  mutating func parseValue(_ what: String) throws(Diagnostic) -> Expr {
    guard startsOperand() else { throw fail(expected: what) }
    return try parseExpr()
  }

  /// `size SIZE`, required.
  mutating func expectSize(_ after: String) throws(Diagnostic) -> Expr {
    guard matchWord("size") else { throw fail(expected: "'size' after \(after)") }
    return try parseOperand("a size after 'size'")
  }

  /// A word from a fixed vocabulary (regime words count as words here).
  mutating func parseVocabularyWord<T: Vocabulary>(
    _ type: T.Type, expected what: String, unknown: (String) -> String
  ) throws(Diagnostic) -> (value: T, range: SourceRange) {
    let spelled: String
    switch current.kind {
    case .identifier(let text): spelled = text
    case .keyword(let keyword): spelled = keyword.rawValue
    case .regime(let regime): spelled = regime.word
    default: throw fail(expected: what)
    }
    guard let value = T(word: spelled) else {
      throw .error(
        unknown(spelled), at: current.range, hint: didYouMean(spelled, in: T.words))
    }
    return (value, advance().range)
  }

  mutating func parseSpaceRegime() throws(Diagnostic) -> Regime {
    let words = listed(Regime.words)
    return try parseVocabularyWord(
      Regime.self, expected: "a regime (\(words))",
      unknown: { "unknown table regime '\($0)'; expected \(words)" }
    ).value
  }

  // MARK: - The machine

  mutating func parseCpus() throws(Diagnostic) -> Stmt {
    let start = advance()
    let count = try parseOperand("a CPU count after 'cpus'")
    return .cpus(CpusStmt(count: count, range: range(from: start)))
  }

  mutating func parseCpu() throws(Diagnostic) -> Stmt {
    let start = advance()
    let index = try parseOperand("a CPU number after 'cpu'")
    var action = CpuStmt.Action.select
    if let text = word {
      guard let found = CpuStmt.Action(rawValue: text), found != .select else {
        throw unknownOption("cpu", ["offline", "online"])
      }
      action = found
      advance()
    }
    return .cpu(CpuStmt(index: index, action: action, range: range(from: start)))
  }

  mutating func parseOnCPU() throws(Diagnostic) -> Stmt {
    let start = advance()
    guard matchWord("cpu") else { throw fail(expected: "'cpu' after 'on'") }
    let index = try parseOperand("a CPU number after 'on cpu'")
    let body = try parseBlock("on cpu")
    return .onCPU(OnCPUStmt(index: index, body: body, range: range(from: start)))
  }

  /// `cpu N` after `show tlb` or `tlb show`, optional.
  mutating func parseOptionalCPU() throws(Diagnostic) -> Expr? {
    guard matchWord("cpu") else { return nil }
    return try parseOperand("a CPU number after 'cpu'")
  }

  mutating func parseShow() throws(Diagnostic) -> Stmt {
    let start = advance()
    let targets = ["regs", "machine", "spaces", "cpus", "tlb"]
    guard let text = word else {
      throw fail(expected: "what to show (regs, machine, spaces, cpus or tlb)")
    }
    let target: ShowStmt.Target
    switch text {
    case "regs": target = .regs
    case "machine": target = .machine
    case "spaces": target = .spaces
    case "cpus": target = .cpus
    case "tlb":
      advance()
      return .show(ShowStmt(target: .tlb(cpu: try parseOptionalCPU()), range: range(from: start)))
    default:
      throw .error(
        "unknown 'show' target '\(text)'", at: current.range,
        hint: didYouMean(text, in: targets) ?? "expected regs, machine, spaces, cpus or tlb")
    }
    advance()
    return .show(ShowStmt(target: target, range: range(from: start)))
  }

  /// `tlb show [cpu N]` (the same statement as `show tlb`) or `tlb fill REGIME VA`.
  mutating func parseTLB() throws(Diagnostic) -> Stmt {
    let start = advance()
    if matchWord("show") {
      let cpu = try parseOptionalCPU()
      return .show(ShowStmt(target: .tlb(cpu: cpu), range: range(from: start)))
    }
    if matchWord("fill") {
      let regime = try parseOperand("a regime after 'tlb fill'")
      let va = try parseOperand("a virtual address after the regime in 'tlb fill'")
      return .tlbFill(TLBFillStmt(regime: regime, va: va, range: range(from: start)))
    }
    if let text = word {
      throw .error(
        "unknown 'tlb' operation '\(text)'", at: current.range,
        hint: didYouMean(text, in: ["show", "fill"]) ?? "expected 'show' or 'fill'")
    }
    throw fail(expected: "'show' or 'fill' after 'tlb'")
  }

  // MARK: - Address spaces and mapping

  mutating func parseSpace() throws(Diagnostic) -> Stmt {
    let start = advance()
    let name = try expectName("a space name after 'space'")
    let options = [
      "regime", "ttbr0", "ttbr1", "granule", "va_bits", "ipa_bits", "pool", "via", "at",
    ]
    var space = SpaceStmt(name: name, range: name.range)
    var sawRegime = false
    while !atTerminator {
      guard let text = word else { throw fail(expected: "end of statement") }
      let option = current
      switch text {
      case "regime":
        if sawRegime { throw duplicate(option) }
        sawRegime = true
        advance()
        space.regime = try parseSpaceRegime()
      case "ttbr0", "ttbr1":
        if space.half != nil {
          throw .error("only one of 'ttbr0' and 'ttbr1' may be given", at: option.range)
        }
        space.half = TranslationHalf(rawValue: text)
        advance()
      case "granule": space.granule = try optionOperand(space.granule)
      case "va_bits", "ipa_bits":
        if (text == "va_bits" && space.ipaBits != nil)
          || (text == "ipa_bits" && space.vaBits != nil)
        {
          throw .error("only one of 'va_bits' and 'ipa_bits' may be given", at: option.range)
        }
        if text == "va_bits" {
          space.vaBits = try optionOperand(space.vaBits)
        } else {
          space.ipaBits = try optionOperand(space.ipaBits)
        }
      case "pool":
        if space.pool != nil { throw duplicate(option) }
        advance()
        let base = try parseOperand("a physical address after 'pool'")
        let size = try expectSize("the address in 'pool'")
        space.pool = SpaceStmt.Pool(base: base, size: size)
      case "via": space.via = try optionOperand(space.via)
      case "at": space.root = try optionOperand(space.root)
      default: throw unknownOption("space", options)
      }
    }
    space.range = range(from: start)
    return .space(space)
  }

  mutating func parseMap() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (space, va) = try parseLeadingAndOperand(
      "a virtual address after 'map'", options: ["size"])
    let pa: Expr
    let extent: MapStmt.Extent
    if isSymbol(.arrow) {
      advance()
      pa = try parseOperand("a physical address after '->'")
      extent = .size(try expectSize("the physical address in 'map'"))
    } else if isSymbol(.halfOpenRange) {
      advance()
      let end = try parseOperand("an end address after '..<'")
      _ = try expectSymbol(.arrow, "'->' after the end address in 'map'")
      pa = try parseOperand("a physical address after '->'")
      extent = .end(end)
    } else {
      throw fail(expected: "'->' or '..<' after the virtual address in 'map'")
    }
    let attributes = try parseAttributes()
    return .map(
      MapStmt(
        space: space, va: va, pa: pa, extent: extent, attributes: attributes,
        range: range(from: start)))
  }

  mutating func parseUnmap() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (space, va) = try parseLeadingAndOperand(
      "a virtual address after 'unmap'", options: ["size", "free"])
    let size = try expectSize("the address in 'unmap'")
    let free = matchWord("free")
    if !atTerminator { throw unknownOption("unmap", ["free"]) }
    return .unmap(
      UnmapStmt(space: space, va: va, size: size, free: free, range: range(from: start)))
  }

  mutating func parseProtect() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (space, va) = try parseLeadingAndOperand(
      "a virtual address after 'protect'", options: ["size"])
    let size = try expectSize("the address in 'protect'")
    if atTerminator { throw fail(expected: "attributes after the size in 'protect'") }
    let attributes = try parseAttributes()
    return .protect(
      ProtectStmt(
        space: space, va: va, size: size, attributes: attributes, range: range(from: start)))
  }

  /// `ATTRS` up to the end of the statement.
  mutating func parseAttributes() throws(Diagnostic) -> [Attribute] {
    var attributes: [Attribute] = []
    var conflicts = AttributeConflicts()
    while !atTerminator {
      guard let text = word else { throw fail(expected: "an attribute") }
      let token = advance()
      let attribute: Attribute
      if let flag = Attribute.flags.first(where: { $0.word == text }) {
        attribute = Attribute(flag.kind, range: token.range)
      } else {
        switch text {
        case "attr":
          let index = try parseOperand("a MAIR index after 'attr'")
          attribute = Attribute(.attr(index), range: range(from: token))
        case "sh":
          let (value, _) = try parseVocabularyWord(
            Shareability.self, expected: "'none', 'inner' or 'outer' after 'sh'",
            unknown: { "unknown shareability '\($0)'; expected none, inner or outer" })
          attribute = Attribute(.shareability(value), range: range(from: token))
        case "level":
          let level = try parseOperand("a level after 'level'")
          attribute = Attribute(.level(level), range: range(from: token))
        default:
          throw .error(
            "unknown attribute '\(text)'", at: token.range,
            hint: didYouMean(text, in: Attribute.words))
        }
      }
      try conflicts.add(attribute, text: source(of: attribute.range), index: attributes.count)
      attributes.append(attribute)
    }
    try conflicts.finish()
    return attributes
  }

  /// The source text of a range, as written.
  func source(of r: SourceRange) -> String {
    let start = min(max(r.start.offset, 0), file.bytes.count)
    let end = min(max(r.end.offset, start), file.bytes.count)
    return String(decoding: file.bytes[start..<end], as: UTF8.self)
  }

  mutating func parseSwitch() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (register, registerRange) = try parseVocabularyWord(
      BaseRegister.self, expected: "a translation table base register after 'switch'",
      unknown: {
        "'switch' cannot write '\($0)'; expected ttbr0_el1, ttbr1_el1, ttbr0_el2, ttbr1_el2 or vttbr_el2"
      })
    let space = try parseOperand("a space after '\(register.rawValue)'")
    var asid: Expr?
    var vmid: Expr?
    while !atTerminator {
      switch word {
      case "asid": asid = try optionOperand(asid)
      case "vmid": vmid = try optionOperand(vmid)
      default: throw unknownOption("switch", ["asid", "vmid"])
      }
    }
    return .switch(
      SwitchStmt(
        register: register, registerRange: registerRange, space: space, asid: asid, vmid: vmid,
        range: range(from: start)))
  }

  mutating func parseTranslate() throws(Diagnostic) -> Stmt {
    let start = advance()
    let space = try parseOperand("a space after 'translate'")
    let va = try parseOperand("a virtual address after the space in 'translate'")
    var granule: Expr?
    var vaBits: Expr?
    while !atTerminator {
      switch word {
      case "granule": granule = try optionOperand(granule)
      case "va_bits": vaBits = try optionOperand(vaBits)
      default: throw unknownOption("translate", ["granule", "va_bits"])
      }
    }
    return .translate(
      TranslateStmt(
        space: space, va: va, granule: granule, vaBits: vaBits, range: range(from: start)))
  }

  // MARK: - Memory

  mutating func parseMem() throws(Diagnostic) -> Stmt {
    let start = advance()
    let operations = ["write", "read", "load", "save"]
    guard let operation = word else {
      throw fail(expected: "'write', 'read', 'load' or 'save' after 'mem'")
    }
    guard operations.contains(operation) else {
      throw .error(
        "unknown 'mem' operation '\(operation)'", at: current.range,
        hint: didYouMean(operation, in: operations) ?? "expected write, read, load or save")
    }
    advance()
    let address = try parseOperand("a physical address after 'mem \(operation)'")
    switch operation {
    case "write":
      _ = try expectSymbol(.equal, "'=' after the address in 'mem write'")
      let value = try parseValue("a value after '='")
      var size: Expr?
      while !atTerminator {
        guard isWord("size") else { throw unknownOption("mem write", ["size"]) }
        size = try optionOperand(size)
      }
      return .memWrite(
        MemWriteStmt(address: address, value: value, size: size, range: range(from: start)))
    case "read":
      var count: Expr?
      while !atTerminator {
        guard isWord("count") else { throw unknownOption("mem read", ["count"]) }
        count = try optionOperand(count)
      }
      return .memRead(MemReadStmt(address: address, count: count, range: range(from: start)))
    case "load":
      let file = try parseOperand("a file name after the address in 'mem load'")
      return .memLoad(MemLoadStmt(address: address, file: file, range: range(from: start)))
    default:
      let size = try expectSize("the address in 'mem save'")
      let file = try parseOperand("a file name after the size in 'mem save'")
      return .memSave(
        MemSaveStmt(address: address, size: size, file: file, range: range(from: start)))
    }
  }

  /// `load core FILE` / `load symbols FILE`.
  mutating func parseLoad() throws(Diagnostic) -> Stmt {
    let start = advance()
    let kind = try parseVocabularyWord(
      LoadKind.self, expected: "'core' or 'symbols' after 'load'",
      unknown: { "unknown 'load' kind '\($0)'; expected core or symbols" }
    ).value
    let file = try parseOperand("a file name after 'load \(kind.rawValue)'")
    return .load(LoadStmt(kind: kind, file: file, range: range(from: start)))
  }

  mutating func parseDecode() throws(Diagnostic) -> Stmt {
    let start = advance()
    let value = try parseOperand("a descriptor value after 'decode'")
    var level: Expr?
    var regime: Regime?
    var granule: Expr?
    while !atTerminator {
      switch word {
      case "level": level = try optionOperand(level)
      case "granule": granule = try optionOperand(granule)
      case "regime":
        let option = advance()
        if regime != nil { throw duplicate(option) }
        regime = try parseSpaceRegime()
      default: throw unknownOption("decode", ["level", "regime", "granule"])
      }
    }
    return .decode(
      DecodeStmt(
        value: value, level: level, regime: regime, granule: granule, range: range(from: start)))
  }

  // MARK: - Translating

  /// `read|write|exec`, at most once per statement.
  mutating func parseAccess(_ existing: AccessKind?) throws(Diagnostic) -> AccessKind? {
    guard let text = word, let access = AccessKind(rawValue: text) else { return nil }
    if let existing {
      throw .error(
        "conflicting access kinds '\(existing.rawValue)' and '\(text)'", at: current.range)
    }
    advance()
    return access
  }

  mutating func parseWalk() throws(Diagnostic) -> Stmt {
    let start = advance()
    let options = ["read", "write", "exec", "trace", "notlb"]
    let (regime, va) = try parseLeadingAndOperand(
      "a virtual address after 'walk'", options: Set(options))
    var walk = WalkStmt(
      regime: regime, va: va, access: nil, trace: false, noTLB: false, range: start.range)
    while !atTerminator {
      if let access = try parseAccess(walk.access) {
        walk.access = access
        continue
      }
      switch word {
      case "trace":
        if walk.trace { throw duplicate(current) }
        walk.trace = true
      case "notlb":
        if walk.noTLB { throw duplicate(current) }
        walk.noTLB = true
      default: throw unknownOption("walk", options)
      }
      advance()
    }
    walk.range = range(from: start)
    return .walk(walk)
  }

  mutating func parseAT() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (operation, _) = try parseVocabularyWord(
      ATOperation.self, expected: "an AT operation after 'at'",
      unknown: { "unknown AT operation '\($0)'" })
    let va = try parseOperand("a virtual address after 'at \(operation.word)'")
    return .at(ATStmt(operation: operation, va: va, range: range(from: start)))
  }

  mutating func parseExplain() throws(Diagnostic) -> Stmt {
    let start = advance()
    let va = try parseOperand("a virtual address after 'explain'")
    var regime: Expr?
    if isKeyword(.for) {
      advance()
      regime = try parseOperand("a regime after 'for'")
    }
    return .explain(ExplainStmt(va: va, regime: regime, range: range(from: start)))
  }

  // MARK: - TLB maintenance and barriers

  mutating func parseTLBI() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (operation, _) = try parseVocabularyWord(
      TLBIOperation.self, expected: "a TLBI operation after 'tlbi'",
      unknown: { "unknown TLBI operation '\($0)'" })
    let options = ["size", "asid", "level", "xt"]
    var address: Expr?
    if startsOperand(excluding: Set(options)) {
      address = try parseOperand("an address")
    }
    var size: Expr?
    var asid: Expr?
    var level: Expr?
    var xt: Expr?
    while !atTerminator {
      switch word {
      case "size": size = try optionOperand(size)
      case "asid": asid = try optionOperand(asid)
      case "level": level = try optionOperand(level)
      case "xt": xt = try optionOperand(xt)
      default: throw unknownOption("tlbi", options)
      }
    }
    return .tlbi(
      TLBIStmt(
        operation: operation, address: address, size: size, asid: asid, level: level, xt: xt,
        range: range(from: start)))
  }

  mutating func parseDSB() throws(Diagnostic) -> Stmt {
    let start = advance()
    var domain = BarrierDomain.sy
    if !atTerminator {
      domain = try parseVocabularyWord(
        BarrierDomain.self, expected: "a barrier domain after 'dsb'",
        unknown: { "unknown barrier domain '\($0)'" }
      ).value
    }
    return .dsb(DSBStmt(domain: domain, range: range(from: start)))
  }

  // MARK: - Views

  mutating func parseDump() throws(Diagnostic) -> Stmt {
    let start = advance()
    var dump = DumpStmt(target: nil, window: nil, format: nil, range: start.range)
    if !atTerminator && !isWord("format") {
      let first = try parseOperand("a space, regime or address after 'dump'")
      if isWord("size") {
        dump.window = DumpStmt.Window(va: first, size: try expectSize("the address"))
      } else if !atTerminator && !isWord("format") {
        dump.target = first
        let va = try parseOperand("an address or end of statement")
        dump.window = DumpStmt.Window(va: va, size: try expectSize("the address in 'dump'"))
      } else {
        dump.target = first
      }
    }
    if matchWord("format") { dump.format = try parseDumpFormat() }
    dump.range = range(from: start)
    return .dump(dump)
  }

  mutating func parseLayout() throws(Diagnostic) -> Stmt {
    let start = advance()
    let regime = atTerminator ? nil : try parseOperand("a regime after 'layout'")
    return .layout(LayoutStmt(regime: regime, range: range(from: start)))
  }

  mutating func parseGraph() throws(Diagnostic) -> Stmt {
    let start = advance()
    let (space, file) = try parseLeadingAndOperand("a file name after 'graph'", options: [])
    return .graph(GraphStmt(space: space, file: file, range: range(from: start)))
  }
}
