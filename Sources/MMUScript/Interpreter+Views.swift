import MMU
import MMUSyntax

extension Interpreter {
  func executeDump(_ s: DumpStmt) throws {
    var sp: AddressSpace
    if let t = s.target, case .regime = try evaluate(t) {
      throw Diagnostic.error("dump of a regime: name the space its TTBR points at", at: t.range)
    }
    sp = try space(s.target, range: s.range)
    var first: UInt64
    var last: UInt64
    let upper = sp.upper ?? false
    let r = sp.inputRange(upper: upper)
    (first, last) = (r.lowerBound, r.upperBound)
    if let w = s.window {
      first = try integer(w.va)
      let size = try integer(w.size)
      guard size > 0 else { throw Diagnostic.error("the size is zero", at: w.size.range) }
      let (l, o) = first.addingReportingOverflow(size - 1)
      last = o ? UInt64.max : l
    }
    let rows = try DumpBuilder.rows(
      space: sp, memory: machine.memory, first: first, last: last, limit: options.maxOutputItems)
    sink.emit(
      .dump(
        DumpEvent(
          space: sp.name, regime: sp.regime, geometry: sp.geometry, upper: sp.upper, rows: rows,
          range: s.range)))
  }

  func executeLayout(_ s: LayoutStmt) throws {
    let r = try regime(s.regime)
    let ctx = context(r, cpu: machine.cpu)
    var ranges: [(name: String, first: UInt64, last: UInt64, geometry: Geometry?)] = []
    if ctx.regime.hasTwoRanges {
      let lo = try? registerGeometry(r, address: 0, range: s.range)
      let hi = try? registerGeometry(r, address: ~0, range: s.range)
      if let lo { ranges.append(("TTBR0", 0, lowMask(lo.geometry.inputBits), lo.geometry)) }
      if let hi {
        ranges.append(("TTBR1", ~lowMask(hi.geometry.inputBits), UInt64.max, hi.geometry))
      }
    } else {
      let g = try registerGeometry(r, range: s.range)
      ranges.append(
        (ctx.regime == .stage2 ? "VTTBR" : "TTBR0", 0, lowMask(g.geometry.inputBits), g.geometry))
    }
    var mapped: [(space: String, first: UInt64, last: UInt64)] = []
    for name in machine.spaceOrder {
      guard let sp = machine.space(named: name), sp.regime == ctx.regime else { continue }
      let range = sp.inputRange(upper: sp.upper ?? false)
      let rows = try DumpBuilder.rows(
        space: sp, memory: machine.memory, first: range.lowerBound, last: range.upperBound,
        limit: options.maxOutputItems)
      // Merge adjacent rows into extents.
      var cur: (UInt64, UInt64)?
      for row in rows {
        if let c = cur, c.1 &+ 1 == row.start {
          cur = (c.0, row.last)
        } else {
          if let c = cur { mapped.append((name, c.0, c.1)) }
          cur = (row.start, row.last)
        }
      }
      if let c = cur { mapped.append((name, c.0, c.1)) }
    }
    sink.emit(
      .layout(LayoutEvent(label: r.rawValue, ranges: ranges, mapped: mapped, range: s.range)))
  }

  func executeGraph(_ s: GraphStmt) throws {
    let sp = try space(s.space, range: s.range)
    let path = try string(s.file)
    let target = try PathPolicy(allowed: options.allowWrite).check(path, range: s.file.range)
    let (dot, tables) = try GraphBuilder.dot(
      space: sp, memory: machine.memory, formatter: formatter, limit: options.maxOutputItems)
    var note: String?
    do {
      if target.hasSuffix(".dot") || target.hasSuffix(".gv") {
        try FileIO.writeBytes(target, Array(dot.utf8))
      } else if target.hasSuffix(".svg") || target.hasSuffix(".png") {
        note = try GraphBuilder.render(dot: dot, to: target)
      } else {
        throw Diagnostic.error("graph writes .dot, .gv, .svg or .png files", at: s.file.range)
      }
    } catch let e as FileIO.Failure {
      throw Diagnostic.error(e.message, at: s.file.range)
    }
    sink.emit(
      .graph(GraphEvent(space: sp.name, path: path, tables: tables, note: note, range: s.range)))
  }
}
