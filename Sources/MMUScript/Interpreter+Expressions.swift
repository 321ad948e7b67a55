import MMU
import MMUSyntax

extension Interpreter {
  func evaluate(_ e: Expr) throws -> Value {
    switch e.kind {
    case .integer(let v): return .int(v, .hex)
    case .decimal(let v): return .int(v, .decimal)
    case .string(let s): return .string(s)
    case .bool(let b): return .bool(b)
    case .regime(let r): return .regime(r)
    case .paren(let inner): return try evaluate(inner)
    case .identifier(let name): return try resolve(name, range: e.range)
    case .unary(let op, let x):
      let v = try evaluate(x)
      switch op {
      case .negate:
        // Unary minus is written with wrapping intent: -1 is 0xffff_ffff_ffff_ffff.
        guard case .int(let i, let style) = v else { throw typeError(v, "an integer", x.range) }
        return .int(0 &- i, style)
      case .complement:
        guard case .int(let i, _) = v else { throw typeError(v, "an integer", x.range) }
        return .int(~i, .hex)
      case .not:
        return .bool(!(try truth(v, x.range)))
      }
    case .binary(let op, let a, let b):
      return try binary(op, a, b, range: e.range)
    case .call(let name, let args):
      return try call(name, args, range: e.range)
    case .member(let base, let name):
      return try member(base, name, range: e.range)
    }
  }

  /// A name: a variable, else a space, else a register of the current CPU.
  func resolve(_ name: String, range: SourceRange) throws -> Value {
    if let v = lookupVariable(name) { return v }
    if machine.space(named: name) != nil { return .space(name) }
    if let r = SystemRegister(name: name) { return .int(machine.cpu.registers[r], .hex) }
    let candidates = variables + machine.spaceOrder + SystemRegister.allCases.map(\.name)
    throw Diagnostic.error(
      "unknown name '\(name)'", at: range,
      hint: closestMatch(name, in: candidates).map { "did you mean '\($0)'?" })
  }

  func member(_ base: Expr, _ name: Name, range: SourceRange) throws -> Value {
    // `tcr_el1.t0sz`: a register field, unless the name is a variable.
    if case .identifier(let regName) = base.kind, lookupVariable(regName) == nil,
      let reg = SystemRegister(name: regName)
    {
      let regs = machine.cpu.registers
      guard let field = regs.field(reg, name.text) else {
        let names = reg.fields(vhe: regs.e2h).map(\.name)
        throw Diagnostic.error(
          "\(reg) has no field '\(name.text)'", at: name.range,
          hint: closestMatch(name.text, in: names).map { "did you mean '\($0)'?" }
            ?? "fields: " + names.joined(separator: " "))
      }
      return .int(field.read(regs[reg]), .hex)
    }
    let v = try evaluate(base)
    guard case .walk(let w) = v else {
      throw Diagnostic.error("\(v.typeName) has no field '\(name.text)'", at: name.range)
    }
    return try walkField(w, name)
  }

  func walkField(_ w: WalkRecord, _ name: Name) throws -> Value {
    let t = w.outcome.translation
    let f = w.outcome.fault
    switch name.text {
    case "ok": return .bool(t != nil)
    case "pa":
      guard let t else {
        throw Diagnostic.error("the walk faulted: \(f.map { "\($0)" } ?? "")", at: name.range)
      }
      return .hex(t.pa)
    case "ipa":
      guard let ipa = t?.ipa ?? f?.ipa else {
        throw Diagnostic.error("the walk has no IPA (no stage 2)", at: name.range)
      }
      return .hex(ipa)
    case "fault": return .bool(f != nil)
    case "kind": return .string(f?.kind.rawValue ?? "none")
    case "level": return .dec(t?.level ?? f?.level ?? 0)
    case "stage": return .dec(f?.stage ?? (t?.stage2Level != nil ? 2 : 1))
    case "s1ptw": return .bool(f?.s1ptw ?? false)
    case "tlb": return .string(w.access.tlb.name)
    // The reads this access made: 0 on a TLB hit (a hit's comparison walk does not count).
    case "accesses": return .dec(w.access.accesses)
    case "attr": return .hex(UInt64(t?.attributes.mair ?? 0))
    case "size": return .hex(t.map { UInt64(1) << UInt64($0.mappingBits) } ?? 0)
    case "descriptor": return .hex(t?.descriptor ?? 0)
    default:
      let fields = [
        "ok", "pa", "ipa", "fault", "kind", "level", "stage", "s1ptw", "tlb", "accesses", "attr",
        "size", "descriptor",
      ]
      throw Diagnostic.error(
        "a walk record has no field '\(name.text)'", at: name.range,
        hint: closestMatch(name.text, in: fields).map { "did you mean '\($0)'?" })
    }
  }

  func binary(_ op: BinaryOperator, _ a: Expr, _ b: Expr, range: SourceRange) throws -> Value {
    switch op {
    case .and:
      return .bool(try truth(evaluate(a), a.range) && truth(evaluate(b), b.range))
    case .or:
      return .bool(try truth(evaluate(a), a.range) || truth(evaluate(b), b.range))
    default: break
    }
    let x = try evaluate(a)
    let y = try evaluate(b)
    if op == .add, case .string(let s) = x { return try joined(s, formatter.format(y), range) }
    if op == .add, case .string(let s) = y { return try joined(formatter.format(x), s, range) }
    if op == .equal || op == .notEqual {
      let same: Bool
      switch (x, y) {
      case (.int(let i, _), .int(let j, _)): same = i == j
      default: same = x == y
      }
      return .bool(op == .equal ? same : !same)
    }
    guard case .int(let i, let si) = x else { throw typeError(x, "an integer", a.range) }
    guard case .int(let j, let sj) = y else { throw typeError(y, "an integer", b.range) }
    let style: IntegerStyle = si == .decimal && sj == .decimal ? .decimal : .hex
    func overflow() -> Diagnostic {
      Diagnostic.error(
        "integer overflow: \(formatter.format(x)) \(op.rawValue) \(formatter.format(y)) does not fit in 64 bits",
        at: range)
    }
    switch op {
    case .add:
      let (r, o) = i.addingReportingOverflow(j)
      if o { throw overflow() }
      return .int(r, style)
    case .subtract:
      let (r, o) = i.subtractingReportingOverflow(j)
      if o {
        // Decimal values are signed (levels): allow going negative there.
        if style == .decimal { return .int(r, style) }
        throw Diagnostic.error(
          "integer underflow: \(formatter.hex(i)) - \(formatter.hex(j)) is negative", at: range,
          hint: "write 0 - x or -x for wrapping negation")
      }
      return .int(r, style)
    case .multiply:
      let (r, o) = i.multipliedReportingOverflow(by: j)
      if o { throw overflow() }
      return .int(r, style)
    case .divide, .remainder:
      guard j != 0 else { throw Diagnostic.error("division by zero", at: b.range) }
      return .int(op == .divide ? i / j : i % j, style)
    case .shiftLeft:
      guard j < 64 else {
        if i == 0 { return .int(0, style) }
        throw overflow()
      }
      let r = i << j
      if r >> j != i { throw overflow() }
      return .int(r, style)
    case .shiftRight:
      return .int(j < 64 ? i >> j : 0, style)
    case .bitAnd: return .int(i & j, .hex)
    case .bitOr: return .int(i | j, .hex)
    case .bitXor: return .int(i ^ j, .hex)
    case .less, .lessEqual, .greater, .greaterEqual:
      // Decimal values compare signed (level -1 < 0); hex values unsigned.
      let (p, q): (Int64, Int64)
      if style == .decimal {
        (p, q) = (Int64(bitPattern: i), Int64(bitPattern: j))
        switch op {
        case .less: return .bool(p < q)
        case .lessEqual: return .bool(p <= q)
        case .greater: return .bool(p > q)
        default: return .bool(p >= q)
        }
      }
      switch op {
      case .less: return .bool(i < j)
      case .lessEqual: return .bool(i <= j)
      case .greater: return .bool(i > j)
      default: return .bool(i >= j)
      }
    default:
      throw Diagnostic.error("operator \(op.rawValue) is not supported here", at: range)
    }
  }

  /// `a + b` for strings, refusing to build one longer than `maxStringBytes` (doubling a
  /// string in a loop would otherwise exhaust the host's memory in a few dozen steps).
  func joined(_ a: String, _ b: String, _ range: SourceRange) throws -> Value {
    let n = a.utf8.count + b.utf8.count
    guard n <= InterpreterOptions.maxStringBytes else {
      throw Diagnostic.error(
        "string too long: \(n) bytes (the limit is \(InterpreterOptions.maxStringBytes >> 20) MiB)",
        at: range)
    }
    // Copying costs its length: a step per KiB, so a loop rebuilding a 16 MiB string ends at
    // the step limit in seconds, not hours.
    addWork(n >> 10)
    return .string(a + b)
  }

  // MARK: Conversions

  func truth(_ v: Value, _ range: SourceRange) throws -> Bool {
    switch v {
    case .bool(let b): return b
    case .int(let i, _): return i != 0
    default: throw typeError(v, "a boolean", range)
    }
  }

  func integer(_ e: Expr) throws -> UInt64 {
    // A block-scoped variable (a loop's address) is read in place: no `Value` is copied out
    // and destroyed.
    if case .identifier(let name) = e.kind {
      var i = locals.count
      while i > 0 {
        i -= 1
        if locals[i].name == name {
          if case .int(let v, _) = locals[i].value { return v }
          break
        }
      }
    }
    let v = try evaluate(e)
    guard case .int(let i, _) = v else { throw typeError(v, "an integer", e.range) }
    return i
  }

  /// A signed small integer (a level, a count, a CPU number).
  func smallInt(_ e: Expr, _ what: String, in allowed: ClosedRange<Int>) throws -> Int {
    let v = try evaluate(e)
    guard case .int(let i, _) = v else { throw typeError(v, "an integer", e.range) }
    let s = Int64(bitPattern: i)
    guard s >= Int64(allowed.lowerBound), s <= Int64(allowed.upperBound) else {
      throw Diagnostic.error(
        "\(what) \(formatter.format(v)) is out of range: allowed \(allowed.lowerBound)...\(allowed.upperBound)",
        at: e.range)
    }
    return Int(s)
  }

  func string(_ e: Expr) throws -> String {
    let v = try evaluate(e)
    guard case .string(let s) = v else { throw typeError(v, "a string", e.range) }
    return s
  }

  /// `on`/`off`, `true`/`false`, 1/0.
  func onOff(_ e: Expr) throws -> Bool {
    if case .identifier(let w) = e.kind, lookupVariable(w) == nil {
      switch w {
      case "on": return true
      case "off": return false
      default: break
      }
    }
    return try truth(evaluate(e), e.range)
  }

  func typeError(_ v: Value, _ expected: String, _ range: SourceRange) -> Diagnostic {
    Diagnostic.error("expected \(expected), got \(v.typeName) \(formatter.format(v))", at: range)
  }
}
