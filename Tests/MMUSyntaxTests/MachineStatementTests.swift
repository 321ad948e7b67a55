import MMU
import Testing

@testable import MMUSyntax

@Suite("Machine statements")
struct MachineStatementTests {
  func setting(_ text: String) throws -> SetStmt.Setting {
    try parsed(text, as: SetStmt.self).setting
  }

  @Test("set: the typed knobs")
  func typedKnobs() throws {
    guard case .granule(let g, let r) = try setting("set granule 16k for el2") else {
      Issue.record("granule")
      return
    }
    #expect(sx(g) == "0x4000" && sx(r) == "%el2")
    guard case .granule(_, nil) = try setting("set granule 4k") else {
      Issue.record("granule without for")
      return
    }
    guard case .vaBits(let v, let vr) = try setting("set va_bits 39 for s2") else {
      Issue.record("va_bits")
      return
    }
    #expect(sx(v) == "39" && sx(vr) == "%s2")
    guard case .paBits(let p) = try setting("set pa_bits 52") else {
      Issue.record("pa_bits")
      return
    }
    #expect(sx(p) == "52")
    guard case .ipaBits(let i, let ig) = try setting("set ipa_bits 40 granule 64k") else {
      Issue.record("ipa_bits")
      return
    }
    #expect(sx(i) == "40" && sx(ig) == "0x1_0000")
    guard case .ipaBits(_, nil) = try setting("set ipa_bits 44") else {
      Issue.record("ipa_bits without granule")
      return
    }
    guard case .exceptionLevel(let el) = try setting("set el 2") else {
      Issue.record("el")
      return
    }
    #expect(sx(el) == "2")
    guard case .lpa2(let on, let lr) = try setting("set lpa2 on for el1") else {
      Issue.record("lpa2")
      return
    }
    #expect(sx(on) == "true" && sx(lr) == "%el1")
    guard case .vhe(let vhe) = try setting("set vhe off") else {
      Issue.record("vhe")
      return
    }
    #expect(sx(vhe) == "false")
    guard case .stage2(let s2) = try setting("set stage2 enabled") else {
      Issue.record("stage2")
      return
    }
    #expect(sx(s2) == "enabled")
    guard case .tablePool(let base, let size) = try setting("set table_pool 0x8000_0000 size 16M")
    else {
      Issue.record("table_pool")
      return
    }
    #expect(sx(base) == "0x8000_0000" && sx(size) == "0x100_0000")
    guard case .feature(let name, let level) = try setting("set feature bbm 2") else {
      Issue.record("feature")
      return
    }
    #expect(name.text == "bbm" && sx(level) == "2")
    guard case .feature(_, let off) = try setting("set feature lpa2 off") else {
      Issue.record("feature off")
      return
    }
    #expect(sx(off) == "false")
    guard case .tlbSpeculative(let ts) = try setting("set tlb_speculative on"),
      case .strictBarriers(let sb) = try setting("set strict_barriers off"),
      case .bbmCheck(let bc) = try setting("set bbm_check true")
    else {
      Issue.record("switch knobs")
      return
    }
    #expect([sx(ts), sx(sb), sx(bc)] == ["true", "false", "true"])
  }

  @Test("set: registers and fields")
  func registers() throws {
    guard case .register(let reg, let value) = try setting("set mair_el1 = 0xff") else {
      Issue.record("register")
      return
    }
    #expect(reg.text == "mair_el1" && sx(value) == "0xff")
    guard case .field(let r, let f, let v) = try setting("set tcr_el1.t0sz = 64 - 39") else {
      Issue.record("field")
      return
    }
    #expect(r.text == "tcr_el1" && f.text == "t0sz" && sx(v) == "(- 64 39)")
    // A knob name followed by `=` is a register write too; the interpreter rejects it.
    guard case .register(let el, _) = try setting("set el = 1") else {
      Issue.record("register named like a knob")
      return
    }
    #expect(el.text == "el")
  }

  @Test("set: unknown knobs parse generically as words and expressions")
  func genericKnobs() throws {
    guard case .knob(let name, let args, let regime) = try setting("set max_steps 1000") else {
      Issue.record("max_steps")
      return
    }
    #expect(name.text == "max_steps" && regime == nil)
    #expect(args.count == 1)
    if case .expr(let e) = args.first { #expect(sx(e) == "1000") } else { Issue.record("expr") }

    guard case .knob(_, let words, _) = try setting("set hex_grouping on") else {
      Issue.record("hex_grouping")
      return
    }
    if case .word(let w) = words.first { #expect(w.text == "on") } else { Issue.record("word") }

    guard
      case .knob(_, let mixed, let forRegime) = try setting(
        "set fault_level start 1 << 4 x for el2")
    else {
      Issue.record("mixed")
      return
    }
    #expect(sx(forRegime) == "%el2")
    #expect(mixed.count == 3)
    if case .word(let w) = mixed[0] { #expect(w.text == "start") } else { Issue.record("start") }
    if case .expr(let e) = mixed[1] { #expect(sx(e) == "(<< 1 4)") } else { Issue.record("1<<4") }
    if case .word(let w) = mixed[2] { #expect(w.text == "x") } else { Issue.record("x") }

    guard case .knob(_, let none, nil) = try setting("set quiet") else {
      Issue.record("no args")
      return
    }
    #expect(none.isEmpty)
  }

  @Test func cpus() throws {
    #expect(sx(try parsed("cpus 4", as: CpusStmt.self).count) == "4")
    let select = try parsed("cpu 1", as: CpuStmt.self)
    #expect(sx(select.index) == "1" && select.action == .select)
    #expect(try parsed("cpu 2 offline", as: CpuStmt.self).action == .offline)
    #expect(try parsed("cpu n + 1 online", as: CpuStmt.self).action == .online)
    let on = try parsed("on cpu 1 {\n  walk 0x1000\n  tlbi vmalle1is\n}", as: OnCPUStmt.self)
    #expect(sx(on.index) == "1" && on.body.count == 2)
  }

  @Test func show() throws {
    let targets = try ["regs", "machine", "spaces", "cpus", "tlb"].map {
      try parsed("show " + $0, as: ShowStmt.self).target
    }
    #expect(targets == [.regs, .machine, .spaces, .cpus, .tlb(cpu: nil)])
    guard case .tlb(let cpu) = try parsed("show tlb cpu 1", as: ShowStmt.self).target else {
      Issue.record("show tlb cpu")
      return
    }
    #expect(sx(cpu) == "1")
    guard case .tlb(let cpu2) = try parsed("tlb show cpu 2", as: ShowStmt.self).target,
      case .tlb(nil) = try parsed("tlb show", as: ShowStmt.self).target
    else {
      Issue.record("tlb show")
      return
    }
    #expect(sx(cpu2) == "2")
  }

  @Test("space with every option, in any order")
  func space() throws {
    let s = try parsed(
      "space guest regime el1 ttbr1 granule 64k va_bits 48 pool 0x4000_0000 size 2M via g2 at 0x4010_0000",
      as: SpaceStmt.self)
    #expect(s.name.text == "guest")
    #expect(s.regime == .el10 && s.half == .ttbr1)
    #expect(sx(s.granule) == "0x1_0000" && sx(s.vaBits) == "48" && s.ipaBits == nil)
    #expect(sx(s.pool?.base) == "0x4000_0000" && sx(s.pool?.size) == "0x20_0000")
    #expect(sx(s.via) == "g2" && sx(s.root) == "0x4010_0000")
    let s2 = try parsed("space vm at 0x100000 ipa_bits 40 regime s2", as: SpaceStmt.self)
    #expect(s2.regime == .stage2 && sx(s2.ipaBits) == "40" && sx(s2.root) == "0x10_0000")
    #expect(try parsed("space h regime vhe ttbr0", as: SpaceStmt.self).regime == .el20)
    let bare = try parsed("space k", as: SpaceStmt.self)
    #expect(bare.regime == nil && bare.half == nil && bare.pool == nil)
  }

  @Test("map: both forms, optional space, every attribute")
  func map() throws {
    let m = try parsed("map 0xffff_0000_0000_0000 -> 0x4000_0000 size 2M", as: MapStmt.self)
    #expect(m.space == nil && sx(m.va) == "0xffff_0000_0000_0000" && sx(m.pa) == "0x4000_0000")
    #expect(sx(extentExpr(m)) == "0x20_0000")
    #expect(m.attributes.isEmpty)

    let r = try parsed("map kern va ..< va + 8M -> pa user x", as: MapStmt.self)
    #expect(sx(r.space) == "kern" && sx(r.va) == "va" && sx(r.pa) == "pa")
    guard case .end(let end) = r.extent else {
      Issue.record("range form")
      return
    }
    #expect(sx(end) == "(+ va 0x80_0000)")
    #expect(r.attributes.map(\.kind) == [.user, .x])

    // Every flag word on its own (some contradict each other, so one list cannot hold all).
    for (word, kind) in Attribute.flags {
      let one = try parsed("map s 0 -> 0 size 4k \(word)", as: MapStmt.self)
      #expect(one.attributes.map(\.kind) == [kind], "\(word)")
    }
    let all = try parsed(
      "map s 0 -> 0 size 4k r ro user rx pxn attr 3 sh outer ng noaf contig level -1 force",
      as: MapStmt.self)
    let simple: [Attribute.Kind] = [.r, .ro, .user, .rx, .pxn]
    #expect(Array(all.attributes.map(\.kind).prefix(simple.count)) == simple)
    let rest = all.attributes.dropFirst(simple.count).map { attribute -> String in
      switch attribute.kind {
      case .attr(let e): return "attr " + sx(e)
      case .shareability(let s): return "sh " + s.rawValue
      case .level(let e): return "level " + sx(e)
      default: return "\(attribute.kind)"
      }
    }
    #expect(
      rest == ["attr 3", "sh outer", "ng", "noaf", "contig", "level (- 1)", "force"])
    let level = try #require(
      all.attributes.first { if case .level = $0.kind { true } else { false } })
    #expect(span(level.range) == "1:70-1:78")
  }

  func extentExpr(_ m: MapStmt) -> Expr? {
    if case .size(let e) = m.extent { return e }
    return nil
  }

  @Test("an expression address ends at '->', and a leading operand is the space")
  func mapOperands() throws {
    let m = try parsed("map base + 0x1000 -> (pa | 1) size 4k", as: MapStmt.self)
    #expect(m.space == nil && sx(m.va) == "(+ base 0x1000)" && sx(m.pa) == "(paren (| pa 1))")
    let p = try parsed("map kern (va) -> pa size 4k", as: MapStmt.self)
    #expect(sx(p.space) == "kern" && sx(p.va) == "(paren va)")
    let c = try parsed("map pool_base(1) -> 0 size 4k", as: MapStmt.self)
    #expect(c.space == nil && sx(c.va) == "(call pool_base 1)")
  }

  @Test func unmapAndProtect() throws {
    let u = try parsed("unmap kern 0x1000 size 4k free", as: UnmapStmt.self)
    #expect(sx(u.space) == "kern" && sx(u.va) == "0x1000" && sx(u.size) == "0x1000" && u.free)
    let u2 = try parsed("unmap 0x1000 size 2M", as: UnmapStmt.self)
    #expect(u2.space == nil && !u2.free)
    let p = try parsed("protect kern 0x1000 size 4k ro nx", as: ProtectStmt.self)
    #expect(sx(p.space) == "kern" && p.attributes.map(\.kind) == [.ro, .nx])
    let p2 = try parsed("protect va size 4k sh inner", as: ProtectStmt.self)
    #expect(p2.space == nil && p2.attributes.map(\.kind) == [.shareability(.inner)])
  }

  @Test("switch: every base register, asid and vmid")
  func switchStatement() throws {
    for register in BaseRegister.allCases {
      let s = try parsed("switch \(register.rawValue) kern", as: SwitchStmt.self)
      #expect(s.register == register && sx(s.space) == "kern" && s.asid == nil && s.vmid == nil)
    }
    let s = try parsed("switch vttbr_el2 vm vmid 5 asid 2", as: SwitchStmt.self)
    #expect(sx(s.vmid) == "5" && sx(s.asid) == "2")
    #expect(span(s.registerRange) == "1:8-1:17")
  }

  @Test func translate() throws {
    let t = try parsed(
      "translate kern 0xffff_0000_0000_1000 va_bits 39 granule 16k", as: TranslateStmt.self)
    #expect(sx(t.space) == "kern" && sx(t.va) == "0xffff_0000_0000_1000")
    #expect(sx(t.vaBits) == "39" && sx(t.granule) == "0x4000")
  }

  @Test func memory() throws {
    let w = try parsed("mem write 0x8000 + 8 = 0x0040_0000_0000_0703 size 4", as: MemWriteStmt.self)
    #expect(
      sx(w.address) == "(+ 0x8000 8)" && sx(w.value) == "0x40_0000_0000_0703" && sx(w.size) == "4")
    #expect(try parsed("mem write p = v", as: MemWriteStmt.self).size == nil)
    let r = try parsed("mem read 0x8000 count 4", as: MemReadStmt.self)
    #expect(sx(r.address) == "0x8000" && sx(r.count) == "4")
    #expect(try parsed("mem read 0", as: MemReadStmt.self).count == nil)
    let l = try parsed(#"mem load 0x4000_0000 "kernel.bin""#, as: MemLoadStmt.self)
    #expect(sx(l.address) == "0x4000_0000" && sx(l.file) == #""kernel.bin""#)
    let s = try parsed(#"mem save 0x4000_0000 size 64k "dump.bin""#, as: MemSaveStmt.self)
    #expect(sx(s.size) == "0x1_0000" && sx(s.file) == #""dump.bin""#)
  }

  @Test("decode: options in any order, and a negative level")
  func decode() throws {
    let d = try parsed(
      "decode 0x0060_0000_4000_0741 level 2 regime s2 granule 4k", as: DecodeStmt.self)
    #expect(sx(d.value) == "0x60_0000_4000_0741" && sx(d.level) == "2" && d.regime == .stage2)
    #expect(sx(d.granule) == "0x1000")
    let n = try parsed("decode desc granule 4k level -1 regime vhe", as: DecodeStmt.self)
    #expect(sx(n.level) == "(- 1)" && n.regime == .el20)
    let bare = try parsed("decode 3", as: DecodeStmt.self)
    #expect(bare.level == nil && bare.regime == nil && bare.granule == nil)
  }
}
