import MMU
import MMUSyntax

extension Interpreter {
  func executeSet(_ s: SetStmt) throws {
    speculateBeforeTableChange()
    let c = machine.cpu
    switch s.setting {
    case .granule(let g, let r):
      try setGranule(try granule(g), for: try r.map { try regime($0) } ?? .el1, range: s.range)
    case .vaBits(let n, let r):
      try setVABits(n, for: try r.map { try regime($0) } ?? .el1)
    case .paBits(let n):
      let bits = try smallInt(n, "pa_bits", in: 0...64)
      guard let enc = PhysicalAddressSize.encoding(bits: bits) else {
        throw Diagnostic.error(
          "pa_bits \(bits) is not a PARange size: allowed 32 36 40 42 44 48 52", at: n.range)
      }
      for cpu in machine.cpus {
        cpu.registers[.id_aa64mmfr0_el1] = withBitField(cpu.registers[.id_aa64mmfr0_el1], 3, 0, enc)
      }
      c.registers[.tcr_el1] = withBitField(c.registers[.tcr_el1], 34, 32, enc)
      c.registers[.tcr_el2] =
        c.registers.e2h
        ? withBitField(c.registers[.tcr_el2], 34, 32, enc)
        : withBitField(c.registers[.tcr_el2], 18, 16, enc)
      c.registers[.vtcr_el2] = withBitField(c.registers[.vtcr_el2], 18, 16, enc)
    case .ipaBits(let n, let g):
      let gran =
        try g.map { try granule($0) } ?? Granule(tg0: bitField(c.registers[.vtcr_el2], 15, 14))
      try setIPABits(n, granule: gran)
    case .exceptionLevel(let e):
      c.el = try smallInt(e, "exception level", in: 0...2)
    case .lpa2(let v, let r):
      try setLPA2(try onOff(v), for: try r.map { try regime($0) } ?? .el1, range: v.range)
    case .vhe(let v):
      try setVHE(try onOff(v), range: v.range)
    case .stage2(let v):
      c.registers[.hcr_el2] = withBitField(c.registers[.hcr_el2], 0, 0, try onOff(v) ? 1 : 0)
    case .tablePool(let base, let size):
      let b = try integer(base)
      let sz = try integer(size)
      guard sz > 0, b & 0xfff == 0, sz & 0xfff == 0 else {
        throw Diagnostic.error("a table pool needs a 4K-aligned base and size", at: s.range)
      }
      let (end, o) = b.addingReportingOverflow(sz)
      guard !o, end <= PhysicalMemory.addressLimit else {
        throw Diagnostic.error("the pool must lie below 2^52", at: s.range)
      }
      machine.defaultPool = TablePool(base: b, size: sz)
    case .feature(let name, let v):
      try setFeature(name, v)
    case .tlbSpeculative(let v): machine.options.tlbSpeculative = try onOff(v)
    case .strictBarriers(let v): machine.options.strictBarriers = try onOff(v)
    case .bbmCheck(let v): machine.options.bbmCheck = try onOff(v)
    case .register(let name, let v):
      let reg = try register(name)
      let value = try integer(v)
      writeRegister(reg, value)
    case .field(let regName, let fieldName, let v):
      let reg = try register(regName)
      guard let f = c.registers.field(reg, fieldName.text) else {
        let names = reg.fields(vhe: c.registers.e2h).map(\.name)
        throw Diagnostic.error(
          "\(reg) has no field '\(fieldName.text)'", at: fieldName.range,
          hint: closestMatch(fieldName.text, in: names).map { "did you mean '\($0)'?" }
            ?? "fields: " + names.joined(separator: " "))
      }
      let value = try integer(v)
      guard f.width >= 64 || value >> UInt64(f.width) == 0 else {
        throw Diagnostic.error(
          "\(formatter.hex(value)) does not fit \(reg).\(f.name) (\(f.width) bit\(f.width == 1 ? "" : "s"))",
          at: v.range)
      }
      writeRegister(reg, f.write(c.registers[reg], value))
    case .knob(let name, let args, _):
      try setKnob(name, args, range: s.range)
    }
  }

  /// ID registers describe the implementation: every CPU gets the value. Others are per CPU.
  func writeRegister(_ reg: SystemRegister, _ value: UInt64) {
    if reg.isIDRegister {
      for cpu in machine.cpus { cpu.registers[reg] = value }
    } else {
      machine.cpu.registers[reg] = value
    }
  }

  func register(_ name: Name) throws -> SystemRegister {
    guard let r = SystemRegister(name: name.text) else {
      throw Diagnostic.error(
        "unknown register '\(name.text)'", at: name.range,
        hint: closestMatch(name.text.lowercased(), in: SystemRegister.allCases.map(\.name)).map {
          "did you mean '\($0)'?"
        })
    }
    return r
  }

  func granule(_ e: Expr) throws -> Granule {
    let v = try integer(e)
    guard let g = Granule(bytes: v) else {
      throw Diagnostic.error("granule must be 4k, 16k or 64k, not \(formatter.hex(v))", at: e.range)
    }
    return g
  }

  func setGranule(_ g: Granule, for r: AccessRegime, range: SourceRange) throws {
    let c = machine.cpu
    guard c.registers.features.implements(g) else {
      throw Diagnostic.error("this CPU does not implement the \(g) granule", at: range)
    }
    switch r {
    case .el1, .el0, .s1:
      var t = withBitField(c.registers[.tcr_el1], 15, 14, g.tg0)
      t = withBitField(t, 31, 30, g.tg1)
      if g == .k64 { t &= ~bit(59) }
      c.registers[.tcr_el1] = t
    case .el2:
      var t = withBitField(c.registers[.tcr_el2], 15, 14, g.tg0)
      if c.registers.e2h { t = withBitField(t, 31, 30, g.tg1) }
      c.registers[.tcr_el2] = t
    case .s2:
      let ipa = 64 - Int(bitField(c.registers[.vtcr_el2], 5, 0))
      try applyStage2(ipaBits: ipa, granule: g, range: range)
    }
  }

  func setVABits(_ n: Expr, for r: AccessRegime) throws {
    let c = machine.cpu
    let f = c.registers.features
    let bits = try smallInt(n, "va_bits", in: 0...64)
    if r == .s2 {
      try setIPABits(n, granule: Granule(tg0: bitField(c.registers[.vtcr_el2], 15, 14)))
      return
    }
    let el2 = r == .el2
    let tcr = el2 ? c.registers[.tcr_el2] : c.registers[.tcr_el1]
    let g = Granule(tg0: bitField(tcr, 15, 14))
    let ds = (el2 && !c.registers.e2h) ? tcr & bit(32) != 0 : tcr & bit(59) != 0
    let allowed = Machine.allowedInputBits(granule: g, ds: ds && f.lpa2(g), features: f)
    guard allowed.contains(bits) else {
      let hint = bits > 48 && g != .k64 && f.lpa2(g) ? "`set lpa2 on` allows up to 52 bits" : nil
      throw Diagnostic.error(
        "va_bits \(bits) is not valid for a \(g) granule: allowed \(allowed.lowerBound)...\(allowed.upperBound)",
        at: n.range, hint: hint)
    }
    let tsz = UInt64(64 - bits)
    if el2 {
      var t = withBitField(tcr, 5, 0, tsz)
      if c.registers.e2h { t = withBitField(t, 21, 16, tsz) }
      c.registers[.tcr_el2] = t
    } else {
      c.registers[.tcr_el1] = withBitField(withBitField(tcr, 5, 0, tsz), 21, 16, tsz)
    }
  }

  func setIPABits(_ n: Expr, granule g: Granule) throws {
    let bits = try smallInt(n, "ipa_bits", in: 0...64)
    try applyStage2(ipaBits: bits, granule: g, range: n.range)
  }

  /// VTCR_EL2 for an IPA size and granule as KVM sets it: T0SZ, TG0, SL0 (and DS above 48
  /// bits on 4K/16K).
  func applyStage2(ipaBits bits: Int, granule g: Granule, range: SourceRange) throws {
    let c = machine.cpu
    let f = c.registers.features
    let ds = bits > 48 && g != .k64
    if ds && !f.lpa2(g) {
      throw Diagnostic.error(
        "a \(bits)-bit IPA on \(g) needs LPA2, which this CPU lacks", at: range)
    }
    let allowed = Machine.allowedInputBits(granule: g, ds: ds, features: f)
    let geometry = Geometry.kvmStage2(granule: g, ipaBits: bits, ds: ds)
    guard allowed.contains(bits),
      Geometry.stage2InputRange(granule: g, startLevel: geometry.startLevel).contains(bits),
      let sl = Geometry.sl0(granule: g, startLevel: geometry.startLevel),
      Geometry.stage2StartLevel(
        granule: g, sl0: sl.sl0, sl2: sl.sl2, ds: ds, paMax: f.paMax, ttst: f.ttst) != nil
    else {
      throw Diagnostic.error(
        "ipa_bits \(bits) is not valid for a \(g) granule stage 2: allowed \(allowed.lowerBound)...\(allowed.upperBound) with a start level this CPU supports",
        at: range)
    }
    var v = c.registers[.vtcr_el2]
    v = withBitField(v, 5, 0, UInt64(64 - bits))
    v = withBitField(v, 7, 6, sl.sl0)
    v = withBitField(v, 15, 14, g.tg0)
    v = withBitField(v, 32, 32, ds ? 1 : 0)
    v = withBitField(v, 33, 33, sl.sl2 ? 1 : 0)
    c.registers[.vtcr_el2] = v
  }

  func setLPA2(_ on: Bool, for r: AccessRegime, range: SourceRange) throws {
    let c = machine.cpu
    let f = c.registers.features
    func check(_ g: Granule) throws {
      if on && !f.lpa2(g) {
        throw Diagnostic.error("LPA2 is not available with the \(g) granule on this CPU", at: range)
      }
    }
    switch r {
    case .el1, .el0, .s1:
      try check(Granule(tg0: bitField(c.registers[.tcr_el1], 15, 14)))
      c.registers[.tcr_el1] = withBitField(c.registers[.tcr_el1], 59, 59, on ? 1 : 0)
    case .el2:
      try check(Granule(tg0: bitField(c.registers[.tcr_el2], 15, 14)))
      c.registers[.tcr_el2] =
        c.registers.e2h
        ? withBitField(c.registers[.tcr_el2], 59, 59, on ? 1 : 0)
        : withBitField(c.registers[.tcr_el2], 32, 32, on ? 1 : 0)
    case .s2:
      try check(Granule(tg0: bitField(c.registers[.vtcr_el2], 15, 14)))
      c.registers[.vtcr_el2] = withBitField(c.registers[.vtcr_el2], 32, 32, on ? 1 : 0)
    }
  }

  /// `set vhe on|off`: HCR_EL2.E2H and TGE, and TCR_EL2 rewritten into the layout that E2H
  /// selects, keeping its granule, size and output size.
  func setVHE(_ on: Bool, range: SourceRange) throws {
    let c = machine.cpu
    guard !on || c.registers.features.vhe else {
      throw Diagnostic.error("this CPU does not implement VHE", at: range)
    }
    guard on != c.registers.e2h else { return }
    let old = c.registers[.tcr_el2]
    var t: UInt64
    if on {
      let tsz = bitField(old, 5, 0)
      let g = Granule(tg0: bitField(old, 15, 14))
      t = RegisterDefaults.tcrEL1
      t = withBitField(t, 5, 0, tsz)
      t = withBitField(t, 21, 16, tsz)
      t = withBitField(t, 15, 14, g.tg0)
      t = withBitField(t, 31, 30, g.tg1)
      t = withBitField(t, 34, 32, bitField(old, 18, 16))
      t = withBitField(t, 59, 59, bitField(old, 32, 32))
    } else {
      t = RegisterDefaults.tcrEL2
      t = withBitField(t, 5, 0, bitField(old, 5, 0))
      t = withBitField(t, 15, 14, bitField(old, 15, 14))
      t = withBitField(t, 18, 16, bitField(old, 34, 32))
      t = withBitField(t, 32, 32, bitField(old, 59, 59))
    }
    c.registers[.tcr_el2] = t
    var h = withBitField(c.registers[.hcr_el2], 34, 34, on ? 1 : 0)
    h = withBitField(h, 27, 27, on ? 1 : 0)
    c.registers[.hcr_el2] = h
  }

  func setFeature(_ name: Name, _ v: Expr) throws {
    guard let f = FeatureSwitch.named(name.text) else {
      throw Diagnostic.error(
        "unknown feature '\(name.text)'", at: name.range,
        hint: closestMatch(name.text, in: FeatureSwitch.all.map(\.name)).map {
          "did you mean '\($0)'?"
        }
          ?? "features: " + FeatureSwitch.all.map(\.name).joined(separator: " "))
    }
    let value: UInt64
    if case .identifier(let w) = v.kind, lookupVariable(w) == nil, w == "on" || w == "off" {
      value = w == "on" ? f.onValue : f.offValue
    } else if case .bool(let b) = v.kind {
      value = b ? f.onValue : f.offValue
    } else {
      value = try integer(v)
      let width = f.hi - f.lo + 1
      guard value >> UInt64(width) == 0 else {
        throw Diagnostic.error(
          "\(value) does not fit the \(width)-bit field of \(f.name)", at: v.range)
      }
    }
    for cpu in machine.cpus {
      cpu.registers[f.register] = withBitField(cpu.registers[f.register], f.hi, f.lo, value)
    }
  }

  func setKnob(_ name: Name, _ args: [SetArgument], range: SourceRange) throws {
    func one() throws -> Expr {
      guard args.count == 1 else {
        throw Diagnostic.error("set \(name.text) takes one value", at: range)
      }
      switch args[0] {
      case .expr(let e): return e
      case .word(let w): return Expr(.identifier(w.text), range: w.range)
      }
    }
    if try setImplementationChoice(name, args, range: range) { return }
    switch name.text {
    case "max_steps":
      let e = try one()
      options.maxSteps = try limit(e, name.text, ceiling: ceilings.maxSteps, flag: "--max-steps")
    case "max_depth":
      let e = try one()
      options.maxCallDepth = try limit(
        e, name.text, ceiling: ceilings.maxCallDepth, flag: "--max-depth", minimum: 0)
    case "max_output":
      let e = try one()
      options.maxOutputItems = try limit(
        e, name.text, ceiling: ceilings.maxOutputItems, flag: "--max-output")
    case "hex_grouping":
      formatter.hexGrouping = try onOff(try one())
    case "max_memory", "memory_budget":
      let e = try one()
      let pages = try limit(
        e, name.text, ceiling: ceilings.memoryPages, flag: "--max-memory", unit: 4096)
      options.maxMemory = UInt64(pages) * 4096
      machine.memory.pageBudget = pages
    default:
      let knobs = [
        "granule", "va_bits", "pa_bits", "ipa_bits", "el", "lpa2", "vhe", "stage2", "table_pool",
        "feature", "tlb_speculative", "strict_barriers", "bbm_check", "max_steps", "max_depth",
        "max_memory", "max_output", "hex_grouping", "memory_budget",
      ]
      let registerHint =
        SystemRegister(name: name.text) != nil ? "write `set \(name.text) = VALUE`" : nil
      throw Diagnostic.error(
        "unknown setting '\(name.text)'", at: name.range,
        hint: registerHint
          ?? closestMatch(name.text, in: knobs + SystemRegister.allCases.map(\.name)).map {
            "did you mean '\($0)'?"
          })
    }
  }

  /// A limit a script sets: at least `minimum`, at most what the run started with (in units
  /// of `unit`: `max_memory` is given in bytes and kept in pages).
  func limit(
    _ e: Expr, _ name: String, ceiling: Int, flag: String, minimum: Int = 1, unit: UInt64 = 1
  ) throws -> Int {
    let value = try integer(e)
    let n = Int(min(value / unit, UInt64(Int.max)))
    let shown = { (v: Int) in unit == 1 ? "\(v)" : Builtins.human(UInt64(v) &* unit) }
    guard n >= minimum else {
      throw Diagnostic.error(
        "\(name) must be at least \(shown(minimum))", at: e.range)
    }
    guard n <= ceiling else {
      throw Diagnostic.error(
        "\(name) cannot be raised above \(shown(ceiling)), the limit this run was started with",
        at: e.range, hint: "start mmush with \(flag) to allow more")
    }
    return n
  }
}
