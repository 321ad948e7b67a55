import MMU
import MMUSyntax

extension Interpreter {
  func executeSpace(_ s: SpaceStmt) throws {
    if lookupVariable(s.name.text) != nil {
      throw Diagnostic.error("'\(s.name.text)' is already a variable", at: s.name.range)
    }
    var req = SpaceRequest(name: s.name.text)
    req.regime = s.regime ?? .el10
    if let h = s.half {
      guard req.regime.hasTwoRanges else {
        throw Diagnostic.error(
          "a \(req.regime) space has one range: \(h.rawValue) does not apply", at: s.range)
      }
      req.upper = h == .ttbr1
    }
    req.granule = try s.granule.map { try granule($0) }
    if let e = s.vaBits ?? s.ipaBits { req.inputBits = try smallInt(e, "input size", in: 0...64) }
    if let p = s.pool {
      let b = try integer(p.base)
      let sz = try integer(p.size)
      guard sz > 0, b & 0xfff == 0, sz & 0xfff == 0 else {
        throw Diagnostic.error("a pool needs a 4K-aligned base and size", at: p.base.range)
      }
      let (end, o) = b.addingReportingOverflow(sz)
      guard !o, end <= PhysicalMemory.addressLimit else {
        throw Diagnostic.error("the pool must lie below 2^52", at: p.base.range)
      }
      req.pool = (b, sz)
    }
    if let v = s.via { req.via = try space(v, range: v.range).name }
    req.root = try s.root.map { try integer($0) }
    do {
      _ = try machine.createSpace(req, cpu: machine.cpu)
    } catch {
      throw Diagnostic.error(describe(error), at: s.range)
    }
    currentSpace = s.name.text
  }

  func describe(_ e: SpaceError) -> String {
    switch e {
    case .duplicate(let n): return "a space named '\(n)' already exists"
    case .inputBits(let b, let g, let allowed, let s2):
      return
        "\(s2 ? "ipa_bits" : "va_bits") \(b) is not valid for a \(g) granule: allowed \(allowed.lowerBound)...\(allowed.upperBound)"
    case .granuleNotImplemented(let g): return "this CPU does not implement the \(g) granule"
    case .noSuchSpace(let n): return "unknown space '\(n)'"
    case .viaNotStage2(let n): return "'\(n)' is not a stage-2 space (via needs regime s2)"
    case .viaOnlyForEL1: return "only an el1 space can live via a stage-2 space"
    case .rootMisaligned(let a, let al):
      return "root \(formatter.hex(a)) is not aligned to its table size \(formatter.hex(al))"
    case .rootNotMapped(let a):
      return "the root table's IPA \(formatter.hex(a)) is not mapped by the via space"
    case .pool(let p): return describe(p)
    case .stage2Start(let b, let g):
      return "no stage-2 start level translates a \(b)-bit IPA with \(g) pages"
    }
  }

  func describe(_ p: PoolError) -> String {
    switch p {
    case .exhausted(let base, let size, let needed):
      return
        "table pool at \(formatter.hex(base)) (\(formatter.size(size))) has no room for \(formatter.size(needed)) more"
    }
  }

  func describe(_ e: MapError) -> String {
    switch e {
    case .misaligned(let what, let v, let g):
      return "\(what) \(formatter.hex(v)) is not aligned to the \(formatter.size(g)) granule"
    case .emptyRange: return "the size is zero"
    case .outsideSpace(let a, let bits):
      return "\(formatter.hex(a)) is outside the space's \(bits)-bit input range"
    case .wrongHalf(let a, let upper):
      return
        "\(formatter.hex(a)) is in the \(upper ? "lower" : "upper") half, but this space maps the \(upper ? "upper (TTBR1)" : "lower (TTBR0)") half"
    case .outputTooLarge(let pa, let bits):
      return "output address \(formatter.hex(pa)) does not fit in \(bits) bits"
    case .alreadyMapped(let va, let level, let d):
      return
        "\(formatter.hex(va)) is already mapped (level \(level) descriptor \(formatter.hex(d))); unmap it first or add `force`"
    case .levelNotAllowed(let l, let g): return "a \(g) granule has no leaf at level \(l)"
    case .notAlignedForLevel(let l, let bs):
      return "VA, PA and size must be aligned to \(formatter.size(bs)) for level \(l) leaves"
    case .poolExhausted(let needed, let available):
      return
        "the table pool is exhausted: this needs \(needed) more table page\(needed == 1 ? "" : "s"), \(available) free"
    case .memoryBudget(let needed, let available):
      return
        "the memory budget is exhausted: this needs \(needed) more 4K pages for tables (\(formatter.size(UInt64(needed) &* 4096))), \(available) free (--max-memory raises the budget)"
    case .notATree(let t, let level):
      return
        "the level \(level) table at \(formatter.hex(t)) is reached by two entries: the tables are not a tree (shared, or looping back), so this would change them everywhere at once"
    case .attribute(let a):
      switch a {
      case .noMAIREntry(let t, let mair):
        return
          "MAIR has no attribute for \(t) (MAIR = \(formatter.hex(mair))); set the MAIR or use `attr N`"
      case .indexOutOfRange(let n, let max): return "attr \(n) is out of range: allowed 0...\(max)"
      }
    case .contiguousGroup(let va, let level, let entries, let leafSize):
      guard let n = entries else {
        return
          "contig: a level \(level) leaf at \(formatter.hex(va)) cannot be in a contiguous group (no group at that level for this granule)"
      }
      let span = formatter.size(leafSize &* UInt64(n))
      return
        "contig: the level \(level) leaf at \(formatter.hex(va)) needs its whole group of \(n) \(formatter.size(leafSize)) entries (\(span), VA and PA aligned to \(span)) in this map"
    case .contiguousProtect(let va, let level, let n, _):
      return
        "contig: protect would leave the group of \(n) level \(level) entries at \(formatter.hex(va)) misprogrammed: a group's entries must all be valid leaves with the Contiguous bit, the same attributes and consecutive outputs (protect the whole group)"
    case .contiguousSplit(let va, let level):
      return
        "contig: protect would split the level \(level) block at \(formatter.hex(va)), which has the Contiguous bit, and break its group (protect whole groups)"
    case .memory(let m): return describe(m)
    case .unmappedTable(let a):
      return "table IPA \(formatter.hex(a)) is not mapped by the via space"
    case .internalError(let s): return "internal error: \(s)"
    }
  }

  func describe(_ m: MemoryError) -> String {
    switch m {
    case .outOfRange(let a): return "physical address \(formatter.hex(a)) is at or above 2^52"
    case .badAccess(let a, let size):
      return
        "a \(size)-byte access at \(formatter.hex(a)) is not naturally aligned (or not 1, 2, 4 or 8 bytes)"
    case .budgetExceeded(let pages):
      return
        "simulated memory budget of \(pages) pages (\(formatter.size(UInt64(pages) &* 4096))) exhausted (--max-memory raises it)"
    case .file(let path, let reason): return "\(path): " + describe(reason)
    }
  }

  func describe(_ r: MemoryError.FileReason) -> String {
    switch r {
    case .system(let e): FileIO.reason(errno: e)
    case .notRegularFile: "not a regular file"
    case .alreadyBacked(let pa):
      "PA \(formatter.hex(pa)) is already backed; load into unused memory"
    case .pastEnd(let offset, let length):
      "offset \(formatter.hex(offset)) + \(formatter.hex(length)) passes the end"
    case .overlappingSegments(let pa): "PA \(formatter.hex(pa)) is in two segments"
    case .truncated: "shorter than its headers say"
    }
  }

  /// The MAIR that picks AttrIndx for a space's regime.
  func mair(for s: AddressSpace) -> UInt64 {
    switch s.regime {
    case .el10: machine.cpu.registers[.mair_el1]
    case .el2, .el20: machine.cpu.registers[.mair_el2]
    case .stage2: 0
    }
  }

  func executeMap(_ s: MapStmt) throws {
    speculateBeforeTableChange()
    let sp = try space(s.space, range: s.range)
    let va = try integer(s.va)
    let pa = try integer(s.pa)
    let size: UInt64
    switch s.extent {
    case .size(let e): size = try integer(e)
    case .end(let e):
      let end = try integer(e)
      guard end > va else { throw Diagnostic.error("the end must be above the start", at: e.range) }
      size = end - va
    }
    let (attrs, policy, force) = try mapAttributes(s.attributes, for: sp)
    let mapper = checkedMapper(sp)
    do {
      let report = try mapper.map(
        va: va, pa: pa, size: size, attributes: attrs, policy: policy, force: force)
      for w in report.warnings { warnModel(w, at: s.range) }
    } catch {
      throw Diagnostic.error(describe(error), at: s.range)
    }
    currentSpace = sp.name
  }

  func executeUnmap(_ s: UnmapStmt) throws {
    speculateBeforeTableChange()
    let sp = try space(s.space, range: s.range)
    let mapper = checkedMapper(sp)
    do {
      let report = try mapper.unmap(va: try integer(s.va), size: try integer(s.size), free: s.free)
      for w in report.warnings { warnModel(w, at: s.range) }
    } catch let e as MapError {
      throw Diagnostic.error(describe(e), at: s.range)
    }
  }

  func executeProtect(_ s: ProtectStmt) throws {
    speculateBeforeTableChange()
    let sp = try space(s.space, range: s.range)
    let change = try attributeChange(s.attributes, for: sp)
    let mapper = checkedMapper(sp)
    do {
      let report = try mapper.protect(
        va: try integer(s.va), size: try integer(s.size), change: change)
      for w in report.warnings { warnModel(w, at: s.range) }
    } catch let e as MapError {
      throw Diagnostic.error(describe(e), at: s.range)
    }
  }

  /// A mapper for `sp` whose descriptor writes the machine checks for break-before-make
  /// against what the TLBs hold.
  func checkedMapper(_ sp: AddressSpace) -> Mapper {
    var m = Mapper(space: sp, memory: machine.memory, mair: mair(for: sp))
    m.writeCheck = machine.mapperWriteCheck()
    return m
  }

  /// Emits a model warning in the words of the sink (the shell's).
  func warnModel(_ w: ModelWarning, at range: SourceRange) {
    warn(sink.message(for: w, formatter: formatter), at: range, model: w)
  }

  func executeSwitch(_ s: SwitchStmt) throws {
    speculateBeforeTableChange()
    let sp = try space(s.space, range: s.range)
    let reg: SystemRegister
    switch s.register {
    case .ttbr0EL1: reg = .ttbr0_el1
    case .ttbr1EL1: reg = .ttbr1_el1
    case .ttbr0EL2: reg = .ttbr0_el2
    case .ttbr1EL2: reg = .ttbr1_el2
    case .vttbrEL2: reg = .vttbr_el2
    }
    let asid = try s.asid.map { try integer($0) }
    let vmid = try s.vmid.map { try integer($0) }
    if asid != nil && reg == .vttbr_el2 {
      throw Diagnostic.error("VTTBR_EL2 has a VMID, not an ASID", at: s.asid?.range ?? s.range)
    }
    if vmid != nil && reg != .vttbr_el2 {
      throw Diagnostic.error("only VTTBR_EL2 has a VMID", at: s.vmid?.range ?? s.range)
    }
    for (v, e) in [(asid, s.asid), (vmid, s.vmid)] {
      if let v, v > 0xffff, let e {
        throw Diagnostic.error("\(formatter.hex(v)) does not fit 16 bits", at: e.range)
      }
    }
    for w in machine.switchTable(reg, to: sp, asid: asid, vmid: vmid, cpu: machine.cpu) {
      warnModel(w, at: s.range)
    }
    currentSpace = sp.name
  }

  /// Turns attribute words into what the mapper needs, for the space's regime.
  func mapAttributes(_ words: [Attribute], for sp: AddressSpace) throws -> (
    MapAttributes, LeafPolicy, Bool
  ) {
    var a = MapAttributes()
    var policy = LeafPolicy.largest
    var force = false
    var exec = false
    var device = false
    var writability = false
    for w in words {
      switch w.kind {
      case .r, .ro, .rw, .rx, .rwx: writability = true
      default: break
      }
      switch w.kind {
      case .r, .ro: a.writable = false
      case .rw: a.writable = true
      case .x: exec = true
      case .rx:
        a.writable = false
        exec = true
      case .rwx:
        a.writable = true
        exec = true
      case .user: a.user = true
      case .nx:
        a.forcePXN = true
        a.forceUXN = true
      case .pxn: a.forcePXN = true
      case .uxn: a.forceUXN = true
      case .normal: a.memory = .normal
      case .nc: a.memory = .nonCacheable
      case .wt: a.memory = .writeThrough
      case .device:
        device = true
        if case .device = a.memory {} else { a.memory = .device(.nGnRE) }
      case .ngnrne: a.memory = .device(.nGnRnE)
      case .ngnre: a.memory = .device(.nGnRE)
      case .gre: a.memory = .device(.GRE)
      case .attr(let e): a.memory = .index(try smallInt(e, "attr", in: 0...15))
      case .shareability(let sh):
        switch sh {
        case .none: a.shareability = .none
        case .inner: a.shareability = .inner
        case .outer: a.shareability = .outer
        }
      case .ng: a.notGlobal = true
      case .noaf: a.accessFlag = false
      case .contig: a.contiguous = true
      case .pages: policy = .pages
      case .level(let e): policy = .level(try smallInt(e, "level", in: -1...3))
      case .force: force = true
      }
    }
    _ = device
    if exec {
      // `user x` is Linux's user text, PAGE_READONLY_EXEC: EL0-executable, PXN set, and
      // read-only unless `rw`/`rwx` says otherwise (PAGE_SHARED_EXEC). `x` alone is EL1.
      if a.user {
        a.userExec = true
        if !writability { a.writable = false }
      } else {
        a.privExec = true
      }
    }
    _ = sp
    return (a, policy, force)
  }

  func attributeChange(_ words: [Attribute], for sp: AddressSpace) throws -> AttributeChange {
    var c = AttributeChange()
    var exec: Bool?
    for w in words {
      switch w.kind {
      case .r, .ro: c.writable = false
      case .rw: c.writable = true
      case .x: exec = true
      case .rx:
        c.writable = false
        exec = true
      case .rwx:
        c.writable = true
        exec = true
      case .user: c.user = true
      case .nx:
        c.pxn = true
        c.uxn = true
      case .pxn: c.pxn = true
      case .uxn: c.uxn = true
      case .normal: c.memory = .normal
      case .nc: c.memory = .nonCacheable
      case .wt: c.memory = .writeThrough
      case .device: c.memory = .device(.nGnRE)
      case .ngnrne: c.memory = .device(.nGnRnE)
      case .ngnre: c.memory = .device(.nGnRE)
      case .gre: c.memory = .device(.GRE)
      case .attr(let e): c.memory = .index(try smallInt(e, "attr", in: 0...15))
      case .shareability(let sh):
        c.shareability = sh == .none ? MMU.Shareability.none : (sh == .inner ? .inner : .outer)
      case .ng: c.notGlobal = true
      case .noaf: c.accessFlag = false
      case .contig: c.contiguous = true
      case .pages, .level, .force:
        throw Diagnostic.error("protect does not take '\(w.kind)'", at: w.range)
      }
    }
    if let exec {
      if c.user == true {
        c.userExec = exec
        // As for `map`: user text is read-only unless a writability word says otherwise.
        if c.writable == nil { c.writable = false }
      } else {
        c.privExec = exec
      }
    }
    _ = sp
    return c
  }
}
