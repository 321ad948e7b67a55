import MMU
import MMUSyntax

extension Interpreter {
  /// An access by the current CPU as `r` would make it: TLB first unless `useTLB` is false.
  /// `s1` under stage 2 reads its tables through stage 2 and answers with the IPA
  /// (`Machine.stage1Access`). Missing-barrier warnings (strict barriers) are reported at
  /// `range`.
  func performAccess(
    _ r: AccessRegime, va: UInt64, access: AccessType, trace: Bool, useTLB: Bool,
    range: SourceRange
  ) -> AccessResult {
    let c = machine.cpu
    let ctx = context(r, cpu: c)
    let a = regimeAccess(r, ctx, cpu: c, va: va, access: access, trace: trace, useTLB: useTLB)
    for w in a.warnings { warnModel(w, at: range) }
    warnContiguous(a, context: ctx, at: range)
    return a
  }

  /// The access regime word `r` (whose context on `c` is `ctx`) makes, warnings not yet
  /// reported: `s1` under stage 2 stops at the IPA (`outputIsIPA`).
  func regimeAccess(
    _ r: AccessRegime, _ ctx: AccessContext, cpu c: CPU, va: UInt64, access: AccessType,
    trace: Bool, useTLB: Bool
  ) -> AccessResult {
    if outputIsIPA(r, ctx) {
      return machine.stage1Access(
        cpu: c, address: va, access: access, trace: trace, useTLB: useTLB)
    }
    return machine.access(
      cpu: c, context: ctx, address: va, access: access, trace: trace, useTLB: useTLB)
  }

  /// Whether an `r` walk in context `ctx` outputs an IPA: `s1` while stage 2 is enabled.
  func outputIsIPA(_ r: AccessRegime, _ ctx: AccessContext) -> Bool {
    r == .s1 && ctx.stage2
  }

  /// What an access would get, changing nothing (`assert tlb`). `s1` under stage 2 uses no
  /// TLB, so it probes as `el1` would fill: the combined entry.
  func probeAccess(_ r: AccessRegime, va: UInt64, range: SourceRange) -> AccessResult {
    let a = machine.probe(cpu: machine.cpu, context: context(r, cpu: machine.cpu), address: va)
    for w in a.warnings { warnModel(w, at: range) }
    return a
  }

  /// A translation through a misprogrammed Contiguous group warns (architecture.md §3.6).
  /// Only a translation with the bit costs more than a test.
  @inline(__always)
  func warnContiguous(_ a: AccessResult, context: AccessContext?, at range: SourceRange) {
    guard let t = a.outcome.translation,
      t.contiguous || (t.stage2Descriptor ?? 0) & (1 << 52) != 0
    else { return }
    for w in machine.contiguousWarnings(a, cpu: machine.cpu, context: context) {
      warnModel(w, at: range)
    }
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

  /// `walk`. The common case (no observer, no symbols, no warning, no Contiguous bit, no
  /// fault) makes the access and emits the event, nothing else: the result goes straight into
  /// the event, and whatever else a walk may report is `finishWalk`'s, out of line. Inline,
  /// so that a loop of walks (`LoopBody`) runs it without a call.
  @inline(__always)
  func executeWalk(_ p: WalkPlan) throws {
    let r = try p.fixedRegime ?? regime(p.regime)
    let va = try integer(p.va)
    // The CPU is looked up once. `currentCPU` always names a CPU (CPUs are only ever added),
    // so `c.index` is it, read without the exclusivity check another module's property costs.
    let c = machine.cpu
    let ctx = context(r, cpu: c)
    let ipa = outputIsIPA(r, ctx)
    if translationObserver != nil {
      observe(.walk, context: ctx, stage1Only: ipa, access: p.access, va: va, range: p.range)
    }
    var event = WalkEvent(
      target: .regime(r), regime: ctx.regime, cpu: c.index,
      result: regimeAccess(
        r, ctx, cpu: c, va: va, access: p.access, trace: p.trace, useTLB: !p.noTLB),
      trace: p.trace, range: p.range, outputIsIPA: ipa)
    if symbolTable != nil || mayReportMore(event.result) {
      finishWalk(&event, va: va, context: ctx, cpu: c)
    }
    // Not `consume event`: consuming the `var` made one more copy of it (226 bytes).
    sink.emit(.walk(event))
  }

  /// Whether an access may have more to report than its result: a fault (its cause), a
  /// Contiguous bit on a leaf (architecture.md §3.6), missing-barrier warnings. (Testing
  /// `machine.options.strictBarriers` first cost more than the warnings it skips: read from
  /// this module, the property takes a dynamic exclusivity check, ~60 instructions.)
  @inline(__always)
  func mayReportMore(_ a: AccessResult) -> Bool {
    switch a.outcome {
    case .faulted: return true
    case .translated(let t):
      if t.contiguous || (t.stage2Descriptor ?? 0) & (1 << 52) != 0 { return true }
    }
    return !a.warnings.isEmpty
  }

  /// The rest of a walk's report, before its event: missing-barrier warnings (strict
  /// barriers) and Contiguous warnings come before the walk they concern; the fault's cause
  /// (PSTATE.PAN) and the symbol go into the event.
  @inline(never)
  func finishWalk(_ event: inout WalkEvent, va: UInt64, context ctx: AccessContext, cpu c: CPU) {
    for w in event.result.warnings { warnModel(w, at: event.range) }
    warnContiguous(event.result, context: ctx, at: event.range)
    if event.result.outcome.fault != nil {
      event.cause = machine.faultCause(event.result, cpu: c, context: ctx)
    }
    if symbolTable != nil { event.symbol = symbol(at: va) }
  }

  func executeAT(_ s: ATStmt) throws {
    let va = try integer(s.va)
    let op = s.operation
    if machine.cpu.registers.features.pan < op.requiredPANLevel {
      throw Diagnostic.error(
        "at \(op.rawValue) needs FEAT_PAN2, which this CPU lacks", at: s.range,
        hint: "`set feature pan 2` (or on) first")
    }
    if op.el2 || op.bothStages, machine.cpu.el < 2 {
      throw Diagnostic.error(
        "at \(op.rawValue) is only available at EL2 (the CPU is at EL\(machine.cpu.el))",
        at: s.range,
        hint: "`set el 2` first")
    }
    if translationObserver != nil {
      observe(
        .at(op), context: machine.context(for: op, cpu: machine.cpu), access: op.access, va: va,
        range: s.range)
    }
    let (result, access) = machine.addressTranslate(op, va: va, cpu: machine.cpu)
    for w in access.warnings { warnModel(w, at: s.range) }
    let ctx = machine.context(for: op, cpu: machine.cpu)
    warnContiguous(access, context: ctx, at: s.range)
    let cause = machine.faultCause(access, cpu: machine.cpu, context: ctx)
    sink.emit(
      .at(
        ATEvent(
          operation: op, va: va, result: result, access: access, range: s.range, cause: cause)))
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
    warnContiguous(result, context: nil, at: s.range)
    sink.emit(
      .walk(
        WalkEvent(
          target: .space(name: sp.name), regime: sp.regime, cpu: machine.currentCPU, result: result,
          trace: true,
          range: s.range, outputIsIPA: sp.via != nil)))
  }
}
