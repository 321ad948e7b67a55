import MMU
import MMUScript

/// `dump`, `layout` and `graph` as text (`explain` is in ExplainText.swift).
struct ViewText {
  let r: TextRenderer
  var f: ValueFormatter { r.formatter }
  func line(_ s: String) { r.line(s) }

  /// An address zero-padded to `digits` hex digits (grouped as the formatter groups).
  func hex(_ v: UInt64, digits: Int) -> String { f.hex(v, digits: digits) }

  /// Hex digits needed for addresses up to `last`.
  static func digits(_ last: UInt64) -> Int {
    max(1, (64 - last.leadingZeroBitCount + 3) / 4)
  }

  /// The exclusive end of a range that ends at `last` (2^64 when `last` is the top).
  func end(_ last: UInt64, digits: Int) -> String { f.end(last, digits: digits) }

  func geometryText(_ g: Geometry) -> String { g.description }

  func problem(_ p: ViewProblem) -> String { ViewProblemText(formatter: f).message(p) }

  // MARK: dump

  /// ptdump's layout: `start-end  size  level kind  -> output  rights  memory  sh  flags`, one
  /// line per run, columns aligned across the whole dump. When a terminal is too narrow the
  /// attributes go on a continuation line.
  ///
  /// Rows are written as bytes: every cell once into one buffer (its widths measured on the
  /// way), then each row padded from there into the renderer's output, handed over every
  /// 64 KiB; no `String` per cell or row.
  func dump(_ d: DumpEvent) {
    let regime = d.sections.first.map { ": \($0.regime)" } ?? ""
    line("dump \(ViewTargetText.text(d.target)) on cpu\(d.cpu)\(regime)")
    let widest = d.sections.map(\.last).max() ?? 0
    let digits = ViewText.digits(widest)
    let width = r.width
    var cells = DumpCells(rows: d.sections.reduce(0) { $0 + $1.runs.count })
    for s in d.sections {
      for (k, run) in s.runs.enumerated() {
        // The symbol at the run's start (`load symbols`) is a last column.
        cells.add(
          run, section: s, symbol: k < s.symbols.count ? s.symbols[k] : nil, digits: digits, f: f)
      }
    }
    var row = 0
    // Leaves counted per level and kind; neighbouring rows mostly share one, so a count
    // reaches the dictionary when the kind changes, not at every row.
    var leaves: [LeafKey: Int] = [:]
    var counting: (key: LeafKey, count: Int)?
    var total: UInt64 = 0
    for s in d.sections {
      for l in marker(s, digits: digits, width: width) { line(l) }
      if let p = s.problem {
        line("  no walk: " + problem(p))
        row += s.runs.count
        continue
      }
      if s.runs.isEmpty { line("  (no valid entries)") }
      for run in s.runs {
        cells.render(row, width: width, into: &r.w)
        if r.w.count >= 1 << 16 { r.flushLines() }
        row += 1
        let key = LeafKey(level: run.level, kind: run.kind)
        if let c = counting, c.key == key {
          counting = (key, c.count + run.count)
        } else {
          if let c = counting { leaves[c.key, default: 0] += c.count }
          counting = (key, run.count)
        }
        total &+= run.size
      }
    }
    if let c = counting { leaves[c.key, default: 0] += c.count }
    if !leaves.isEmpty {
      let parts = leaves.map { ("L\($0.key.level) \($0.key.kind)", $0.value) }.sorted {
        $0.0 < $1.0
      }.map { "\($0.1) \($0.0)\($0.1 == 1 ? "" : "s")" }
      line(
        "\(row) row\(row == 1 ? "" : "s"): \(parts.joined(separator: ", ")), \(ViewWords.size(total)) mapped"
      )
    }
  }

  /// The summary's count per level and kind of leaf.
  struct LeafKey: Hashable {
    var level: Int
    var kind: DescriptorKind
  }

  /// `---[ TTBR1_EL1 0xffff_0000_0000_0000-…: 4K granule, … root 0x… (space 'k') ]---`; on a
  /// narrow terminal the geometry and root follow on their own line.
  func marker(_ s: DumpSection, digits: Int, width: Int?) -> [String] {
    if s.problem != nil && s.last == 0 && s.first == 0 && s.runs.isEmpty {
      return ["---[ \(s.name) ]---"]
    }
    let range = "\(s.name) \(hex(s.first, digits: digits))-\(end(s.last, digits: digits))"
    var about = "\(ViewWords.geometry(s.geometry, regime: s.regime)), root \(f.hex(s.root))"
    if let sp = s.space { about += " (space '\(sp)')" }
    if let v = s.via { about += ", tables via \(v)" }
    let full = "---[ \(range): \(about) ]---"
    if let w = width, full.count > w { return ["---[ \(range) ]---", "    " + about] }
    return [full]
  }

  // MARK: layout

  /// memory.rst's table: start, end (inclusive), size, use; the mapped extents and the gaps
  /// between them indented under their range.
  func layout(_ l: LayoutEvent) {
    line("layout \(l.accessRegime.word) on cpu\(l.cpu): \(l.regime)")
    let widest = l.regions.map(\.last).max() ?? 0
    let digits = ViewText.digits(widest)
    var rows: [(String, String, String, String)] = []
    func add(_ first: UInt64, _ last: UInt64, _ use: String) {
      rows.append(
        (
          hex(first, digits: digits), hex(last, digits: digits), ViewWords.size(last &- first &+ 1),
          use
        ))
    }
    var problems: [String] = []
    var notes: [String] = []
    for region in l.regions {
      switch region.kind {
      case .hole:
        // The model's fault for an access there (its level follows `set fault_level`).
        let fault = region.fault.map { " (\(f.faultKindAndLevel($0)))" } ?? ""
        add(region.first, region.last, "hole" + fault)
      case .range:
        let name = region.name ?? "?"
        guard let g = region.geometry else {
          problems.append("\(name): no walk: " + (region.problem.map(problem) ?? "?"))
          continue
        }
        var use = name
        if let sp = region.space { use += " (space '\(sp)')" }
        add(region.first, region.last, use)
        notes.append(
          "\(name): \(ViewWords.geometry(g, regime: l.regime)), root \(f.hex(region.root ?? 0))"
        )
        if let p = region.problem {
          rows.append(("", "", "", "  not read: " + problem(p)))
          continue
        }
        var next: UInt64? = region.first
        for e in region.extents {
          if let n = next, e.first > n { add(n, e.first - 1, "  unmapped") }
          let what = e.leaves.map {
            ViewWords.leaves(level: $0.level, kind: $0.kind, count: $0.count)
          }
          add(e.first, e.last, "  mapped: " + what.joined(separator: ", "))
          next = e.last == .max ? nil : e.last + 1
        }
        if let n = next, n <= region.last { add(n, region.last, "  unmapped") }
      }
    }
    let w0 = max(rows.map(\.0.count).max() ?? 0, 5)
    let w2 = max(rows.map(\.2.count).max() ?? 0, 4)
    line(
      "  " + "start".rightPadded(w0) + "  " + "end".rightPadded(w0) + "  " + "size".leftPadded(w2)
        + "  use")
    for (a, b, c, d) in rows {
      line("  " + a.rightPadded(w0) + "  " + b.rightPadded(w0) + "  " + c.leftPadded(w2) + "  " + d)
    }
    for n in notes + problems { line("  " + n) }
  }

  // MARK: graph

  func graph(_ g: GraphEvent) {
    let what =
      "\(g.tables) table\(g.tables == 1 ? "" : "s"), \(g.leafRuns) leaf run\(g.leafRuns == 1 ? "" : "s")"
      + (g.tableGroups > 0
        ? ", \(g.tableGroups) group\(g.tableGroups == 1 ? "" : "s") of tables" : "")
    if g.format == "dot" {
      line("graph of '\(g.space)' (\(what)) written to \(g.path)")
    } else if g.rendered {
      line("graph of '\(g.space)' (\(what)) written to \(g.path) (source \(g.dotPath ?? "?"))")
    } else {
      line("graph of '\(g.space)' (\(what)): source written to \(g.dotPath ?? "?"), no \(g.format)")
    }
    if let note = ViewWords.graphNote(g) { line(r.style.warning("note: " + note)) }
  }
}
