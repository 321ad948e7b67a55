extension Machine {
  /// The context an AT operation translates in, on CPU `c`.
  public func context(for op: ATOperation, cpu c: CPU) -> AccessContext {
    let r = c.registers
    if op.el2 { return AccessContext(regime: r.e2h ? .el20 : .el2) }
    let pan = op.honoursPAN && c.pan
    // S1E0*/S1E1* at EL2 with E2H and TGE target EL2&0 (QEMU); otherwise EL1&0.
    if c.el == 2 && r.e2h && r.tge && !op.bothStages {
      return AccessContext(regime: .el20, unprivileged: op.unprivileged, pan: pan)
    }
    return AccessContext(
      regime: .el10, unprivileged: op.unprivileged, stage2: r.stage2Enabled, pan: pan)
  }

  /// Executes AT `op` for `va` on CPU `c`: consults and fills the TLB as an access would,
  /// computes PAR_EL1 bit-exactly, and writes it.
  public func addressTranslate(_ op: ATOperation, va: UInt64, cpu c: CPU, trace: Bool = false)
    -> (result: ATResult, access: AccessResult)
  {
    var ctx = context(for: op, cpu: c)
    let s2 = ctx.stage2
    // S1E* operations return the IPA: stage 2 applies to the table walk only.
    let a: AccessResult
    if s2 && !op.bothStages {
      a = stage1OnlyAccess(cpu: c, context: ctx, va: va, access: op.access, trace: trace)
    } else {
      if op.bothStages && !s2 { ctx.stage2 = false }
      a = access(cpu: c, context: ctx, address: va, access: op.access, trace: trace)
    }
    switch a.outcome {
    case .faulted(let f):
      if f.s1ptw && f.stage == 2 && c.el == 1 && !op.bothStages {
        return (.exceptionToEL2(f), a)
      }
      let par = Self.parForFault(f)
      c.registers[.par_el1] = par
      return (.par(par), a)
    case .translated(let t):
      let par = Self.parForTranslation(t, stage1Only: s2 && !op.bothStages)
      c.registers[.par_el1] = par
      return (.par(par), a)
    }
  }

  /// A stage-1 walk whose table fetches go through stage 2 but whose output stays an IPA.
  /// With stage 1 disabled (SCTLR_EL1.M=0, HCR_EL2.DC or TGE) nothing is walked at all: the
  /// IPA is AArch64.S1DisabledOutput's, and stage 2 is not consulted.
  func stage1OnlyAccess(
    cpu c: CPU, context: AccessContext, va: UInt64, access: AccessType, trace: Bool
  )
    -> AccessResult
  {
    var w = Walker(memory: memory, registers: c.registers, trace: trace)
    var steps: [WalkStep] = []
    let outcome: WalkOutcome
    let leaf: Result<StageLeaf, Fault>
    if !c.registers.stage1Enabled(context.regime) {
      leaf = Walker.stage1DisabledLeaf(c.registers, regime: context.regime, va: va, access: access)
    } else {
      leaf = TranslationSetup.stage1(
        c.registers, regime: context.regime, va: va, access: access,
        unprivileged: context.unprivileged, pan: context.pan
      ).flatMap { setup in
        w.walkTables(
          setup, input: va, access: access, unprivileged: context.unprivileged, nested: true,
          s1ptw: false, steps: &steps)
      }
    }
    switch leaf {
    case .failure(let f): outcome = .faulted(f)
    case .success(let leaf):
      outcome = .translated(Walker.translation(from: leaf, input: va, regime: context.regime))
    }
    let walk = WalkResult(
      inputAddress: va, access: access, outcome: outcome, steps: steps, accesses: w.accesses)
    return AccessResult(tlb: .notUsed, walk: walk, outcome: outcome)
  }

  /// PAR_EL1 for a fault: F=1, FST [6:1], PTW [8], S [9], RES1 bit 11.
  public static func parForFault(_ f: Fault) -> UInt64 {
    var par: UInt64 = 1 | (f.statusCode << 1) | bit(11)
    if f.s1ptw { par |= bit(8) }
    if f.stage == 2 { par |= bit(9) }
    return par
  }

  /// PAR_EL1 for a translation: SH [8:7] (Device and Normal NC report outer), NS [9] (set:
  /// the model runs in Non-secure state), RES1 bit 11, PA [51:12], ATTR [63:56].
  public static func parForTranslation(_ t: Translation, stage1Only: Bool) -> UInt64 {
    let out = stage1Only ? (t.ipa ?? t.pa) : t.pa
    var par: UInt64 = bit(11) | bit(9)
    par |= t.attributes.reportedShareability.rawValue << 7
    par |= out & bitMask(51, 12)
    par |= UInt64(t.attributes.mair) << 56
    return par
  }
}
