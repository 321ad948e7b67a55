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
      for cpu in machine.cpus { cpu.registers.set(.id_aa64mmfr0_el1, "parange", enc) }
      var r = c.registers
      r.set(.tcr_el1, "ips", enc)
      r.set(.tcr_el2, r.e2h ? "ips" : "ps", enc)
      r.set(.vtcr_el2, "ps", enc)
      c.registers = r
    case .ipaBits(let n, let g):
      let gran = try g.map { try granule($0) } ?? c.registers.stage2Granule
      try setIPABits(n, granule: gran)
    case .exceptionLevel(let e):
      c.el = try smallInt(e, "exception level", in: 0...2)
    case .lpa2(let v, let r):
      try setLPA2(try onOff(v), for: try r.map { try regime($0) } ?? .el1, range: v.range)
    case .vhe(let v):
      try setVHE(try onOff(v), range: v.range)
    case .stage2(let v):
      c.registers.set(.hcr_el2, "vm", try onOff(v) ? 1 : 0)
    case .pan(let v):
      let on = try onOff(v)
      guard !on || c.registers.features.pan >= 1 else {
        throw Diagnostic.error(
          "this CPU does not implement PAN", at: v.range, hint: "`set feature pan on` first")
      }
      c.pan = on
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
    var regs = c.registers
    switch r {
    case .el1, .el0, .s1:
      regs.set(.tcr_el1, "tg0", g.tg0)
      regs.set(.tcr_el1, "tg1", g.tg1)
      if g == .k64 { regs.set(.tcr_el1, "ds", 0) }
    case .el2:
      regs.set(.tcr_el2, "tg0", g.tg0)
      if regs.e2h { regs.set(.tcr_el2, "tg1", g.tg1) }
    case .s2:
      let ipa = 64 - Int(regs.value(.vtcr_el2, "t0sz"))
      try applyStage2(ipaBits: ipa, granule: g, range: range)
      return
    }
    c.registers = regs
  }

  func setVABits(_ n: Expr, for r: AccessRegime) throws {
    let c = machine.cpu
    let f = c.registers.features
    let bits = try smallInt(n, "va_bits", in: 0...64)
    if r == .s2 {
      try setIPABits(n, granule: c.registers.stage2Granule)
      return
    }
    let el2 = r == .el2
    let reg: SystemRegister = el2 ? .tcr_el2 : .tcr_el1
    let range = RangeControl(
      tcr: c.registers[reg], upper: false, el2Layout: el2 && !c.registers.e2h)
    let g = range.granule
    let ds = range.ds
    let allowed = Machine.allowedInputBits(granule: g, ds: ds && f.lpa2(g), features: f)
    guard allowed.contains(bits) else {
      let hint = bits > 48 && g != .k64 && f.lpa2(g) ? "`set lpa2 on` allows up to 52 bits" : nil
      throw Diagnostic.error(
        "va_bits \(bits) is not valid for a \(g) granule: allowed \(allowed.lowerBound)...\(allowed.upperBound)",
        at: n.range, hint: hint)
    }
    let tsz = UInt64(64 - bits)
    var regs = c.registers
    regs.set(reg, "t0sz", tsz)
    // TCR_EL1 and the VHE TCR_EL2 size both ranges.
    if !el2 || regs.e2h { regs.set(reg, "t1sz", tsz) }
    c.registers = regs
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
    var regs = c.registers
    regs.set(.vtcr_el2, "t0sz", UInt64(64 - bits))
    regs.set(.vtcr_el2, "sl0", sl.sl0)
    regs.set(.vtcr_el2, "tg0", g.tg0)
    regs.set(.vtcr_el2, "ds", ds ? 1 : 0)
    regs.set(.vtcr_el2, "sl2", sl.sl2 ? 1 : 0)
    c.registers = regs
  }

  func setLPA2(_ on: Bool, for r: AccessRegime, range: SourceRange) throws {
    let c = machine.cpu
    let f = c.registers.features
    func check(_ g: Granule) throws {
      if on && !f.lpa2(g) {
        throw Diagnostic.error("LPA2 is not available with the \(g) granule on this CPU", at: range)
      }
    }
    // DS is named "ds" in every layout (TCR_EL1 bit 59, TCR_EL2 bit 59 or 32, VTCR bit 32).
    let reg: SystemRegister
    switch r {
    case .el1, .el0, .s1: reg = .tcr_el1
    case .el2: reg = .tcr_el2
    case .s2: reg = .vtcr_el2
    }
    try check(Granule(tg0: c.registers.value(reg, "tg0")))
    c.registers.set(reg, "ds", on ? 1 : 0)
  }

  /// `set vhe on|off`: HCR_EL2.E2H and TGE, and TCR_EL2 rewritten into the layout that E2H
  /// selects, keeping its granule, size and output size.
  func setVHE(_ on: Bool, range: SourceRange) throws {
    let c = machine.cpu
    guard !on || c.registers.features.vhe else {
      throw Diagnostic.error("this CPU does not implement VHE", at: range)
    }
    guard on != c.registers.e2h else { return }
    var r = c.registers
    // TCR_EL2 from one layout into the other, by field name.
    let old = !on
    let tsz = r.value(.tcr_el2, "t0sz", vhe: old)
    let g = Granule(tg0: r.value(.tcr_el2, "tg0", vhe: old))
    let ps = r.value(.tcr_el2, on ? "ps" : "ips", vhe: old)
    let ds = r.value(.tcr_el2, "ds", vhe: old)
    r[.tcr_el2] = on ? RegisterDefaults.tcrEL1 : RegisterDefaults.tcrEL2
    r.set(.tcr_el2, "t0sz", tsz, vhe: on)
    r.set(.tcr_el2, "tg0", g.tg0, vhe: on)
    r.set(.tcr_el2, on ? "ips" : "ps", ps, vhe: on)
    r.set(.tcr_el2, "ds", ds, vhe: on)
    if on {
      r.set(.tcr_el2, "t1sz", tsz, vhe: on)
      r.set(.tcr_el2, "tg1", g.tg1, vhe: on)
    }
    r.set(.hcr_el2, "e2h", on ? 1 : 0)
    r.set(.hcr_el2, "tge", on ? 1 : 0)
    c.registers = r
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
        "granule", "va_bits", "pa_bits", "ipa_bits", "el", "lpa2", "vhe", "stage2", "pan",
        "table_pool",
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
    let shown = { (v: Int) in unit == 1 ? "\(v)" : self.formatter.size(UInt64(v) &* unit) }
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
