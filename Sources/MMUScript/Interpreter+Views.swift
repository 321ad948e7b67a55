import MMU
import MMUSyntax

extension Interpreter {
  // MARK: dump

  func executeDump(_ s: DumpStmt) throws {
    if let format = s.format { return try executePtdump(s, format: format) }
    // The target: a regime word (the tables its base registers point at now), a space, or
    // by default the current space, else the current EL's regime.
    let t = try tableTarget(s.target, range: s.range)
    var window: ClosedRange<UInt64>?
    if let w = s.window {
      let first = try integer(w.va)
      let size = try integer(w.size)
      guard size > 0 else { throw Diagnostic.error("the size is zero", at: w.size.range) }
      let (l, o) = first.addingReportingOverflow(size - 1)
      window = first...(o ? UInt64.max : l)
    }
    var sections: [DumpSection] = []
    for root in roots(t) {
      guard let setup = root.setup else {
        sections.append(
          DumpSection(
            name: root.name, regime: root.regime,
            geometry: Geometry.stage1(granule: .k4, inputBits: 48),
            root: 0, first: 0, last: 0, space: nil, via: nil, outputIsIPA: false, runs: [],
            problem: root.problem))
        continue
      }
      var first = root.first
      var last = root.last
      if let window {
        // Only the halves the window touches.
        guard window.lowerBound <= root.last && window.upperBound >= root.first else { continue }
        first = max(first, window.lowerBound)
        last = min(last, window.upperBound)
      }
      var section = DumpSection(
        name: root.name, regime: root.regime, geometry: setup.geometry,
        root: root.view?.root ?? setup.tableBase, first: first, last: last, space: root.space,
        via: root.via, outputIsIPA: root.via != nil, runs: [], problem: root.problem)
      if root.problem == nil {
        (section.runs, section.problem) = try scanForView(
          root, first: first, last: last, range: s.range)
        if symbolTable != nil { section.symbols = section.runs.map { symbol(at: $0.first) } }
      }
      sections.append(section)
    }
    if let window, sections.isEmpty {
      throw Diagnostic.error(
        "\(formatter.hex(window.lowerBound)) is outside every range of \(label(t))", at: s.range)
    }
    sink.emit(
      .dump(
        DumpEvent(target: t.viewTarget, cpu: machine.currentCPU, sections: sections, range: s.range)
      ))
  }

  // MARK: layout

  func executeLayout(_ s: LayoutStmt) throws {
    let r = try regime(s.regime)
    let ctx = context(r, cpu: machine.cpu)
    var regions: [LayoutRegion] = []
    var next: UInt64 = 0
    var reachedTop = false
    for root in tableRoots(regime: r) {
      guard let setup = root.setup else {
        regions.append(
          LayoutRegion(
            kind: .range, name: root.name, first: 0, last: 0, geometry: nil, root: nil,
            space: nil, extents: [], problem: root.problem))
        continue
      }
      if root.first > next {
        regions.append(hole(next, root.first - 1, regime: ctx.regime))
      }
      var region = LayoutRegion(
        kind: .range, name: root.name, first: root.first, last: root.last,
        geometry: setup.geometry, root: root.view?.root ?? setup.tableBase, space: root.space,
        extents: [], problem: root.problem)
      if root.problem == nil {
        let (runs, problem) = try scanForView(
          root, first: root.first, last: root.last, range: s.range)
        region.extents = extents(runs)
        region.problem = problem
      }
      regions.append(region)
      if root.last == UInt64.max { reachedTop = true } else { next = root.last + 1 }
    }
    if !reachedTop && regions.contains(where: { $0.geometry != nil }) {
      regions.append(hole(next, UInt64.max, regime: ctx.regime))
    }
    sink.emit(
      .layout(
        LayoutEvent(
          accessRegime: r, regime: ctx.regime, cpu: machine.currentCPU, regions: regions,
          range: s.range)))
  }

  /// A hole of `regime`'s input space, with the fault the model gives an access at its start
  /// (a VA or IPA out of range: level 0, or the start level with `set fault_level start`).
  func hole(_ first: UInt64, _ last: UInt64, regime: MMU.Regime) -> LayoutRegion {
    let regs = machine.cpu.registers
    let probe =
      regime == .stage2
      ? TranslationSetup.stage2(regs, ipa: first, access: .read)
      : TranslationSetup.stage1(regs, regime: regime, va: first, access: .read)
    var region = LayoutRegion(
      kind: .hole, name: nil, first: first, last: last, geometry: nil, root: nil, space: nil,
      extents: [], problem: nil)
    if case .failure(let f) = probe { region.fault = f }
    return region
  }

  /// Adjacent runs merged into extents, counting leaves per level and kind.
  func extents(_ runs: [LeafRun]) -> [LayoutExtent] {
    var out: [LayoutExtent] = []
    for run in runs {
      if var e = out.last, e.last &+ 1 == run.first, e.last != UInt64.max {
        e.last = run.last
        if let i = e.leaves.firstIndex(where: { $0.level == run.level && $0.kind == run.kind }) {
          e.leaves[i].count += run.count
        } else {
          e.leaves.append(LeafCount(level: run.level, kind: run.kind, count: run.count))
        }
        out[out.count - 1] = e
      } else {
        out.append(
          LayoutExtent(
            first: run.first, last: run.last,
            leaves: [LeafCount(level: run.level, kind: run.kind, count: run.count)]))
      }
    }
    for i in out.indices {
      out[i].leaves.sort { ($0.level, $0.kind.rawValue) < ($1.level, $1.kind.rawValue) }
    }
    return out
  }

  // MARK: graph

  func executeGraph(_ s: GraphStmt) throws {
    let sp = try space(s.space, range: s.range)
    let path = try string(s.file)
    let target = try writePolicy.check(path, range: s.file.range)
    let format: String
    if target.hasSuffix(".dot") || target.hasSuffix(".gv") {
      format = "dot"
    } else if target.hasSuffix(".svg") {
      format = "svg"
    } else if target.hasSuffix(".png") {
      format = "png"
    } else {
      throw Diagnostic.error("graph writes .dot, .gv, .svg or .png files", at: s.file.range)
    }
    let root = tableRoot(space: sp)
    let scan = try scan(root, first: root.first, last: root.last, tables: true, range: s.range)
    guard let makeSource = graphSource else {
      throw Diagnostic.error(
        "graph needs the shell's Graphviz writer (run it with mmush)", at: s.range)
    }
    let graph = makeSource(GraphView(space: sp, scan: scan), formatter)
    var event = GraphEvent(
      space: sp.name, path: path, format: format, dotPath: nil, rendered: false,
      tables: scan.tables.count, tableGroups: graph.groups, leafRuns: graph.runs,
      dotMissing: false,
      range: s.range)
    do {
      if format == "dot" {
        try FileIO.writeBytes(target, Array(graph.text.utf8))
      } else {
        // The source beside the image is checked too: it could be a symlink leading out.
        let source = try writePolicy.check(
          String(path.dropLast(4)) + ".dot", range: s.file.range)
        try FileIO.writeBytes(source, Array(graph.text.utf8))
        event.dotPath = String(path.dropLast(4)) + ".dot"
        // Running `dot` costs tens of milliseconds: as much as 100,000 simple statements.
        addWork(100_000)
        switch try GraphBuilder.render(
          source: source, to: target, format: format, dot: GraphBuilder.findDot())
        {
        case .rendered: event.rendered = true
        case .dotMissing: event.dotMissing = true
        }
      }
    } catch let e as FileIO.Failure {
      throw Diagnostic.error(e.message, at: s.file.range)
    }
    sink.emit(.graph(event))
  }

  // MARK: explain

  func executeExplain(_ s: ExplainStmt) throws {
    let va = try integer(s.va)
    let r = try regime(s.regime)
    let setup = try registerGeometry(r, address: va, range: s.range)
    let ctx = context(r, cpu: machine.cpu)
    let breakdown = setup.geometry.breakdown(va, twoRanges: ctx.regime.hasTwoRanges)
    sink.emit(
      .explain(
        ExplainEvent(
          accessRegime: r, regime: ctx.regime, breakdown: breakdown,
          baseRegister: baseRegister(ctx.regime, upper: breakdown.upper),
          tableBase: setup.tableBase, range: s.range)))
  }
}
