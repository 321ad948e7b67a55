import MMU
import MMUScript

/// Descriptor fields in words, for `decode` and `walk … trace`.
struct DescriptorText {
  let f: ValueFormatter

  /// One line: what the entry is and where it points, read as the walk read it.
  func summary(
    _ raw: UInt64, kind: DescriptorKind, level: Int, decoding c: StepDecoding,
    outputIsIPA: Bool = false
  ) -> String {
    let d = Descriptor(raw)
    let format = c.format
    let to = outputIsIPA ? "ipa " : ""
    switch kind {
    case .invalid: return "invalid"
    case .reserved:
      return level == 3
        ? "reserved: 0b01 at level 3 is invalid"
        : "reserved: no block at level \(level) (\(c.granule)\(c.ds ? ", DS" : "")), invalid"
    case .table:
      var s =
        "table -> \(to)\(f.hex(d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits)))"
      let t = tableAttributes(d, format: format)
      if !t.isEmpty { s += "  " + t.joined(separator: " ") }
      return s
    case .block, .page:
      let out = d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits, level: level)
      let size = ViewWords.size(UInt64(1) << UInt64(c.granule.levelShift(level)))
      var attrs = leafAttributes(d, format: format, ds: c.ds)
      if format != .stage2, !attrs.isEmpty {
        let mair = MemoryAttributes.mairByte(c.mair, index: d.attrIndx)
        attrs[0] += "(\(MemoryAttributes.describe(mair)))"
      }
      if c.ds {
        attrs.append(
          "SH=\(["non", "reserved", "outer", "inner"][Int(c.tcrShareability & 3)])(TCR)")
      }
      if d.af { attrs.append("AF") }
      return "\(kind) \(size) -> \(to)\(f.hex(out))  " + attrs.joined(separator: " ")
    }
  }

  func tableAttributes(_ d: Descriptor, format: DescriptorFormat) -> [String] {
    guard format != .stage2 else { return [] }
    var out: [String] = []
    if d.nsTable { out.append("NSTable") }
    if d.apTable != 0 { out.append("APTable=\(d.apTable)") }
    if d.uxnTable { out.append(format == .stage1OneRange ? "XNTable" : "UXNTable") }
    if d.pxnTable && format == .stage1TwoRange { out.append("PXNTable") }
    return out
  }

  func leafAttributes(_ d: Descriptor, format: DescriptorFormat, ds: Bool) -> [String] {
    var out: [String] = []
    switch format {
    case .stage2:
      out.append(
        "MemAttr=\(String(d.memAttr, radix: 2).leftPadded(4, "0"))(\(MemoryAttributes.describe(MemoryAttributes.stage2MAIR(memAttr: d.memAttr))))"
      )
      let r = d.s2ap & 1 != 0
      let w = d.s2ap & 2 != 0
      out.append("S2AP=\(r ? "r" : "-")\(w ? "w" : "-")")
      out.append("XN=\(d.s2xn)")
    case .stage1TwoRange, .stage1OneRange:
      out.append("AttrIndx=\(d.attrIndx)")
      if format == .stage1TwoRange {
        out.append("AP=\(["rw/--", "rw/rw", "ro/--", "ro/ro"][Int(d.ap)])")
      } else {
        out.append("AP=\(d.ap & 2 == 0 ? "rw" : "ro")")
      }
      if format == .stage1TwoRange && d.nG { out.append("nG") }
      if d.pxn && format == .stage1TwoRange { out.append("PXN") }
      if d.uxn { out.append(format == .stage1TwoRange ? "UXN" : "XN") }
      if d.ns { out.append("NS") }
    }
    if !ds { out.append("SH=\(["non", "reserved", "outer", "inner"][Int(d.sh)])") }
    if !d.af { out.append("AF=0") }
    if d.dbm { out.append("DBM") }
    if d.contiguous { out.append("Contig") }
    if d.gp && format != .stage2 { out.append("GP") }
    if d.softwareBits != 0 { out.append("SW=\(d.softwareBits)") }
    return out
  }

  /// The full field listing `decode` prints, one field a line.
  func fields(_ e: DecodeEvent) -> [String] {
    let d = Descriptor(e.value)
    let kind = d.kind(level: e.level, granule: e.granule, ds: e.ds, paMax: e.paMax)
    let regimeName: String
    switch e.format {
    case .stage1TwoRange: regimeName = "stage 1 (two ranges)"
    case .stage1OneRange: regimeName = "stage 1 (EL2, one range)"
    case .stage2: regimeName = "stage 2"
    }
    var lines = [
      "descriptor \(f.hex(e.value)): \(kind) at level \(e.level), \(e.granule) granule, \(regimeName)\(e.ds ? ", LPA2" : "")"
    ]
    func row(_ name: String, _ value: String) { lines.append("  " + name.padding(12) + value) }
    switch kind {
    case .invalid:
      row("valid", "0 (all other bits ignored)")
    case .reserved:
      row("type", "0b01 where no block is allowed: a Translation fault")
    case .table:
      row("next table", f.hex(d.address(granule: e.granule, ds: e.ds, outputBits: 52)))
      if e.format != .stage2 {
        row("NSTable", d.nsTable ? "1" : "0")
        row("APTable", String(d.apTable))
        row(e.format == .stage1OneRange ? "XNTable" : "UXNTable", d.uxnTable ? "1" : "0")
        if e.format == .stage1TwoRange { row("PXNTable", d.pxnTable ? "1" : "0") }
      }
    case .block, .page:
      let out = d.address(granule: e.granule, ds: e.ds, outputBits: 52, level: e.level)
      row(
        "output",
        "\(f.hex(out)) (\(e.granule.levelShift(e.level) >= 10 ? ViewWords.size(UInt64(1) << UInt64(e.granule.levelShift(e.level))) : "") \(kind))"
      )
      switch e.format {
      case .stage2:
        row(
          "MemAttr",
          "\(d.memAttr) = \(MemoryAttributes.describe(MemoryAttributes.stage2MAIR(memAttr: d.memAttr)))"
        )
        row("S2AP", "\(d.s2ap) = \(["none", "read-only", "write-only", "read/write"][Int(d.s2ap)])")
        row("XN", "\(d.s2xn)")
        row("FnXS", d.fnxs ? "1" : "0")
      case .stage1TwoRange, .stage1OneRange:
        let attr = MemoryAttributes.mairByte(e.mair, index: d.attrIndx)
        row(
          "AttrIndx",
          "\(d.attrIndx) = MAIR \(f.hex(UInt64(attr))) \(MemoryAttributes.describe(attr))")
        if e.format == .stage1TwoRange {
          row(
            "AP[2:1]",
            "\(d.ap) = \(["EL1 rw, EL0 none", "EL1 rw, EL0 rw", "EL1 ro, EL0 none", "EL1 ro, EL0 ro"][Int(d.ap)])"
          )
          row("nG", d.nG ? "1 (ASID-tagged)" : "0 (global)")
          row("PXN", d.pxn ? "1" : "0")
          row("UXN", d.uxn ? "1" : "0")
        } else {
          row("AP[2]", d.ap & 2 == 0 ? "0 = read/write" : "1 = read-only")
          row("XN", d.uxn ? "1" : "0")
        }
        row("NS", d.ns ? "1" : "0")
      }
      if !e.ds {
        row(
          "SH",
          "\(d.sh) = \(["non-shareable", "reserved", "outer shareable", "inner shareable"][Int(d.sh)])"
        )
      }
      row("AF", d.af ? "1" : "0 (access flag fault unless hardware-managed)")
      row("DBM", d.dbm ? "1" : "0")
      row("Contiguous", d.contiguous ? "1" : "0")
      if d.softwareBits != 0 { row("software", String(d.softwareBits)) }
    }
    return lines
  }
}

extension String {
  func padding(_ width: Int) -> String {
    count >= width ? self + " " : self + String(repeating: " ", count: width - count)
  }
  func leftPadded(_ width: Int, _ c: Character = " ") -> String {
    count >= width ? self : String(repeating: c, count: width - count) + self
  }
  /// Exactly `width` characters when shorter (no extra space, unlike `padding`).
  func rightPadded(_ width: Int) -> String {
    count >= width ? self : self + String(repeating: " ", count: width - count)
  }
}
