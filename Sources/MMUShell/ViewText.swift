import MMU
import MMUScript

/// `explain`, `dump` and `layout` as text.
struct ViewText {
  let r: TextRenderer
  func line(_ s: String) { r.line(s) }

  func explain(_ e: ExplainEvent) {
    let g = e.geometry
    line("explain \(r.hex(e.va)) for \(e.label): \(g)")
    if let u = e.upper {
      line(
        "  bit 55 = \(u ? 1 : 0): \(e.baseRegister); bits [63:\(g.inputBits)] must all be \(u ? 1 : 0)"
      )
    } else {
      line("  \(e.baseRegister); bits [63:\(g.inputBits)] must be 0")
    }
    for level in g.startLevel...3 {
      let (hi, lo) = g.indexBits(level)
      let idx = g.index(e.va, level: level)
      line("  level \(level)".padding(11) + "bits [\(hi):\(lo)]".padding(14) + "index \(idx)")
    }
    line(
      "  offset".padding(11) + "bits [\(g.granule.bits - 1):0]".padding(14)
        + r.hex(e.va & lowMask(g.granule.bits)))
  }

  func dump(_ d: DumpEvent) {
    line(
      "dump of '\(d.space)' (\(d.regime)\(d.upper.map { $0 ? " ttbr1" : " ttbr0" } ?? ""), \(d.geometry))"
    )
    if d.rows.isEmpty { line("  (nothing mapped)") }
    let fmt: DescriptorFormat = DescriptorFormat(regime: d.regime)
    for row in d.rows {
      let size = row.last &- row.start &+ 1
      let kind = row.level == 3 ? "page" : "block"
      let attrs = DescriptorText(f: r.formatter).leafAttributes(
        Descriptor(row.descriptor), format: fmt, ds: d.geometry.ds
      ).joined(separator: " ")
      line(
        "  \(r.hex(row.start))-\(r.hex(row.last &+ 1))  \(sizeText(size).leftPadded(6))  L\(row.level) \(kind)\(row.count > 1 ? "s" : "")"
          .padding(0) + "  -> \(r.hex(row.outputStart))  \(attrs)")
    }
  }

  func layout(_ l: LayoutEvent) {
    line("layout of \(l.label)")
    for range in l.ranges {
      line(
        "  \(range.name): \(r.hex(range.first))-\(r.hex(range.last))  \(sizeText(range.last &- range.first &+ 1))  \(range.geometry.map { "\($0)" } ?? "")"
      )
    }
    for m in l.mapped {
      line(
        "    \(m.space): \(r.hex(m.first))-\(r.hex(m.last &+ 1))  \(sizeText(m.last &- m.first &+ 1)) mapped"
      )
    }
  }
}
