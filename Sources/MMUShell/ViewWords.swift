import MMU
import MMUScript

/// Words the views share (text, DOT): sizes, rights per EL, memory types and flags of a leaf.
public enum ViewWords {
  /// Why a graph has no image, for the text's `note:` line and JSON's `note`: nil when
  /// nothing is missing.
  static func graphNote(_ g: GraphEvent) -> String? {
    guard g.dotMissing else { return nil }
    return "Graphviz 'dot' is not installed: wrote the source to \(g.dotPath ?? g.path) but no "
      + "\(g.format) (install graphviz, e.g. apt-get install graphviz)"
  }

  /// A symbol as Linux writes it (`_stext`, `name+0x1c`): the offset ungrouped, whatever
  /// `hex_grouping` says. Walk lines and dump rows, text and JSON.
  public static func symbol(_ s: SymbolicAddress) -> String {
    s.offset == 0 ? s.name : "\(s.name)+\(ValueFormatter.plain.hex(s.offset))"
  }

  /// A size as every view and message writes it (`SizeTerms`, the one decision).
  public static func size(_ x: UInt64) -> String { SizeTerms(x).text }

  /// `size(_:)` written as bytes (walk lines and dump rows).
  static func size(_ x: UInt64, into w: inout ByteWriter) {
    switch SizeTerms(x) {
    case .bytes(let n): w.decimal(n)
    case .exact(let whole, let shift): term(whole, shift, into: &w)
    case .sum(let whole, let shift, let rest, let restShift):
      term(whole, shift, into: &w)
      w.byte(UInt8(ascii: "+"))
      term(rest, restShift, into: &w)
    case .about(let tenths, let shift):
      w.byte(UInt8(ascii: "~"))
      w.decimal(UInt64(tenths / 10))
      if tenths % 10 != 0 {
        w.byte(UInt8(ascii: "."))
        w.decimal(UInt64(tenths % 10))
      }
      if let u = SizeTerms.unitByte(shift) { w.byte(u) }
    }
  }

  private static func term(_ n: UInt64, _ shift: Int, into w: inout ByteWriter) {
    w.decimal(n)
    if let u = SizeTerms.unitByte(shift) { w.byte(u) }
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
