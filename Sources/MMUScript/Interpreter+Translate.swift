import MMU
import MMUSyntax

extension Interpreter {
  /// An access by the current CPU as `r` would make it: TLB first unless `useTLB` is false.
  func performAccess(
    _ r: MMUSyntax.Regime, va: UInt64, access: AccessType, trace: Bool, useTLB: Bool
  ) -> AccessResult {
    let a = machine.access(
      cpu: machine.cpu, context: context(r, cpu: machine.cpu), address: va, access: access,
      trace: trace, useTLB: useTLB)
    // Each missing-barrier warning (one per pending TLBI) is output: counted as work.
    addWork(a.warnings.count)
    return a
  }

  /// What an access would get, changing nothing (`assert tlb`).
  func probeAccess(_ r: MMUSyntax.Regime, va: UInt64) -> AccessResult {
    let a = machine.probe(cpu: machine.cpu, context: context(r, cpu: machine.cpu), address: va)
    addWork(a.warnings.count)
    return a
  }

  func accessType(_ k: AccessKind?) -> AccessType {
    switch k {
    case .write?: .write
    case .exec?: .exec
    default: .read
    }
  }

  func executeWalk(_ s: WalkStmt) throws {
    try executeWalk(WalkPlan(s, access: accessType(s.access)))
  }

  func executeWalk(_ p: WalkPlan) throws {
    let r = try p.fixedRegime ?? regime(p.regime)
    let va = try integer(p.va)
    // The CPU is looked up once, and the result moves into the event: a copy of it (several
    // references to retain and release) cost as much as the rest of the statement.
    // `currentCPU` always names a CPU (CPUs are only ever added), so `c.index` is it, read
    // without the exclusivity check another module's property costs.
    let c = machine.cpu
    let event = WalkEvent(
      label: r.rawValue, cpu: c.index,
      result: machine.access(
        cpu: c, context: context(r, cpu: c), address: va, access: p.access, trace: p.trace,
        useTLB: !p.noTLB),
      trace: p.trace, symbol: symbolTable == nil ? nil : symbolName(va), range: p.range)
    // Each missing-barrier warning (one per pending TLBI) is output: counted as work.
    let warnings = event.result.warnings.count
    if warnings > 0 { addWork(warnings) }
    sink.emit(.walk(consume event))
  }

  func executeAT(_ s: ATStmt) throws {
    let va = try integer(s.va)
    guard let op = MMU.ATOperation(rawValue: s.operation.rawValue) else {
      throw Diagnostic.error("unknown AT operation", at: s.range)
    }
    if op.el2 || op.bothStages, machine.cpu.el < 2 {
      throw Diagnostic.error(
        "at \(op.rawValue) is only available at EL2 (the CPU is at EL\(machine.cpu.el))",
        at: s.range,
        hint: "`set el 2` first")
    }
    let (result, access) = machine.addressTranslate(op, va: va, cpu: machine.cpu)
    addWork(access.warnings.count)
    sink.emit(.at(ATEvent(operation: op, va: va, result: result, access: access, range: s.range)))
  }

  func executeTranslate(_ s: TranslateStmt) throws {
    var sp = try space(s.space, range: s.range)
    let va = try integer(s.va)
    if s.granule != nil || s.vaBits != nil {
      // Walk the same tables as if the registers had another shape.
      let g = try s.granule.map { try granule($0) } ?? sp.granule
      let bits =
        try s.vaBits.map { try smallInt($0, "va_bits", in: 16...52) } ?? sp.geometry.inputBits
      let geometry =
        sp.regime == .stage2
        ? Geometry.kvmStage2(granule: g, ipaBits: bits, ds: sp.geometry.ds)
        : Geometry.stage1(granule: g, inputBits: bits, ds: sp.geometry.ds)
      sp = AddressSpace(
        name: sp.name, regime: sp.regime, geometry: geometry, root: sp.root, pool: sp.pool,
        via: sp.via, outputBits: sp.outputBits, paMax: sp.paMax, upper: sp.upper)
    }
    let w = sp.softwareWalk(va, memory: machine.memory, trace: true)
    let result = AccessResult(status: .notUsed, walk: w)
    sink.emit(
      .walk(
        WalkEvent(
          label: "space \(sp.name)", cpu: machine.currentCPU, result: result, trace: true,
          range: s.range)))
  }
}
