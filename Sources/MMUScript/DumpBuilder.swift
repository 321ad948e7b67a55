import MMU
import MMUSyntax

/// The tables a view reads: a space, or what a base register points at now, with the
/// setup (MAIR, HPD, WXN, shareability) the walker would read them under.
struct TableRoot {
  /// `TTBR0_EL1`… (for a space: the register of its half).
  var name: String
  var regime: MMU.Regime
  /// The whole input range of this half.
  var first: UInt64
  var last: UInt64
  /// nil when the registers describe no walk (`problem` says why).
  var view: AddressSpace?
  var setup: StageSetup?
  var space: String?
  var via: String?
  var problem: ViewProblem?
}

extension Interpreter {
  /// The base register of a regime's half.
  func baseRegister(_ regime: MMU.Regime, upper: Bool) -> String {
    switch regime {
    case .el10: upper ? "TTBR1_EL1" : "TTBR0_EL1"
    case .el20: upper ? "TTBR1_EL2" : "TTBR0_EL2"
    case .el2: "TTBR0_EL2"
    case .stage2: "VTTBR_EL2"
    }
  }

  /// A space as a table root: its own geometry and root, read with the current CPU's MAIR
  /// for its regime.
  func tableRoot(space sp: AddressSpace) -> TableRoot {
    var setup = sp.softwareSetup()
    setup.mair = mair(for: sp)
    let upper = sp.upper ?? false
    let r = sp.inputRange(upper: upper)
    return TableRoot(
      name: baseRegister(sp.regime, upper: upper), regime: sp.regime, first: r.lowerBound,
      last: r.upperBound, view: sp, setup: setup, space: sp.name, via: sp.via?.name,
      problem: nil)
  }

  /// The tables each base register of a regime points at now, lower half first: the
  /// geometry from TCR/VTCR, the root from TTBR/VTTBR, and for EL1&0 with stage 2 enabled
  /// the stage 2 of VTTBR_EL2/VTCR_EL2 translating the table IPAs.
  func tableRoots(regime r: AccessRegime) -> [TableRoot] {
    let ctx = context(r, cpu: machine.cpu)
    var s2view: AddressSpace?
    var s2problem: ViewProblem?
    if ctx.stage2 {
      switch registerSetup(.s2) {
      case .success(let s2): s2view = AddressSpace.registerView(name: "VTTBR_EL2", setup: s2)
      case .failure(let f): s2problem = .stage2NoWalk(fault: f)
      }
    }
    let halves: [Bool] = ctx.regime.hasTwoRanges ? [false, true] : [false]
    var roots: [TableRoot] = []
    for upper in halves {
      let name = baseRegister(ctx.regime, upper: upper)
      let setup: StageSetup
      switch registerSetup(r, address: upper ? ~0 : 0) {
      case .success(let s): setup = s
      case .failure(let f):
        roots.append(
          TableRoot(
            name: name, regime: ctx.regime, first: 0, last: 0, view: nil, setup: nil,
            space: nil, via: nil, problem: .noWalk(regime: r, fault: f)))
        continue
      }
      let span = lowMask(setup.geometry.inputBits)
      var root = TableRoot(
        name: name, regime: ctx.regime, first: upper ? ~span : 0, last: upper ? ~0 : span,
        view: nil, setup: setup, space: nil, via: nil, problem: nil)
      if let s2problem {
        root.problem = s2problem
      } else {
        root.view = AddressSpace.registerView(name: name, setup: setup, via: s2view)
        root.via = s2view?.name
        root.problem = disabledHalf(ctx.regime, upper: upper)
      }
      root.space = machine.spaceOrder.first { n in
        guard let sp = machine.space(named: n) else { return false }
        return sp.regime == ctx.regime && sp.root == setup.tableBase
          && (sp.upper ?? upper) == upper && (sp.via != nil) == (s2view != nil)
      }
      roots.append(root)
    }
    return roots
  }

  /// Why the registers never walk a half (TCR.EPD0/EPD1 of a two-range regime), or nil: the
  /// fault is the model's own for a walk from that TTBR (its level follows `set fault_level`).
  func disabledHalf(_ regime: MMU.Regime, upper: Bool) -> ViewProblem? {
    let tcr: SystemRegister
    switch regime {
    case .el10: tcr = .tcr_el1
    case .el20: tcr = .tcr_el2
    case .el2, .stage2: return nil
    }
    let regs = machine.cpu.registers
    guard RangeControl(tcr: regs[tcr], upper: upper, el2Layout: false).epd else { return nil }
    // registerSetup read this half with EPD cleared; the same probe with it set faults.
    let probe = TranslationSetup.stage1(regs, regime: regime, va: upper ? ~0 : 0, access: .read)
    guard case .failure(let fault) = probe else { return nil }
    return .walksDisabled(tcr: tcr, ttbr: upper ? 1 : 0, fault: fault)
  }

  /// Scans a root's tables for a view of a regime: a stage-1 table that stage 2 does not map
  /// is the section's problem (the other half is still shown), any other error a diagnostic.
  func scanForView(_ root: TableRoot, first: UInt64, last: UInt64, range: SourceRange) throws
    -> (runs: [LeafRun], problem: ViewProblem?)
  {
    do {
      return (try scanTables(root, first: first, last: last, tables: false).runs, nil)
    } catch {
      if case .unmappedTable(let a) = error { return ([], .unmappedTable(ipa: a, via: root.via)) }
      throw scanDiagnostic(error, root, range)
    }
  }

  /// Scans a root's tables in [first, last]; a scan error becomes a diagnostic.
  func scan(_ root: TableRoot, first: UInt64, last: UInt64, tables: Bool, range: SourceRange)
    throws -> TableScan
  {
    do {
      return try scanTables(root, first: first, last: last, tables: tables)
    } catch {
      throw scanDiagnostic(error, root, range)
    }
  }

  func scanTables(_ root: TableRoot, first: UInt64, last: UInt64, tables: Bool)
    throws(TableScanError) -> TableScan
  {
    guard let view = root.view, let setup = root.setup else {
      return TableScan(tables: [], runs: [], visited: 0)
    }
    // Visiting is bounded by the steps left (a view's reads count against the step limit);
    // the listing by the output limit, counted in rows.
    let stepsLeft = max(1, options.maxSteps - steps)
    let result = try view.scan(
      from: first, through: last, memory: machine.memory, setup: setup,
      limit: stepsLeft, rowLimit: options.maxOutputItems, keepTables: tables)
    // What a view scans counts against the step limit: a loop of dumps of a big space ends
    // there instead of scanning a million entries per step.
    addWork(result.visited)
    return result
  }

  func scanDiagnostic(_ error: TableScanError, _ root: TableRoot, _ range: SourceRange)
    -> Diagnostic
  {
    let what = root.space.map { "'\($0)'" } ?? root.name
    switch error {
    case .limitReached:
      return Diagnostic.error(
        "step limit of \(options.maxSteps) statements reached reading the tables of \(what)",
        at: range, hint: "raise it with --max-steps N")
    case .rowLimitReached(let n):
      return Diagnostic.error(
        "the tables of \(what) hold more than \(n) rows (runs of leaves): stopped", at: range,
        hint: "dump a window (`dump SPACE VA size SIZE`) or raise the limit with --max-output N")
    case .unmappedTable(let a):
      return problemDiagnostic(.unmappedTable(ipa: a, via: root.via), at: range)
    }
  }
}
