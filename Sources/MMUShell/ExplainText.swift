import MMU
import MMUScript

/// `explain VA`: the VA's bits drawn as Documentation/arch/arm64/memory.rst draws the
/// translation table lookup, with this VA's values in the boxes and each field's meaning at
/// the end of its arrow:
///
///       +----------------+---------+-- … --+------------+
///       |63            48|47     39|  …    |11         0|
///       +----------------+---------+-- … --+------------+
///       |1111111111111111|100000000|  …    |001000110100|
///       +----------------+---------+-- … --+------------+
///        |                |          …      |
///        |                |                 +-> [11:0]  offset 0x234
///        |                +-------------------> [47:39] L0 index 256 (0x100)  entry …
///        +------------------------------------> [63:48] 0xffff: TTBR1_EL1 (VA[55] = 1)
///
/// On a terminal too narrow for the drawing the same labels are listed one per line.
struct ExplainText {
  let r: TextRenderer
  var f: ValueFormatter { r.formatter }
  func line(_ s: String) { r.line(s) }

  func render(_ e: ExplainEvent) {
    let b = e.breakdown
    line("explain \(f.hex(e.va)) for \(e.accessRegime.word): \(e.regime) via \(e.baseRegister)")
    let labels = b.fields.map { label($0, e) }
    let drawing = draw(b.fields, labels: labels)
    if let w = r.width, drawing.map(\.count).max() ?? 0 > w {
      for l in labels { line("  " + l) }
    } else {
      drawing.forEach(line)
    }
    for n in notes(e) { line("  " + n) }
  }

  /// The label at the end of a field's arrow.
  func label(_ field: AddressField, _ e: ExplainEvent) -> String {
    let b = e.breakdown
    let g = b.geometry
    let bits = "[\(field.hi):\(field.lo)]".rightPadded(8)
    switch field.role {
    case .top:
      if b.twoRanges {
        return "\(bits)\(f.hex(field.value)): \(e.baseRegister) (VA[55] = \(b.upper ? 1 : 0))"
      }
      return "\(bits)\(f.hex(field.value)): must be 0 (\(e.baseRegister))"
    case .table(let level):
      let offset = UInt64(b.startTable) &* g.granule.size
      return
        "\(bits)L\(level) table \(b.startTable) of \(g.concatenatedTables): \(e.baseRegister) + \(f.hex(offset))"
    case .index(let level):
      var s = "\(bits)L\(level) index \(number(field.value))"
      if level == g.startLevel {
        let entry = e.tableBase &+ UInt64(b.startIndex) &* 8
        s += ", entry \(f.hex(entry))"
      } else {
        s += ", entry +\(f.hex(field.value &* 8))"
      }
      return s
    case .offset:
      return "\(bits)offset \(f.hex(field.value))"
    }
  }

  /// Decimal, with hex beside it from 10 on.
  func number(_ v: UInt64) -> String { v < 10 ? "\(v)" : "\(v) (\(f.hex(v)))" }

  /// What the drawing does not say: the geometry, the start table, the range check.
  func notes(_ e: ExplainEvent) -> [String] {
    let b = e.breakdown
    let g = b.geometry
    var out = [
      "\(ViewWords.geometry(g, regime: e.regime, concatenation: false)), start table \(f.hex(e.tableBase))"
    ]
    if g.concatenatedTables > 1 {
      out.append(
        "level \(g.startLevel): \(g.concatenatedTables) concatenated tables of \(g.granule.entriesPerTable) entries (\(g.startEntries) in all), \(ViewWords.size(g.startTableBytes)) aligned"
      )
    }
    let name = e.regime == .stage2 ? "IPA" : "VA"
    let top = "\(name)[63:\(g.inputBits)]"
    if b.twoRanges {
      out.append(
        b.inRange
          ? "\(top) all equal VA[55]: in the \(b.upper ? "upper" : "lower") range"
          : "\(top) not all equal to VA[55]: out of range (translation fault, level 0)")
    } else {
      out.append(
        b.inRange
          ? "\(top) all 0: in range" : "\(top) not all 0: out of range (translation fault, level 0)"
      )
    }
    return out
  }

  /// The box with bit numbers and values, then one arrow per field, rightmost first.
  func draw(_ fields: [AddressField], labels: [String]) -> [String] {
    // Cell widths: the field's bits, or its bit numbers if wider.
    let widths = fields.map { fl -> Int in
      let numbers = fl.hi == fl.lo ? "\(fl.hi)".count : "\(fl.hi)".count + 1 + "\(fl.lo)".count
      return max(fl.width, numbers)
    }
    let indent = "  "
    var rule = indent + "+"
    var numbers = indent + "|"
    var values = indent + "|"
    var origins: [Int] = []
    var column = indent.count + 1
    for (fl, w) in zip(fields, widths) {
      origins.append(column)
      rule += String(repeating: "-", count: w) + "+"
      if fl.hi == fl.lo {
        numbers += "\(fl.hi)".leftPadded(w) + "|"
      } else {
        let hi = "\(fl.hi)"
        let lo = "\(fl.lo)"
        numbers += hi + String(repeating: " ", count: w - hi.count - lo.count) + lo + "|"
      }
      let binary = String(fl.value, radix: 2).leftPadded(fl.width, "0")
      values += binary.leftPadded(w) + "|"
      column += w + 1
    }
    var out = [rule, numbers, rule, values, rule]
    let labelColumn = (origins.last ?? 0) + 4
    func bars(_ upTo: Int) -> [Character] {
      var chars = [Character](repeating: " ", count: labelColumn)
      for o in origins.prefix(upTo) { chars[o] = "|" }
      return chars
    }
    out.append(String(bars(origins.count)).trailingSpacesRemoved)
    for k in stride(from: origins.count - 1, through: 0, by: -1) {
      var chars = bars(k)
      chars[origins[k]] = "+"
      for c in (origins[k] + 1)..<(labelColumn - 2) { chars[c] = "-" }
      chars[labelColumn - 2] = ">"
      out.append(String(chars) + labels[k])
    }
    return out
  }
}

extension String {
  /// The string without its trailing spaces. Scans bytes: a space is one ASCII byte, so the
  /// cut after the last other byte is a scalar boundary (a Character-wise reverse made every
  /// dump row cost ~30 µs).
  var trailingSpacesRemoved: String {
    guard let last = utf8.lastIndex(where: { $0 != 0x20 }) else { return "" }
    return String(decoding: utf8[...last], as: UTF8.self)
  }
}
