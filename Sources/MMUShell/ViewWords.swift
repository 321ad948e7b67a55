import MMU

/// Words the views share (text, DOT): sizes, rights per EL, memory types and flags of a leaf.
public enum ViewWords {
  /// A size in the units the language reads: one unit when exact and below 1024 of it
  /// (`4K`, `2M`, `256T`), else two exact terms (`4M+16K`, `1G+64K`), else an approximation
  /// in the largest unit (`~16E`, `~128T`).
  public static func size(_ x: UInt64) -> String {
    let units: [(Int, String)] = [
      (60, "E"), (50, "P"), (40, "T"), (30, "G"), (20, "M"), (10, "K"), (0, ""),
    ]
    guard let (shift, unit) = units.first(where: { x >> UInt64($0.0) != 0 }), shift > 0 else {
      return String(x)
    }
    let whole = x >> UInt64(shift)
    let rest = x & lowMask(shift)
    if rest == 0 { return "\(whole)\(unit)" }
    // The rest in the largest unit that divides it exactly, if it is a small number of it.
    if let (s2, u2) = units.first(where: { $0.0 < shift && rest & lowMask($0.0) == 0 }),
      rest >> UInt64(s2) < 1024
    {
      return "\(whole)\(unit)+\(rest >> UInt64(s2))\(u2)"
    }
    let value = Double(x) / Double(UInt64(1) << UInt64(shift))
    // Whole units from 10 on, else one decimal (dropped when it is 0).
    let tenths = value >= 10 ? Int(value.rounded()) * 10 : Int((value * 10).rounded())
    let rounded = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
    return "~\(rounded)\(unit)"
  }

  /// The privileged EL of a regime's accesses: `el1` for EL1&0 and stage 2, `el2` otherwise.
  public static func privilegedEL(_ regime: MMU.Regime) -> String {
    regime == .el10 || regime == .stage2 ? "el1" : "el2"
  }

  public static func rwx(_ r: Bool, _ w: Bool, _ x: Bool) -> String {
    (r ? "r" : "-") + (w ? "w" : "-") + (x ? "x" : "-")
  }

  /// `el0 r-- el1 rw-`; one-range EL2 has no EL0: `el2 rw-`.
  public static func rights(_ p: Permissions, regime: MMU.Regime) -> String {
    let priv = rwx(p.privRead, p.privWrite, p.privExec)
    if regime == .el2 { return "el2 \(priv)" }
    return "el0 \(rwx(p.el0Read, p.el0Write, p.el0Exec)) \(privilegedEL(regime)) \(priv)"
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
    let d = Descriptor(run.descriptor)
    var out: [String] = []
    if !run.global { out.append("nG") }
    if run.contiguous { out.append("CONT") }
    if !run.accessFlag { out.append("AF=0") }
    if d.dbm { out.append("DBM") }
    if regime != .stage2 && d.ns { out.append("NS") }
    if run.tableAttributeFlags.restrictsPermissions && regime != .stage2 { out.append("TBL") }
    return out
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
    count == 1 ? "L\(level) \(kind)" : "L\(level) \(count) \(kind)s"
  }
}
