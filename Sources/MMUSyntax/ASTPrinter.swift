import MMU

/// Prints an AST back as canonical .mmu source.
///
/// Uses: the REPL's `:save`, assertion messages that quote the failed expression, and the
/// round-trip test that pins the parser (`parse(format(parse(x)))` equals `parse(x)` up to
/// ranges). Canonical form: one statement per line, blocks indented two spaces, single spaces
/// between words, integers below 1024 in decimal and others in hex grouped by four digits
/// (`0x1000`, `0xffff_8000_0000_0000`), `on`/`off` for switches, `dsb sy` for a bare `dsb`,
/// and `show tlb` for `tlb show`.
///
/// Parentheses: `.paren` nodes print as written, and the printer adds parentheses only where
/// precedence needs them, which never happens for a tree the parser built. A juxtaposed
/// operand that starts with `-` is also parenthesised, since `map s -1 -> …` would read as a
/// subtraction.
public enum ASTPrinter {
  /// The statements, one per line, ending with a newline (empty for no statements).
  public static func format(_ statements: [Stmt]) -> String {
    var writer = Writer()
    for statement in statements { writer.statement(statement) }
    return writer.lines.map { $0 + "\n" }.joined()
  }

  /// One statement; a block statement spans several lines (no trailing newline).
  public static func format(_ statement: Stmt) -> String {
    var writer = Writer()
    writer.statement(statement)
    return writer.lines.joined(separator: "\n")
  }

  /// An expression as source, e.g. for "assertion failed: va & 0xfff == 0".
  public static func format(_ expr: Expr) -> String {
    Writer.expr(expr)
  }

  /// A hex literal as the printer writes it: `0x` and digits grouped by four, so that it
  /// parses back as a hex literal (a decimal literal prints as written).
  public static func format(hex value: UInt64) -> String {
    let text = format(integer: value)
    return text.hasPrefix("0x") ? text : "0x" + String(value, radix: 16)
  }

  /// An integer as the printer writes it.
  public static func format(integer value: UInt64) -> String {
    if value < 1024 { return String(value) }
    let hex = Array(String(value, radix: 16))
    var grouped = ""
    for (index, digit) in hex.enumerated() {
      if index > 0 && (hex.count - index) % 4 == 0 { grouped.append("_") }
      grouped.append(digit)
    }
    return "0x" + grouped
  }

  /// A string literal with the escapes the lexer reads.
  public static func format(string value: String) -> String {
    var quoted = "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\\": quoted += "\\\\"
      case "\"": quoted += "\\\""
      case "\n": quoted += "\\n"
      case "\t": quoted += "\\t"
      default: quoted.unicodeScalars.append(scalar)
      }
    }
    return quoted + "\""
  }
}

extension Expr: CustomStringConvertible {
  /// The expression as canonical source.
  public var description: String { ASTPrinter.format(self) }
}

private struct Writer {
  var lines: [String] = []
  var indent = 0

  mutating func emit(_ line: String) {
    lines.append(String(repeating: "  ", count: indent) + line)
  }

  /// `HEADER {`, the body indented, `}`; or `HEADER {}` when the body is empty.
  mutating func block(_ header: String, _ body: [Stmt]) {
    emit(header)
    openBody(body)
  }

  /// Continues the closing line of the previous block: `} else if C {`, `if C {} else {}`.
  mutating func continueBlock(_ header: String, _ body: [Stmt]) {
    let closing = lines.popLast() ?? ""
    lines.append(closing + " " + header)
    openBody(body)
  }

  /// Appends ` {` (or ` {}`) to the last line, then the indented body and `}`.
  private mutating func openBody(_ body: [Stmt]) {
    let header = lines.popLast() ?? ""
    if body.isEmpty {
      lines.append(header + " {}")
      return
    }
    lines.append(header + " {")
    indent += 1
    for statement in body { self.statement(statement) }
    indent -= 1
    emit("}")
  }

  // MARK: Expressions

  static func expr(_ expr: Expr, _ minPrecedence: Int = 0) -> String {
    let (text, precedence) = raw(expr)
    return precedence < minPrecedence ? "(" + text + ")" : text
  }

  /// A command's operand (no comparisons unless parenthesised).
  static func operand(_ expr: Expr) -> String { self.expr(expr, Precedence.bitOr) }

  /// An operand that directly follows another operand.
  static func juxtaposed(_ expr: Expr, full: Bool = false) -> String {
    let text = full ? self.expr(expr) : operand(expr)
    return text.hasPrefix("-") ? "(" + text + ")" : text
  }

  static func raw(_ expr: Expr) -> (String, Int) {
    switch expr.kind {
    case .integer(let value): return (ASTPrinter.format(hex: value), Precedence.postfix)
    case .decimal(let value): return (String(value), Precedence.postfix)
    case .string(let value): return (ASTPrinter.format(string: value), Precedence.postfix)
    case .bool(let value): return (value ? "true" : "false", Precedence.postfix)
    case .identifier(let name): return (name, Precedence.postfix)
    case .regime(let regime): return (regime.word, Precedence.postfix)
    case .unary(let op, let operand):
      return (op.rawValue + self.expr(operand, Precedence.prefix), Precedence.prefix)
    case .binary(let op, let left, let right):
      let precedence = op.precedence
      let leftText = self.expr(left, op.isComparison ? precedence + 1 : precedence)
      let rightText = self.expr(right, precedence + 1)
      return (leftText + " " + op.rawValue + " " + rightText, precedence)
    case .call(let name, let arguments):
      let list = arguments.map { self.expr($0) }.joined(separator: ", ")
      return (name.text + "(" + list + ")", Precedence.postfix)
    case .member(let base, let name):
      return (self.expr(base, Precedence.postfix) + "." + name.text, Precedence.postfix)
    case .paren(let inner):
      return ("(" + self.expr(inner) + ")", Precedence.postfix)
    }
  }

  /// `on`/`off` for a boolean literal, else the operand.
  static func toggle(_ expr: Expr) -> String {
    if case .bool(let value) = expr.kind { return value ? "on" : "off" }
    return operand(expr)
  }

  /// ` WORD OPERAND` when present.
  static func option(_ word: String, _ expr: Expr?) -> String {
    guard let expr else { return "" }
    return " " + word + " " + operand(expr)
  }

  /// `[LEADING] OPERAND`.
  static func leading(_ first: Expr?, _ second: Expr) -> String {
    guard let first else { return operand(second) }
    return operand(first) + " " + juxtaposed(second)
  }

  static func attributes(_ list: [Attribute]) -> String {
    list.map { attribute in
      let text: String
      switch attribute.kind {
      case .attr(let index): text = "attr " + operand(index)
      case .shareability(let value): text = "sh " + value.rawValue
      case .level(let level): text = "level " + operand(level)
      default:
        text = Attribute.flags.first(where: { $0.kind == attribute.kind })?.word ?? ""
      }
      return " " + text
    }.joined()
  }

  // MARK: Statements

  mutating func statement(_ statement: Stmt) {
    switch statement {
    case .let(let s): emit("let \(s.name) = \(Writer.expr(s.value))")
    case .assign(let s): emit("\(s.name) = \(Writer.expr(s.value))")
    case .proc(let s):
      block("proc \(s.name)(\(s.parameters.map(\.text).joined(separator: ", ")))", s.body)
    case .call(let s):
      emit("\(s.callee)(\(s.arguments.map { Writer.expr($0) }.joined(separator: ", ")))")
    case .return(let s): emit("return" + (s.value.map { " " + Writer.expr($0) } ?? ""))
    case .if(let s):
      for (index, branch) in s.branches.enumerated() {
        let header = "if " + Writer.expr(branch.condition)
        if index == 0 {
          block(header, branch.body)
        } else {
          continueBlock("else " + header, branch.body)
        }
      }
      if let elseBody = s.elseBody { continueBlock("else", elseBody) }
    case .for(let s):
      let range = s.inclusive ? " ... " : " ..< "
      let step = s.step.map { " step " + Writer.expr($0) } ?? ""
      block(
        "for \(s.variable) in \(Writer.expr(s.from))\(range)\(Writer.expr(s.to))\(step)", s.body)
    case .import(let s): emit("import " + ASTPrinter.format(string: s.path))
    case .include(let s): emit("include " + ASTPrinter.format(string: s.path))
    case .print(let s): emit("print " + s.values.map { Writer.expr($0) }.joined(separator: ", "))
    case .echo(let s): emit("echo" + (s.value.map { " " + Writer.expr($0) } ?? ""))
    case .reset: emit("reset")
    case .set(let s): emit("set " + Writer.setting(s.setting))
    case .cpus(let s): emit("cpus " + Writer.operand(s.count))
    case .cpu(let s):
      emit("cpu " + Writer.operand(s.index) + (s.action == .select ? "" : " " + s.action.rawValue))
    case .onCPU(let s): block("on cpu " + Writer.operand(s.index), s.body)
    case .show(let s): emit("show " + Writer.showTarget(s.target))
    case .space(let s): emit(Writer.space(s))
    case .map(let s):
      var line = "map " + Writer.leading(s.space, s.va)
      switch s.extent {
      case .size(let size):
        line += " -> " + Writer.operand(s.pa) + " size " + Writer.operand(size)
      case .end(let end):
        line += " ..< " + Writer.operand(end) + " -> " + Writer.operand(s.pa)
      }
      emit(line + Writer.attributes(s.attributes))
    case .unmap(let s):
      emit(
        "unmap " + Writer.leading(s.space, s.va) + " size " + Writer.operand(s.size)
          + (s.free ? " free" : ""))
    case .protect(let s):
      emit(
        "protect " + Writer.leading(s.space, s.va) + " size " + Writer.operand(s.size)
          + Writer.attributes(s.attributes))
    case .switch(let s):
      emit(
        "switch \(s.register.rawValue) " + Writer.operand(s.space) + Writer.option("asid", s.asid)
          + Writer.option("vmid", s.vmid))
    case .translate(let s):
      emit(
        "translate " + Writer.leading(s.space, s.va) + Writer.option("granule", s.granule)
          + Writer.option("va_bits", s.vaBits))
    default: otherStatement(statement)
    }
  }

  /// The memory, translation, TLB, checking and view statements.
  mutating func otherStatement(_ statement: Stmt) {
    switch statement {
    case .memWrite(let s):
      emit(
        "mem write " + Writer.operand(s.address) + " = " + Writer.expr(s.value)
          + Writer.option("size", s.size))
    case .memRead(let s):
      emit("mem read " + Writer.operand(s.address) + Writer.option("count", s.count))
    case .memLoad(let s): emit("mem load " + Writer.leading(s.address, s.file))
    case .load(let s): emit("load \(s.kind.rawValue) " + Writer.operand(s.file))
    case .memSave(let s):
      emit(
        "mem save " + Writer.operand(s.address) + " size " + Writer.leading(s.size, s.file))
    case .decode(let s):
      emit(
        "decode " + Writer.operand(s.value) + Writer.option("level", s.level)
          + (s.regime.map { " regime " + $0.word } ?? "") + Writer.option("granule", s.granule))
    case .walk(let s):
      emit(
        "walk " + Writer.leading(s.regime, s.va) + (s.access.map { " " + $0.rawValue } ?? "")
          + (s.trace ? " trace" : "") + (s.noTLB ? " notlb" : ""))
    case .at(let s): emit("at \(s.operation.word) " + Writer.operand(s.va))
    case .explain(let s): emit("explain " + Writer.operand(s.va) + Writer.option("for", s.regime))
    case .tlbi(let s):
      emit(
        "tlbi " + s.operation.word + (s.address.map { " " + Writer.operand($0) } ?? "")
          + Writer.option("size", s.size) + Writer.option("asid", s.asid)
          + Writer.option("level", s.level)
          + Writer.option("xt", s.xt))
    case .dsb(let s): emit("dsb " + s.domain.word)
    case .isb: emit("isb")
    case .tlbFill(let s): emit("tlb fill " + Writer.leading(s.regime, s.va))
    case .assert(let s):
      emit(
        "assert " + Writer.condition(s.condition)
          + (s.message.map { ", " + Writer.expr($0) } ?? ""))
    case .expect(let s):
      block(
        "expect \(s.severity.rawValue)" + (s.text.map { " " + Writer.operand($0) } ?? ""), s.body)
    case .dump(let s):
      var line = "dump"
      if let target = s.target { line += " " + Writer.operand(target) }
      if let window = s.window {
        let va = s.target == nil ? Writer.operand(window.va) : Writer.juxtaposed(window.va)
        line += " " + va + " size " + Writer.operand(window.size)
      }
      if let format = s.format { line += " format " + format.rawValue }
      emit(line)
    case .layout(let s): emit("layout" + (s.regime.map { " " + Writer.operand($0) } ?? ""))
    case .graph(let s): emit("graph " + Writer.leading(s.space, s.file))
    case .live(let s):
      switch s.action {
      case .attach(let address): emit("attach " + Writer.operand(address))
      case .refresh: emit("refresh")
      case .detach(let halt): emit(halt ? "detach halt" : "detach")
      }
    case .check(let s): emit(Writer.check(s))
    case .findPA(let s): emit(Writer.findPA(s))
    case .diffDump(let s): emit(Writer.diffDump(s))
    case .snapshotDump(let s):
      emit(
        "snapshot dump " + (s.target.map { Writer.operand($0) + " " } ?? "") + "as "
          + s.name.text + (s.format.map { " format " + $0.rawValue } ?? ""))
    case .marker(let s):
      switch s.action {
      case .clear: emit("marker clear")
      case .add(let address, let name):
        emit("marker " + Writer.operand(address) + " " + Writer.juxtaposed(name))
      }
    default: break
    }
  }

  static func setting(_ setting: SetStmt.Setting) -> String {
    switch setting {
    case .granule(let value, let regime):
      return "granule " + operand(value) + option("for", regime)
    case .vaBits(let value, let regime): return "va_bits " + operand(value) + option("for", regime)
    case .paBits(let value): return "pa_bits " + operand(value)
    case .ipaBits(let value, let granule):
      return "ipa_bits " + operand(value) + option("granule", granule)
    case .exceptionLevel(let value): return "el " + operand(value)
    case .lpa2(let value, let regime): return "lpa2 " + toggle(value) + option("for", regime)
    case .vhe(let value): return "vhe " + toggle(value)
    case .stage2(let value): return "stage2 " + toggle(value)
    case .pan(let value): return "pan " + toggle(value)
    case .tablePool(let base, let size):
      return "table_pool " + operand(base) + " size " + operand(size)
    case .feature(let name, let value): return "feature \(name) " + toggle(value)
    case .tlbSpeculative(let value): return "tlb_speculative " + toggle(value)
    case .strictBarriers(let value): return "strict_barriers " + toggle(value)
    case .bbmCheck(let value): return "bbm_check " + toggle(value)
    case .register(let name, let value): return "\(name) = " + expr(value)
    case .field(let register, let field, let value): return "\(register).\(field) = " + expr(value)
    case .knob(let name, let arguments, let regime):
      var text = name.text
      for (index, argument) in arguments.enumerated() {
        switch argument {
        case .word(let word): text += " " + word.text
        case .expr(let value):
          text += " " + (index == 0 ? expr(value) : juxtaposed(value, full: true))
        }
      }
      return text + option("for", regime)
    }
  }

  static func showTarget(_ target: ShowStmt.Target) -> String {
    switch target {
    case .regs: return "regs"
    case .machine: return "machine"
    case .spaces: return "spaces"
    case .cpus: return "cpus"
    case .tlb(let cpu): return "tlb" + option("cpu", cpu)
    }
  }

  static func space(_ s: SpaceStmt) -> String {
    var line = "space \(s.name)"
    if let regime = s.regime { line += " regime " + regime.word }
    if let half = s.half { line += " " + half.rawValue }
    line += option("granule", s.granule) + option("va_bits", s.vaBits)
    line += option("ipa_bits", s.ipaBits)
    if let pool = s.pool {
      line += " pool " + operand(pool.base) + " size " + operand(pool.size)
    }
    return line + option("via", s.via) + option("at", s.root)
  }

  static func condition(_ condition: AssertStmt.Condition) -> String {
    switch condition {
    case .expr(let value): return expr(value)
    case .table(.check(let s)): return check(s)
    case .table(.findPA(let s)): return findPA(s)
    case .table(.diff(let s)): return diffDump(s)
    case .tlb(let state, let regime, let va):
      return "tlb \(state.rawValue) " + leading(regime, va)
    case .walk(let walk):
      var text = "walk " + leading(walk.regime, walk.va)
      if let access = walk.access { text += " " + access.rawValue }
      if walk.noTLB { text += " notlb" }
      switch walk.expectation {
      case .translates(let pa): text += " == " + operand(pa)
      case .faults(let kind, let level, let stage, let s1ptw):
        text += " faults" + (kind.map { " " + $0.rawValue } ?? "")
        text += option("level", level) + option("stage", stage) + (s1ptw ? " s1ptw" : "")
      case .allows(let access): text += " allows " + access.rawValue
      case .denies(let access): text += " denies " + access.rawValue
      }
      return text
    }
  }

  static func check(_ s: CheckStmt) -> String {
    "check " + s.kind.rawValue + (s.target.map { " " + juxtaposed($0) } ?? "")
  }

  static func findPA(_ s: FindPAStmt) -> String {
    "find pa " + operand(s.pa) + option("size", s.size)
      + (s.target.map { " " + juxtaposed($0) } ?? "")
  }

  static func diffDump(_ s: DiffDumpStmt) -> String {
    "diff dump " + operand(s.first) + " " + juxtaposed(s.second)
      + (s.format.map { " format " + $0.rawValue } ?? "")
  }
}
