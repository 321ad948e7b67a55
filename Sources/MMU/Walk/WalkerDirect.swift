/// The walk with nothing to record: no trace, no TLB session, no software stage 2. It is what
/// `walk notlb`, the comparison walk behind a TLB hit and a TLB-less access run, so it is
/// kept to static functions over plain values: nothing is retained or allocated per walk.
/// Its levels are the one level loop (`Walker.walkStage`) with `UnobservedWalk`; the other
/// decisions are the shared ones: the setups (`TranslationSetup`) and the combination of
/// stages (`Walker.addStage2`).
extension Walker {
  /// Translates `va` as an access of `context` would (stage 1, then stage 2 when enabled, or
  /// stage 2 alone for `.stage2`), adding the descriptor reads made to `reads`.
  static func translateDirect(
    memory: PhysicalMemory, registers: RegisterFile, setupMemo: StageSetupMemo?,
    _ ctx: AccessContext, _ va: UInt64, _ access: AccessType, hardwareUpdates: Bool,
    reads: inout Int
  ) -> WalkOutcome {
    var s2Setup: StageSetup?
    if ctx.regime == .stage2 {
      switch stage2Direct(
        memory: memory, registers: registers, setupMemo: setupMemo, stage2Setup: &s2Setup,
        ipa: va, access: access, unprivileged: ctx.unprivileged, s1ptw: false,
        hardwareUpdates: hardwareUpdates, reads: &reads)
      {
      case .failure(let f): return .faulted(f)
      case .success(let leaf):
        return .translated(translation(from: leaf, input: va, regime: .stage2))
      }
    }
    let s1: StageLeaf
    if registers.stage1Enabled(ctx.regime) {
      let prepared =
        setupMemo?.stage1(
          registers, regime: ctx.regime, va: va, access: access, unprivileged: ctx.unprivileged,
          pan: ctx.pan)
        ?? TranslationSetup.stage1(
          registers, regime: ctx.regime, va: va, access: access, unprivileged: ctx.unprivileged,
          pan: ctx.pan)
      let setup: StageSetup
      switch prepared {
      case .failure(var f):
        f.write = access == .write
        return .faulted(f)
      case .success(let s): setup = s
      }
      switch walkStageDirect(
        memory: memory, registers: registers, setupMemo: setupMemo, setup, input: va,
        access: access, unprivileged: ctx.unprivileged, s1ptw: false, checkPermissions: true,
        hardwareUpdates: hardwareUpdates, nested: ctx.stage2, stage2Setup: &s2Setup,
        reads: &reads)
      {
      case .failure(let f): return .faulted(f)
      case .success(let leaf): s1 = leaf
      }
    } else {
      switch stage1DisabledLeaf(registers, regime: ctx.regime, va: va, access: access) {
      case .failure(let f): return .faulted(f)
      case .success(let leaf): s1 = leaf
      }
    }
    var t = stage1Translation(s1, input: va)
    guard ctx.stage2 else { return .translated(t) }
    // Stage 2 of the output IPA, after every stage-1 check passed (architecture.md §8.6).
    switch stage2Direct(
      memory: memory, registers: registers, setupMemo: setupMemo, stage2Setup: &s2Setup,
      ipa: s1.output, access: access, unprivileged: ctx.unprivileged, s1ptw: false,
      hardwareUpdates: hardwareUpdates, reads: &reads)
    {
    case .failure(let f): return .faulted(f)
    case .success(let leaf):
      addStage2(&t, s1: s1, s2: leaf, registers: registers, access: access)
      return .translated(t)
    }
  }

  /// Stage 2 of `ipa`, its setup reused from `stage2Setup` while the IPA is in its range.
  /// `s1ptw` marks a fetch of a stage-1 descriptor: its faults are reported with S1PTW=1.
  static func stage2Direct(
    memory: PhysicalMemory, registers: RegisterFile, setupMemo: StageSetupMemo?,
    stage2Setup: inout StageSetup?, ipa: UInt64, access: AccessType, unprivileged: Bool,
    s1ptw: Bool, hardwareUpdates: Bool, reads: inout Int
  ) -> Result<StageLeaf, Fault> {
    let setup: StageSetup
    if let s = stage2Setup, ipa >> UInt64(s.geometry.inputBits) == 0 {
      setup = s
    } else {
      let prepared =
        setupMemo?.stage2(registers, ipa: ipa, access: access)
        ?? TranslationSetup.stage2(registers, ipa: ipa, access: access)
      switch prepared {
      case .failure(var f):
        f.s1ptw = s1ptw
        return .failure(f)
      case .success(let s):
        stage2Setup = s
        setup = s
      }
    }
    return walkStageFlat(
      memory: memory, setup, input: ipa, access: access, unprivileged: unprivileged,
      s1ptw: s1ptw, checkPermissions: true, hardwareUpdates: hardwareUpdates, reads: &reads)
  }

  /// The table walk of one stage. With `nested`, every table address is an IPA put through
  /// stage 2 first (architecture.md §6), with `stage2Setup` as `stage2Direct` keeps it.
  ///
  /// Two copies are compiled, one per value of `nested`: the one without (a stage-1 walk
  /// alone, every stage-2 walk) has no stage-2 branch in its loop and a smaller frame, and a
  /// nested walk calls it five times.
  static func walkStageDirect(
    memory: PhysicalMemory, registers: RegisterFile, setupMemo: StageSetupMemo?,
    _ setup: StageSetup, input: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool,
    checkPermissions: Bool, hardwareUpdates: Bool, nested: Bool,
    stage2Setup: inout StageSetup?, reads: inout Int
  ) -> Result<StageLeaf, Fault> {
    if nested {
      return walkStageNested(
        memory: memory, registers: registers, setupMemo: setupMemo, setup, input: input,
        access: access, unprivileged: unprivileged, s1ptw: s1ptw,
        checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates,
        stage2Setup: &stage2Setup, reads: &reads)
    }
    return walkStageFlat(
      memory: memory, setup, input: input, access: access, unprivileged: unprivileged,
      s1ptw: s1ptw, checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates,
      reads: &reads)
  }

  /// The level loop, not nested, observed by nothing.
  @inline(never)
  static func walkStageFlat(
    memory: PhysicalMemory, _ setup: StageSetup, input: UInt64, access: AccessType,
    unprivileged: Bool, s1ptw: Bool, checkPermissions: Bool, hardwareUpdates: Bool,
    reads: inout Int
  ) -> Result<StageLeaf, Fault> {
    var unused: StageSetup?
    var nothing = UnobservedWalk()
    return walkStage(
      memory: memory, registers: nil, setupMemo: nil, setup, input: input, access: access,
      unprivileged: unprivileged, s1ptw: s1ptw, checkPermissions: checkPermissions,
      hardwareUpdates: hardwareUpdates, nested: false, stage2Setup: &unused,
      observer: &nothing, reads: &reads)
  }

  /// The level loop, nested, observed by nothing.
  @inline(never)
  static func walkStageNested(
    memory: PhysicalMemory, registers: RegisterFile, setupMemo: StageSetupMemo?,
    _ setup: StageSetup, input: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool,
    checkPermissions: Bool, hardwareUpdates: Bool, stage2Setup: inout StageSetup?,
    reads: inout Int
  ) -> Result<StageLeaf, Fault> {
    var nothing = UnobservedWalk()
    return walkStage(
      memory: memory, registers: registers, setupMemo: setupMemo, setup, input: input,
      access: access, unprivileged: unprivileged, s1ptw: s1ptw,
      checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates, nested: true,
      stage2Setup: &stage2Setup, observer: &nothing, reads: &reads)
  }
}
