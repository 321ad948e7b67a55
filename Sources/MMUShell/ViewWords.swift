import MMU

/// Words the views share (text, DOT): sizes, rights per EL, memory types and flags of a leaf.
public enum ViewWords {
  /// A size in the units the language reads: one unit when exact and below 1024 of it
  /// (`4K`, `2M`, `256T`), else two exact terms (`4M+16K`, `1G+64K`), else an approximation
  /// in the largest unit (`~16E`, `~128T`).
  public static func size(_ x: UInt64) -> String {
    var w = ByteWriter(capacity: 16)
    size(x, into: &w)
    return w.string
  }

  /// The letter of the unit 2^`shift` (`shift` a multiple of 10 up to 60); nil for bytes.
  static func sizeUnit(_ shift: Int) -> UInt8? {
    switch shift {
    case 60: UInt8(ascii: "E")
    case 50: UInt8(ascii: "P")
    case 40: UInt8(ascii: "T")
    case 30: UInt8(ascii: "G")
    case 20: UInt8(ascii: "M")
    case 10: UInt8(ascii: "K")
    default: nil
    }
  }

  /// `size(_:)` written as bytes (walk lines and dump rows).
  static func size(_ x: UInt64, into w: inout ByteWriter) {
    // The largest unit of which `x` holds at least one.
    let shift = x == 0 ? 0 : min((63 - x.leadingZeroBitCount) / 10 * 10, 60)
    guard let unit = sizeUnit(shift) else {
      w.decimal(x)
      return
    }
    let whole = x >> UInt64(shift)
    let rest = x & lowMask(shift)
    if rest == 0 {
      w.decimal(whole)
      w.byte(unit)
      return
    }
    // The rest in the largest unit that divides it exactly (below `shift`, as `rest` is),
    // if it is a small number of it.
    let s2 = rest.trailingZeroBitCount / 10 * 10
    if rest >> UInt64(s2) < 1024 {
      w.decimal(whole)
      w.byte(unit)
      w.byte(UInt8(ascii: "+"))
      w.decimal(rest >> UInt64(s2))
      if let u2 = sizeUnit(s2) { w.byte(u2) }
      return
    }
    let value = Double(x) / Double(UInt64(1) << UInt64(shift))
    // Whole units from 10 on, else one decimal (dropped when it is 0).
    let tenths = value >= 10 ? Int(value.rounded()) * 10 : Int((value * 10).rounded())
    w.byte(UInt8(ascii: "~"))
    w.decimal(tenths / 10)
    if tenths % 10 != 0 {
      w.byte(UInt8(ascii: "."))
      w.decimal(tenths % 10)
    }
    w.byte(unit)
  }

  /// The privileged EL of a regime's accesses: `el1` for EL1&0 and stage 2, `el2` otherwise.
  public static func privilegedEL(_ regime: MMU.Regime) -> String {
    regime == .el10 || regime == .stage2 ? "el1" : "el2"
  }

  public static func rwx(_ r: Bool, _ w: Bool, _ x: Bool) -> String {
    (r ? "r" : "-") + (w ? "w" : "-") + (x ? "x" : "-")
  }

  static func rwx(_ r: Bool, _ w: Bool, _ x: Bool, into out: inout ByteWriter) {
    out.byte(r ? UInt8(ascii: "r") : UInt8(ascii: "-"))
    out.byte(w ? UInt8(ascii: "w") : UInt8(ascii: "-"))
    out.byte(x ? UInt8(ascii: "x") : UInt8(ascii: "-"))
  }

  /// `el0 r-- el1 rw-`; one-range EL2 has no EL0: `el2 rw-`.
  public static func rights(_ p: Permissions, regime: MMU.Regime) -> String {
    var w = ByteWriter(capacity: 16)
    rights(p, regime: regime, into: &w)
    return w.string
  }

  static func rights(_ p: Permissions, regime: MMU.Regime, into w: inout ByteWriter) {
    if regime == .el2 {
      w.ascii("el2 ")
    } else {
      w.ascii("el0 ")
      rwx(p.el0Read, p.el0Write, p.el0Exec, into: &w)
      w.byte(UInt8(ascii: " "))
      w.text(privilegedEL(regime))
      w.byte(UInt8(ascii: " "))
    }
    rwx(p.privRead, p.privWrite, p.privExec, into: &w)
  }

  /// `inner`, `outer`, `non`.
  public static func shareability(_ s: MMU.Shareability) -> String {
    switch s {
    case .none: "non"
    case .reserved: "rsvd"
    case .outer: "outer"
    case .inner: "inner"
    }
  }

  /// The flags ptdump would add: nG, contiguous, access flag clear, DBM, NS.
  public static func flags(_ run: LeafRun, regime: MMU.Regime) -> [String] {
    var out: [String] = []
    forEachFlag(run, regime: regime) { out.append($0.description) }
    return out
  }

  /// `flags(_:regime:)` space-separated, as bytes (dump rows).
  static func flags(_ run: LeafRun, regime: MMU.Regime, into w: inout ByteWriter) {
    var first = true
    forEachFlag(run, regime: regime) { flag in
      if !first { w.byte(UInt8(ascii: " ")) }
      w.ascii(flag)
      first = false
    }
  }

  /// The one list of flags both forms take their words from, in their order.
  static func forEachFlag(_ run: LeafRun, regime: MMU.Regime, _ body: (StaticString) -> Void) {
    let d = Descriptor(run.descriptor)
    if !run.global { body("nG") }
    if run.contiguous { body("CONT") }
    if !run.accessFlag { body("AF=0") }
    if d.dbm { body("DBM") }
    if regime != .stage2 && d.ns { body("NS") }
    if run.tableAttributeFlags.restrictsPermissions && regime != .stage2 { body("TBL") }
  }

  /// `4K granule, 48-bit VA, levels 0..3`, `16K granule, 40-bit IPA, levels 2..3, 16 tables
  /// concatenated at L2`, `…, LPA2`.
  public static func geometry(_ g: Geometry, regime: MMU.Regime, concatenation: Bool = true)
    -> String
  {
    var s =
      "\(g.granule) granule, \(g.inputBits)-bit \(regime == .stage2 ? "IPA" : "VA"), levels \(g.startLevel)..3"
    if concatenation && g.concatenatedTables > 1 {
      s += ", \(g.concatenatedTables) tables concatenated at L\(g.startLevel)"
    }
    if g.ds { s += ", LPA2" }
    return s
  }

  /// `L2 block`, `L3 4 pages`.
  public static func leaves(level: Int, kind: DescriptorKind, count: Int) -> String {
    var w = ByteWriter(capacity: 16)
    leaves(level: level, kind: kind, count: count, into: &w)
    return w.string
  }

  static func leaves(level: Int, kind: DescriptorKind, count: Int, into w: inout ByteWriter) {
    w.byte(UInt8(ascii: "L"))
    w.decimal(level)
    w.byte(UInt8(ascii: " "))
    if count != 1 {
      w.decimal(count)
      w.byte(UInt8(ascii: " "))
    }
    w.text(kind.description)
    if count != 1 { w.byte(UInt8(ascii: "s")) }
  }
}
