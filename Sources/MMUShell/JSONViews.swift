import MMU
import MMUScript
import MMUSyntax

/// The JSON of the views, `show` and `decode` (schema: docs/json.md). Addresses and raw
/// values are hex strings; levels, counts and bit numbers are numbers.
extension JSONRenderer {
  static func hexString(_ v: UInt64) -> String { ValueFormatter.plain.hex(v) }

  /// The exclusive end of a range ending at `last`: `0x10000000000000000` at the top.
  static func endString(_ last: UInt64) -> String { ValueFormatter.plain.end(last) }

  func geometry(_ g: Geometry) -> JSONObject {
    var o = JSONObject()
    o.string("granule", g.granule.description)
    o.int("input_bits", g.inputBits)
    o.int("start_level", g.startLevel)
    o.int("levels", g.levels)
    o.int("start_entries", g.startEntries)
    o.int("concatenated_tables", g.concatenatedTables)
    o.bool("ds", g.ds)
    return o
  }

  func regimeName(_ r: MMU.Regime) -> String { r.description }

  func rights(_ p: Permissions, regime: MMU.Regime) -> JSONObject {
    var o = JSONObject()
    if regime != .el2 { o.string("el0", ViewWords.rwx(p.el0Read, p.el0Write, p.el0Exec)) }
    o.string(ViewWords.privilegedEL(regime), ViewWords.rwx(p.privRead, p.privWrite, p.privExec))
    return o
  }

  /// A view's problem: the words the text view prints, and the kind (docs/json.md).
  func problem(_ p: ViewProblem, into o: inout JSONObject) {
    o.string("problem", ViewProblemText(formatter: formatterSource()).message(p))
    o.string("problem_kind", p.kind.rawValue)
  }

  // MARK: dump

  func dumpObjects(_ d: DumpEvent) -> [JSONObject] {
    var head = base("dump", d.range)
    head.string("target", d.target)
    head.int("cpu", d.cpu)
    var rows: [JSONObject] = []
    head.array(
      "sections",
      d.sections.map { s in
        var o = JSONObject()
        o.string("name", s.name)
        o.string("translation_regime", regimeName(s.regime))
        if let p = s.problem, s.runs.isEmpty && s.first == 0 && s.last == 0 {
          problem(p, into: &o)
          o.int("rows", 0)
          return o.text
        }
        o.hex("first", s.first)
        o.hex("last", s.last)
        o.object("geometry", geometry(s.geometry))
        o.hex("root", s.root)
        if let sp = s.space { o.string("space", sp) }
        if let v = s.via { o.string("via", v) }
        o.string("output", s.outputIsIPA ? "ipa" : "pa")
        if let p = s.problem { problem(p, into: &o) }
        o.int("rows", s.runs.count)
        for (k, run) in s.runs.enumerated() {
          var row = dumpRow(run, section: s, range: d.range)
          if k < s.symbols.count, let symbol = s.symbols[k] { row.string("symbol", symbol) }
          rows.append(row)
        }
        return o.text
      })
    return [head] + rows
  }

  func dumpRow(_ run: LeafRun, section s: DumpSection, range: SourceRange) -> JSONObject {
    var o = base("dump_row", range)
    o.string("section", s.name)
    if let sp = s.space { o.string("space", sp) }
    o.hex("start", run.first)
    o.string("end", Self.endString(run.last))
    o.hex("last", run.last)
    o.hex("size", run.size)
    o.int("level", run.level)
    o.string("kind", run.kind.rawValue)
    o.int("entries", run.count)
    o.hex("entry_size", run.entrySize)
    o.hex("output", run.output)
    o.string("output_space", s.outputIsIPA ? "ipa" : "pa")
    o.hex("descriptor", run.descriptor)
    o.object("permissions", rights(run.permissions, regime: s.regime))
    o.hex("attr", UInt64(run.attributes.mair))
    o.string("memory", MemoryAttributes.describe(run.attributes.mair))
    o.string("shareability", ViewWords.shareability(run.attributes.shareability))
    o.bool("global", run.global)
    o.bool("contiguous", run.contiguous)
    o.bool("af", run.accessFlag)
    o.hex("table_attributes", run.tableAttributes)
    return o
  }

  // MARK: explain

  func explainObject(_ e: ExplainEvent) -> JSONObject {
    let b = e.breakdown
    var o = base("explain", e.range)
    o.hex("va", e.va)
    o.string("regime", e.label)
    o.string("translation_regime", regimeName(e.regime))
    o.string("base_register", e.baseRegister)
    o.hex("table_base", e.tableBase)
    o.object("geometry", geometry(b.geometry))
    if b.twoRanges { o.bool("upper", b.upper) }
    o.bool("in_range", b.inRange)
    o.int("start_index", b.startIndex)
    o.int("start_table", b.startTable)
    o.int("start_table_index", b.startTableIndex)
    o.array(
      "fields",
      b.fields.map { fl in
        var x = JSONObject()
        switch fl.role {
        case .top: x.string("role", "top")
        case .table(let level):
          x.string("role", "table")
          x.int("level", level)
        case .index(let level):
          x.string("role", "index")
          x.int("level", level)
        case .offset: x.string("role", "offset")
        }
        x.int("hi", fl.hi)
        x.int("lo", fl.lo)
        x.hex("value", fl.value)
        return x.text
      })
    return o
  }

  // MARK: layout

  func layoutObject(_ l: LayoutEvent) -> JSONObject {
    var o = base("layout", l.range)
    o.string("regime", l.label)
    o.string("translation_regime", regimeName(l.regime))
    o.int("cpu", l.cpu)
    o.array(
      "regions",
      l.regions.map { r in
        var x = JSONObject()
        x.string("kind", r.kind.rawValue)
        x.string("name", r.name)
        if r.kind == .hole || r.geometry != nil {
          x.hex("first", r.first)
          x.hex("last", r.last)
          x.string("size", Self.endString(r.last &- r.first))
        }
        if let g = r.geometry { x.object("geometry", geometry(g)) }
        if let root = r.root { x.hex("root", root) }
        if let sp = r.space { x.string("space", sp) }
        if let p = r.problem { problem(p, into: &x) }
        if r.kind == .range {
          x.array(
            "extents",
            r.extents.map { e in
              var y = JSONObject()
              y.hex("first", e.first)
              y.hex("last", e.last)
              y.string("size", Self.endString(e.last &- e.first))
              y.array(
                "leaves",
                e.leaves.map { c in
                  var z = JSONObject()
                  z.int("level", c.level)
                  z.string("kind", c.kind.rawValue)
                  z.int("count", c.count)
                  return z.text
                })
              return y.text
            })
        }
        return x.text
      })
    return o
  }

  // MARK: graph

  func graphObject(_ g: GraphEvent) -> JSONObject {
    var o = base("graph", g.range)
    o.string("space", g.space)
    o.string("file", g.path)
    o.string("format", g.format)
    if let d = g.dotPath { o.string("dot_file", d) }
    o.bool("rendered", g.format == "dot" || g.rendered)
    o.int("tables", g.tables)
    o.int("table_groups", g.tableGroups)
    o.int("leaf_runs", g.leafRuns)
    if let n = g.note { o.string("note", n) }
    return o
  }

  // MARK: show

  func showObject(_ s: ShowEvent) -> JSONObject {
    var o = base("show", s.range)
    switch s.topic {
    case .regs(let cpu, let regs, let el, let pan):
      o.string("topic", "regs")
      o.int("cpu", cpu)
      o.int("el", el)
      o.bool("vhe", regs.e2h)
      o.bool("pan", pan)
      var r = JSONObject()
      for reg in SystemRegister.allCases { r.hex(reg.name, regs[reg]) }
      o.object("registers", r)
    case .machine(let m):
      o.string("topic", "machine")
      o.int("cpu_count", m.cpus)
      o.int("current_cpu", m.currentCPU)
      var pool = JSONObject()
      pool.hex("base", m.poolBase)
      pool.hex("size", m.poolSize)
      pool.hex("in_use", m.poolInUse)
      o.object("pool", pool)
      o.int("allocated_pages", m.allocatedPages)
      o.int("page_budget", m.pageBudget)
      var f = JSONObject()
      f.int("pa_bits", m.features.paMax)
      f.bool("lpa2_4k", m.features.lpa2For4K)
      f.bool("lpa2_16k", m.features.lpa2For16K)
      f.bool("lva", m.features.lva)
      f.bool("ttst", m.features.ttst)
      f.int("hafdbs", m.features.hafdbs)
      f.bool("xnx", m.features.xnx)
      f.int("bbm", m.features.bbm)
      o.object("features", f)
      var opts = JSONObject()
      opts.bool("tlb_speculative", m.options.tlbSpeculative)
      opts.bool("strict_barriers", m.options.strictBarriers)
      opts.bool("bbm_check", m.options.bbmCheck)
      o.object("options", opts)
    case .spaces(let list):
      o.string("topic", "spaces")
      o.array(
        "spaces",
        list.map { sp in
          var x = JSONObject()
          x.string("name", sp.name)
          x.string("regime", regimeName(sp.regime))
          if let u = sp.upper { x.string("half", u ? "ttbr1" : "ttbr0") }
          x.hex("root", sp.root)
          x.object("geometry", geometry(sp.geometry))
          if let v = sp.via { x.string("via", v) }
          return x.text
        })
    case .cpus(let list):
      o.string("topic", "cpus")
      o.array(
        "cpus",
        list.map { c in
          var x = JSONObject()
          x.int("index", c.index)
          x.int("el", c.el)
          x.bool("online", c.online)
          x.bool("current", c.current)
          x.int("tlb_entries", c.tlbEntries)
          return x.text
        })
    case .tlb(let t):
      o.string("topic", "tlb")
      o.int("cpu", t.cpu)
      o.array(
        "walk_entries",
        t.walkEntries.map { w in
          var x = JSONObject()
          x.string("regime", regimeName(w.regime))
          if let v = w.vmid { x.int("vmid", Int(v)) }
          if let a = w.asid { x.int("asid", Int(a)) }
          x.int("level", w.level)
          x.hex("input", w.inputBase)
          x.hex("size", UInt64(1) << UInt64(min(w.sizeBits, 63)))
          x.hex("next_table", w.nextTable)
          x.bool("nested", w.nested)
          return x.text
        })
      o.array("pending", t.pending.map { JSONObject.quote($0.operation.name) })
      o.array(
        "entries",
        t.entries.map { e in
          var x = JSONObject()
          x.string("regime", regimeName(e.regime))
          if let v = e.vmid { x.int("vmid", Int(v)) }
          if let a = e.asid { x.int("asid", Int(a)) }
          x.bool("global", e.asid == nil)
          x.hex("input", e.inputBase)
          x.hex("size", UInt64(1) << UInt64(min(e.sizeBits, 63)))
          x.hex("pa", e.translation.pa & ~lowMask(e.sizeBits))
          x.bool("combined", e.combined)
          x.string("stage", "\(e.stage)")
          x.int("level", e.level)
          x.bool("speculative", e.speculative)
          return x.text
        })
    }
    return o
  }

  // MARK: decode

  func decodeObject(_ e: DecodeEvent) -> JSONObject {
    var o = base("decode", e.range)
    let d = Descriptor(e.value)
    let kind = d.kind(level: e.level, granule: e.granule, ds: e.ds, paMax: e.paMax)
    o.hex("value", e.value)
    o.int("level", e.level)
    o.string("kind", kind.rawValue)
    switch e.format {
    case .stage1TwoRange: o.string("format", "stage1")
    case .stage1OneRange: o.string("format", "stage1-el2")
    case .stage2: o.string("format", "stage2")
    }
    o.string("granule", e.granule.description)
    o.bool("ds", e.ds)
    switch kind {
    case .invalid, .reserved: break
    case .table:
      o.hex("next_table", d.address(granule: e.granule, ds: e.ds, outputBits: 52))
      if e.format != .stage2 {
        o.bool("ns_table", d.nsTable)
        o.int("ap_table", Int(d.apTable))
        o.bool(e.format == .stage1OneRange ? "xn_table" : "uxn_table", d.uxnTable)
        if e.format == .stage1TwoRange { o.bool("pxn_table", d.pxnTable) }
      }
    case .block, .page:
      o.hex("output", d.address(granule: e.granule, ds: e.ds, outputBits: 52, level: e.level))
      o.hex("size", UInt64(1) << UInt64(e.granule.levelShift(e.level)))
      switch e.format {
      case .stage2:
        o.int("mem_attr", Int(d.memAttr))
        o.string(
          "memory", MemoryAttributes.describe(MemoryAttributes.stage2MAIR(memAttr: d.memAttr)))
        o.int("s2ap", Int(d.s2ap))
        o.int("s2xn", Int(d.s2xn))
      case .stage1TwoRange, .stage1OneRange:
        let attr = MemoryAttributes.mairByte(e.mair, index: d.attrIndx)
        o.int("attr_index", d.attrIndx)
        o.hex("attr", UInt64(attr))
        o.string("memory", MemoryAttributes.describe(attr))
        o.int("ap", Int(d.ap))
        if e.format == .stage1TwoRange {
          o.bool("ng", d.nG)
          o.bool("pxn", d.pxn)
          o.bool("uxn", d.uxn)
        } else {
          o.bool("xn", d.uxn)
        }
        o.bool("ns", d.ns)
      }
      if !e.ds { o.int("sh", Int(d.sh)) }
      o.bool("af", d.af)
      o.bool("dbm", d.dbm)
      o.bool("contiguous", d.contiguous)
      o.int("software", Int(d.softwareBits))
    }
    return o
  }
}
