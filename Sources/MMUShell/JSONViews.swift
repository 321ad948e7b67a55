import MMU
import MMUScript
import MMUSyntax

/// The JSON of the views, `show` and `decode` (schema: docs/json.md). Addresses and raw
/// values are hex strings; levels, counts and bit numbers are numbers.
extension JSONRenderer {
  /// `"geometry":{…}`.
  func geometry(_ g: Geometry) {
    j.openObject("geometry")
    j.string("granule", g.granule.description)
    j.int("input_bits", g.inputBits)
    j.int("start_level", g.startLevel)
    j.int("levels", g.levels)
    j.int("start_entries", g.startEntries)
    j.int("concatenated_tables", g.concatenatedTables)
    j.bool("ds", g.ds)
    j.closeObject()
  }

  func regimeName(_ r: MMU.Regime) -> String { r.description }

  /// `"permissions":{"el0":…,"el1":…}`.
  func rights(_ p: Permissions, regime: MMU.Regime) {
    j.openObject("permissions")
    if regime != .el2 { j.string("el0", ViewWords.rwx(p.el0Read, p.el0Write, p.el0Exec)) }
    j.key(ViewWords.privilegedEL(regime))
    j.stringItem(ViewWords.rwx(p.privRead, p.privWrite, p.privExec))
    j.closeObject()
  }

  /// A view's problem: the words the text view prints, and the kind (docs/json.md).
  func problem(_ p: ViewProblem) {
    j.string("problem", ViewProblemText(formatter: formatterSource()).message(p))
    j.string("problem_kind", p.kind.rawValue)
  }

  // MARK: dump

  /// The `dump` line with its sections, then a `dump_row` line per row.
  func dump(_ d: DumpEvent) {
    open("dump", d.range)
    j.string("target", ViewTargetText.text(d.target))
    j.int("cpu", d.cpu)
    j.openArray("sections")
    for s in d.sections {
      j.openObject()
      j.string("name", s.name)
      j.string("translation_regime", regimeName(s.regime))
      if let p = s.problem, s.runs.isEmpty && s.first == 0 && s.last == 0 {
        problem(p)
        j.int("rows", 0)
        j.closeObject()
        continue
      }
      j.hex("first", s.first)
      j.hex("last", s.last)
      geometry(s.geometry)
      j.hex("root", s.root)
      if let sp = s.space { j.string("space", sp) }
      if let v = s.via { j.string("via", v) }
      j.string("output", s.outputIsIPA ? "ipa" : "pa")
      if let p = s.problem { problem(p) }
      j.int("rows", s.runs.count)
      j.closeObject()
    }
    j.closeArray()
    close(batched: true)
    for s in d.sections {
      if s.problem != nil && s.runs.isEmpty && s.first == 0 && s.last == 0 { continue }
      for (k, run) in s.runs.enumerated() {
        dumpRow(run, section: s, symbol: k < s.symbols.count ? s.symbols[k] : nil, range: d.range)
      }
    }
    out.write(&j.out)
  }

  func dumpRow(_ run: LeafRun, section s: DumpSection, symbol: SymbolicAddress?, range: SourceRange)
  {
    open("dump_row", range)
    j.string("section", s.name)
    if let sp = s.space { j.string("space", sp) }
    j.hex("start", run.first)
    j.end("end", run.last)
    j.hex("last", run.last)
    j.hex("size", run.size)
    j.int("level", run.level)
    j.string("kind", run.kind.rawValue)
    j.int("entries", run.count)
    j.hex("entry_size", run.entrySize)
    j.hex("output", run.output)
    j.string("output_space", s.outputIsIPA ? "ipa" : "pa")
    j.hex("descriptor", run.descriptor)
    rights(run.permissions, regime: s.regime)
    j.hex("attr", UInt64(run.attributes.mair))
    j.string("memory", MemoryAttributes.describe(run.attributes.mair))
    j.string("shareability", ViewWords.shareability(run.attributes.shareability))
    j.bool("global", run.global)
    j.bool("contiguous", run.contiguous)
    j.bool("af", run.accessFlag)
    j.hex("table_attributes", run.tableAttributes)
    if let symbol { j.string("symbol", ViewWords.symbol(symbol)) }
    close(batched: true)
  }

  // MARK: explain

  func explain(_ e: ExplainEvent) {
    let b = e.breakdown
    open("explain", e.range)
    j.hex("va", e.va)
    j.string("regime", e.accessRegime.word)
    j.string("translation_regime", regimeName(e.regime))
    j.string("base_register", e.baseRegister)
    j.hex("table_base", e.tableBase)
    geometry(b.geometry)
    if b.twoRanges { j.bool("upper", b.upper) }
    j.bool("in_range", b.inRange)
    j.int("start_index", b.startIndex)
    j.int("start_table", b.startTable)
    j.int("start_table_index", b.startTableIndex)
    j.openArray("fields")
    for fl in b.fields {
      j.openObject()
      switch fl.role {
      case .top: j.string("role", "top")
      case .table(let level):
        j.string("role", "table")
        j.int("level", level)
      case .index(let level):
        j.string("role", "index")
        j.int("level", level)
      case .offset: j.string("role", "offset")
      }
      j.int("hi", fl.hi)
      j.int("lo", fl.lo)
      j.hex("value", fl.value)
      j.closeObject()
    }
    j.closeArray()
    close()
  }

  // MARK: layout

  func layout(_ l: LayoutEvent) {
    open("layout", l.range)
    j.string("regime", l.accessRegime.word)
    j.string("translation_regime", regimeName(l.regime))
    j.int("cpu", l.cpu)
    j.openArray("regions")
    for r in l.regions {
      j.openObject()
      j.string("kind", r.kind.rawValue)
      // A hole has no base register: its name is its kind's word.
      j.string("name", r.name ?? "hole")
      if r.kind == .hole || r.geometry != nil {
        j.hex("first", r.first)
        j.hex("last", r.last)
        j.end("size", r.last &- r.first)
      }
      if let g = r.geometry { geometry(g) }
      if let root = r.root { j.hex("root", root) }
      if let sp = r.space { j.string("space", sp) }
      if let p = r.problem { problem(p) }
      if r.kind == .range { extents(r.extents) }
      j.closeObject()
    }
    j.closeArray()
    close()
  }

  /// A region's `"extents":[…]`, each with its leaves by level and kind.
  func extents(_ list: [LayoutExtent]) {
    j.openArray("extents")
    for e in list {
      j.openObject()
      j.hex("first", e.first)
      j.hex("last", e.last)
      j.end("size", e.last &- e.first)
      j.openArray("leaves")
      for c in e.leaves {
        j.openObject()
        j.int("level", c.level)
        j.string("kind", c.kind.rawValue)
        j.int("count", c.count)
        j.closeObject()
      }
      j.closeArray()
      j.closeObject()
    }
    j.closeArray()
  }

  // MARK: graph

  func graph(_ g: GraphEvent) {
    open("graph", g.range)
    j.string("space", g.space)
    j.string("file", g.path)
    j.string("format", g.format)
    if let d = g.dotPath { j.string("dot_file", d) }
    j.bool("rendered", g.format == "dot" || g.rendered)
    j.int("tables", g.tables)
    j.int("table_groups", g.tableGroups)
    j.int("leaf_runs", g.leafRuns)
    if let n = ViewWords.graphNote(g) { j.string("note", n) }
    close()
  }

  // MARK: show

  func show(_ s: ShowEvent) {
    open("show", s.range)
    switch s.topic {
    case .regs(let cpu, let regs, let el, let pan):
      j.string("topic", "regs")
      j.int("cpu", cpu)
      j.int("el", el)
      j.bool("vhe", regs.e2h)
      j.bool("pan", pan)
      j.openObject("registers")
      for reg in SystemRegister.allCases {
        j.key(reg.name)
        j.hexItem(regs[reg])
      }
      j.closeObject()
    case .machine(let m): machine(m)
    case .spaces(let list):
      j.string("topic", "spaces")
      j.openArray("spaces")
      for sp in list {
        j.openObject()
        j.string("name", sp.name)
        j.string("regime", regimeName(sp.regime))
        if let u = sp.upper { j.string("half", u ? "ttbr1" : "ttbr0") }
        j.hex("root", sp.root)
        geometry(sp.geometry)
        if let v = sp.via { j.string("via", v) }
        j.closeObject()
      }
      j.closeArray()
    case .cpus(let list):
      j.string("topic", "cpus")
      j.openArray("cpus")
      for c in list {
        j.openObject()
        j.int("index", c.index)
        j.int("el", c.el)
        j.bool("online", c.online)
        j.bool("current", c.current)
        j.int("tlb_entries", c.tlbEntries)
        j.closeObject()
      }
      j.closeArray()
    case .tlb(let t): tlb(t)
    }
    close()
  }

  /// `show machine`'s members.
  func machine(_ m: MachineSummary) {
    j.string("topic", "machine")
    j.int("cpu_count", m.cpus)
    j.int("current_cpu", m.currentCPU)
    j.openObject("pool")
    j.hex("base", m.poolBase)
    j.hex("size", m.poolSize)
    j.hex("in_use", m.poolInUse)
    j.closeObject()
    j.int("allocated_pages", m.allocatedPages)
    j.int("page_budget", m.pageBudget)
    j.openObject("features")
    j.int("pa_bits", m.features.paMax)
    j.bool("lpa2_4k", m.features.lpa2For4K)
    j.bool("lpa2_16k", m.features.lpa2For16K)
    j.bool("lva", m.features.lva)
    j.bool("ttst", m.features.ttst)
    j.int("hafdbs", m.features.hafdbs)
    j.bool("xnx", m.features.xnx)
    j.int("bbm", m.features.bbm)
    j.closeObject()
    j.openObject("options")
    j.bool("tlb_speculative", m.options.tlbSpeculative)
    j.bool("strict_barriers", m.options.strictBarriers)
    j.bool("bbm_check", m.options.bbmCheck)
    j.closeObject()
  }

  /// `show tlb`'s members: walk-cache entries, pending maintenance, TLB entries.
  func tlb(_ t: TLBSnapshot) {
    j.string("topic", "tlb")
    j.int("cpu", t.cpu)
    j.openArray("walk_entries")
    for w in t.walkEntries {
      j.openObject()
      j.string("regime", regimeName(w.regime))
      if let v = w.vmid { j.int("vmid", Int(v)) }
      if let a = w.asid { j.int("asid", Int(a)) }
      j.int("level", w.level)
      j.hex("input", w.inputBase)
      j.hex("size", UInt64(1) << UInt64(min(w.sizeBits, 63)))
      j.hex("next_table", w.nextTable)
      j.bool("nested", w.nested)
      j.closeObject()
    }
    j.closeArray()
    j.openArray("pending")
    for p in t.pending { j.stringItem(p.operation.name) }
    j.closeArray()
    j.openArray("entries")
    for e in t.entries {
      j.openObject()
      j.string("regime", regimeName(e.regime))
      if let v = e.vmid { j.int("vmid", Int(v)) }
      if let a = e.asid { j.int("asid", Int(a)) }
      j.bool("global", e.asid == nil)
      j.hex("input", e.inputBase)
      j.hex("size", UInt64(1) << UInt64(min(e.sizeBits, 63)))
      j.hex("pa", e.translation.pa & ~lowMask(e.sizeBits))
      j.bool("combined", e.combined)
      j.string("stage", "\(e.stage)")
      j.int("level", e.level)
      j.bool("speculative", e.speculative)
      j.closeObject()
    }
    j.closeArray()
  }

  // MARK: decode

  func decode(_ e: DecodeEvent) {
    open("decode", e.range)
    let d = Descriptor(e.value)
    let kind = d.kind(level: e.level, granule: e.granule, ds: e.ds, paMax: e.paMax)
    j.hex("value", e.value)
    j.int("level", e.level)
    j.string("kind", kind.rawValue)
    switch e.format {
    case .stage1TwoRange: j.string("format", "stage1")
    case .stage1OneRange: j.string("format", "stage1-el2")
    case .stage2: j.string("format", "stage2")
    }
    j.string("granule", e.granule.description)
    j.bool("ds", e.ds)
    switch kind {
    case .invalid, .reserved: break
    case .table:
      j.hex("next_table", d.address(granule: e.granule, ds: e.ds, outputBits: 52))
      if e.format != .stage2 {
        j.bool("ns_table", d.nsTable)
        j.int("ap_table", Int(d.apTable))
        j.bool(e.format == .stage1OneRange ? "xn_table" : "uxn_table", d.uxnTable)
        if e.format == .stage1TwoRange { j.bool("pxn_table", d.pxnTable) }
      }
    case .block, .page:
      j.hex("output", d.address(granule: e.granule, ds: e.ds, outputBits: 52, level: e.level))
      j.hex("size", UInt64(1) << UInt64(e.granule.levelShift(e.level)))
      leafAttributes(d, e)
    }
    close()
  }

  /// A block or page descriptor's attributes in its format's fields.
  func leafAttributes(_ d: Descriptor, _ e: DecodeEvent) {
    switch e.format {
    case .stage2:
      j.int("mem_attr", Int(d.memAttr))
      j.string(
        "memory", MemoryAttributes.describe(MemoryAttributes.stage2MAIR(memAttr: d.memAttr)))
      j.int("s2ap", Int(d.s2ap))
      j.int("s2xn", Int(d.s2xn))
    case .stage1TwoRange, .stage1OneRange:
      let attr = MemoryAttributes.mairByte(e.mair, index: d.attrIndx)
      j.int("attr_index", d.attrIndx)
      j.hex("attr", UInt64(attr))
      j.string("memory", MemoryAttributes.describe(attr))
      j.int("ap", Int(d.ap))
      if e.format == .stage1TwoRange {
        j.bool("ng", d.nG)
        j.bool("pxn", d.pxn)
        j.bool("uxn", d.uxn)
      } else {
        j.bool("xn", d.uxn)
      }
      j.bool("ns", d.ns)
    }
    if !e.ds { j.int("sh", Int(d.sh)) }
    j.bool("af", d.af)
    j.bool("dbm", d.dbm)
    j.bool("contiguous", d.contiguous)
    j.int("software", Int(d.softwareBits))
  }
}
