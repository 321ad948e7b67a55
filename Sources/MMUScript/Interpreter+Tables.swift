import MMU
import MMUSyntax

/// What a whole-table statement reads: a regime's tables (as its base registers say now) or
/// a space as built.
enum TableTarget {
  case regime(AccessRegime)
  case space(AddressSpace)

  /// What the events and checks that read it record.
  var viewTarget: ViewTarget {
    switch self {
    case .regime(let r): .regime(r)
    case .space(let sp): .space(name: sp.name)
    }
  }
}

extension Interpreter {
  // MARK: targets

  /// A REGIME or SPACE operand; without one the current space, else the current EL's regime
  /// (as `dump` chooses).
  func tableTarget(_ e: Expr?, range: SourceRange) throws -> TableTarget {
    if let e {
      if case .regime(let r) = try evaluate(e) { return .regime(r) }
      return .space(try space(e, range: range))
    }
    if currentSpace != nil { return .space(try space(nil, range: range)) }
    return .regime(defaultRegime(machine.cpu))
  }

  /// The target as the events' renderings word it, for a diagnostic (through the sink).
  func label(_ t: TableTarget) -> String { sink.words(for: t.viewTarget) }

  /// Every half a target has: both of a two-range regime, lower first.
  func roots(_ t: TableTarget) -> [TableRoot] {
    switch t {
    case .regime(let r): tableRoots(regime: r)
    case .space(let sp): [tableRoot(space: sp)]
    }
  }

  /// The half a kernel's own dump reads: the upper (TTBR1) half of a two-range regime, where
  /// the kernel lives; the only half otherwise.
  func kernelRoot(_ t: TableTarget, range: SourceRange) throws -> TableRoot {
    guard let root = roots(t).last else {
      throw Diagnostic.error("\(label(t)) has no tables", at: range)
    }
    if let p = root.problem { throw problemDiagnostic(p, prefix: "\(root.name): ", at: range) }
    return root
  }

  // MARK: kernel-format rows

  /// The lines of the kernel's dump of [first, last] of a root: `format linux` cut at the
  /// script's markers; `format kvm` with KVM's single `Guest IPA` marker.
  func ptdumpLines(
    _ root: TableRoot, first: UInt64, last: UInt64, format: DumpFormat, markers: Bool = true,
    range: SourceRange
  ) throws -> [PtdumpLine] {
    guard let view = root.view else { return [] }
    let lines: [PtdumpLine]
    do {
      switch format {
      case .linux:
        lines = try view.linuxPtdump(
          from: first, through: last, markers: markers ? effectiveMarkers(range: range) : [],
          memory: machine.memory, limit: options.maxOutputItems)
      case .kvm:
        // kvm_ptdump_parser_create: "Guest IPA" at 0, the next marker at 2^ia_bits.
        let ia = view.geometry.inputBits
        let top = ia >= 64 ? UInt64.max : UInt64(1) << UInt64(ia)
        lines = try view.linuxPtdump(
          from: first, through: last,
          markers: [
            PtdumpMarker(address: 0, name: "Guest IPA"), PtdumpMarker(address: top, name: ""),
          ],
          memory: machine.memory, mask: LinuxPtdump.kvmProtMask, flush: false,
          limit: options.maxOutputItems)
      }
    } catch {
      switch error {
      case .limitReached(let n), .rowLimitReached(let n):
        throw Diagnostic.error(
          "the tables of \(root.space.map { "'\($0)'" } ?? root.name) hold more than \(n) entries: stopped",
          at: range, hint: "dump a window: `dump SPACE VA size SIZE format linux`")
      case .unmappedTable(let a):
        throw problemDiagnostic(.unmappedTable(ipa: a, via: root.via), at: range)
      }
    }
    addWork(lines.count)
    return lines
  }

  /// `dump … format linux|kvm`.
  func executePtdump(_ s: DumpStmt, format: DumpFormat) throws {
    let t = try tableTarget(s.target, range: s.range)
    let root = try kernelRoot(t, range: s.range)
    if format == .kvm && !root.regime.isStage2 {
      throw Diagnostic.error(
        "format kvm is KVM's stage-2 dump; \(label(t)) is \(root.regime)", at: s.range,
        hint: "dump s2 format kvm, or a stage-2 space")
    }
    var first = root.first
    var last = root.last
    if let w = s.window {
      let va = try integer(w.va)
      let size = try integer(w.size)
      guard size > 0 else { throw Diagnostic.error("the size is zero", at: w.size.range) }
      let (l, o) = va.addingReportingOverflow(size - 1)
      first = max(first, va)
      last = min(last, o ? UInt64.max : l)
      guard first <= last else {
        throw Diagnostic.error(
          "\(formatter.hex(va)) is outside \(root.name)'s range", at: w.va.range)
      }
    }
    let lines = try ptdumpLines(root, first: first, last: last, format: format, range: s.range)
    sink.emit(
      .ptdump(
        PtdumpEvent(
          target: t.viewTarget, format: format, section: root.name, first: first, last: last,
          lines: lines, range: s.range)))
  }

  /// `marker VA "NAME"`, `marker clear`.
  func executeMarker(_ s: MarkerStmt) throws {
    switch s.action {
    case .clear:
      ptdumpMarkers = []
    case .add(let a, let n):
      let address = try integer(a)
      let name = try string(n)
      if let previous = ptdumpMarkers.last, previous.address > address {
        throw Diagnostic.error(
          "markers go in address order: \(formatter.hex(address)) is below the last one, '\(previous.name)' at \(formatter.hex(previous.address))",
          at: a.range, hint: "`marker clear`, then add them from the lowest address")
      }
      guard ptdumpMarkers.count < 64 else {
        throw Diagnostic.error("at most 64 markers", at: s.range)
      }
      ptdumpMarkers.append(PtdumpMarker(address: address, name: name))
    }
  }

  // MARK: checks

  /// ptdump_check_wx over the kernel half, with no markers (the kernel's check has none).
  func wxCheck(_ s: CheckStmt) throws -> WXCheckEvent {
    let t = try tableTarget(s.target, range: s.range)
    let root = try kernelRoot(t, range: s.range)
    let rows = try ptdumpLines(
      root, first: root.first, last: root.last, format: .linux, markers: false, range: s.range
    ).compactMap { line -> PtdumpRow? in
      if case .row(let r) = line { return r }
      return nil
    }
    let page = root.setup?.geometry.granule.size ?? 4096
    return WXCheckEvent(
      target: t.viewTarget, section: root.name, pageSize: page,
      result: WXCheck(rows: rows, pageSize: page), range: s.range)
  }

  /// Every leaf run of every half of a target, seen from the output side.
  func physicalMappings(_ t: TableTarget, range: SourceRange) throws -> [PhysicalMapping] {
    var result: [PhysicalMapping] = []
    for root in roots(t) where root.problem == nil && root.view != nil {
      let runs = try scan(root, first: root.first, last: root.last, tables: false, range: range)
        .runs
      for run in runs {
        result.append(
          PhysicalMapping(
            section: root.name, regime: root.regime, va: run.first, pa: run.output,
            size: run.size, outputIsIPA: root.via != nil, run: run))
      }
    }
    return result
  }

  /// `find pa PA [size SIZE]`: the part of each run whose output falls in [first, last].
  func findPA(_ s: FindPAStmt) throws -> FindPAEvent {
    let t = try tableTarget(s.target, range: s.range)
    let first = try integer(s.pa)
    let size = try s.size.map { try integer($0) } ?? 1
    guard size > 0 else {
      throw Diagnostic.error("the size is zero", at: s.size?.range ?? s.range)
    }
    let (l, o) = first.addingReportingOverflow(size - 1)
    let last = o ? UInt64.max : l
    var found: [PhysicalMapping] = []
    for m in try physicalMappings(t, range: s.range) {
      let mLast = m.pa &+ (m.size &- 1)
      guard m.pa <= last && mLast >= first else { continue }
      let lo = max(m.pa, first)
      let hi = min(mLast, last)
      var part = m
      part.va = m.va &+ (lo &- m.pa)
      part.pa = lo
      part.size = hi &- lo &+ 1
      found.append(part)
    }
    found.sort { ($0.pa, $0.va) < ($1.pa, $1.va) }
    return FindPAEvent(
      target: t.viewTarget, first: first, last: last, mappings: found, range: s.range)
  }

  /// `check aliases`: pairs of runs that reach the same output bytes with different memory
  /// types or cacheability (the MAIR-format attribute), found by a sweep in output order.
  func aliasCheck(_ s: CheckStmt) throws -> AliasCheckEvent {
    let t = try tableTarget(s.target, range: s.range)
    let all = try physicalMappings(t, range: s.range).sorted { ($0.pa, $0.va) < ($1.pa, $1.va) }
    var aliases: [PhysicalAlias] = []
    var open: [PhysicalMapping] = []
    // Many mappings of one PA make the sweep quadratic: it stops at a budget of comparisons.
    var compared = 0
    let budget = max(options.maxOutputItems, 1) &* 16
    sweep: for m in all {
      let mLast = m.pa &+ (m.size &- 1)
      open.removeAll { $0.pa &+ ($0.size &- 1) < m.pa }
      compared &+= open.count
      guard compared <= budget else {
        throw Diagnostic.error(
          "more than \(budget) overlapping mappings to compare: stopped", at: s.range,
          hint: "check a space with fewer aliases of one physical range")
      }
      for other in open where other.run.attributes.mair != m.run.attributes.mair {
        let hi = min(other.pa &+ (other.size &- 1), mLast)
        aliases.append(PhysicalAlias(first: m.pa, last: hi, a: other, b: m))
        if aliases.count >= options.maxOutputItems { break sweep }
      }
      open.append(m)
    }
    addWork(compared)
    return AliasCheckEvent(target: t.viewTarget, aliases: aliases, range: s.range)
  }

  /// `diff dump A B`: the rows of each (with the script's markers), `-` for rows only A has
  /// and `+` for rows only B has, in address order.
  func dumpDiff(_ s: DiffDumpStmt) throws -> DumpDiffEvent {
    // A snapshot's format is the one both sides use, unless the statement names one.
    let format =
      s.format ?? snapshot(named: s.first)?.format ?? snapshot(named: s.second)?.format ?? .linux
    let a = try diffSide(s.first, format: format, range: s.range)
    let b = try diffSide(s.second, format: format, range: s.range)
    let left = a.rows
    let right = b.rows
    let inLeft = Set(left)
    let inRight = Set(right)
    let removed = left.filter { !inRight.contains($0) }
    let added = right.filter { !inLeft.contains($0) }
    // Both lists are in address order: merge them, a removed row before an added one at the
    // same address.
    var lines: [DumpDiffLine] = []
    var i = 0
    var j = 0
    while i < removed.count || j < added.count {
      if j >= added.count || (i < removed.count && removed[i].start <= added[j].start) {
        lines.append(.removed(removed[i]))
        i += 1
      } else {
        lines.append(.added(added[j]))
        j += 1
      }
    }
    return DumpDiffEvent(
      first: a.side, second: b.side, format: format, lines: lines, range: s.range)
  }

  func executeCheck(_ s: CheckStmt) throws {
    switch s.kind {
    case .wx: sink.emit(.wxCheck(try wxCheck(s)))
    case .aliases: sink.emit(.aliasCheck(try aliasCheck(s)))
    }
  }

  /// The assert forms pass when the statement finds no W+X or non-UXN page, no alias, at
  /// least one mapping, or no difference.
  func assertTable(_ t: TableAssertion, message: String?, range: SourceRange) throws {
    let check: AssertionCheck
    let passed: Bool
    switch t {
    case .check(let s) where s.kind == .wx:
      let e = try wxCheck(s)
      check = .wx(
        target: e.target, wxPages: e.result.wxPages, nonUXNPages: e.result.nonUXNPages)
      passed = e.result.passed
    case .check(let s):
      let e = try aliasCheck(s)
      check = .aliases(target: e.target, count: e.aliases.count)
      passed = e.aliases.isEmpty
    case .findPA(let s):
      let e = try findPA(s)
      check = .findPA(target: e.target, address: e.first, mappings: e.mappings.count)
      passed = !e.mappings.isEmpty
    case .diff(let s):
      let e = try dumpDiff(s)
      check = .dumpDiff(first: e.first, second: e.second, rows: e.lines.count)
      passed = e.lines.isEmpty
    }
    try record(AssertionEvent(passed: passed, check: check, message: message, range: range))
  }
}
