/// The translation table walker: the architecture's walk, step by step, reading descriptors
/// from simulated memory (architecture.md §9.2). It is the one place translations are computed;
/// `walk`, `at`,
/// `translate`, the TLB fill and the mapper's look-ups all come here.
public struct Walker {
  public let memory: PhysicalMemory
  public let registers: RegisterFile
  public let trace: Bool
  public private(set) var accesses = 0
  /// When set, stage 2 is this space walked by software rather than VTTBR_EL2/VTCR_EL2.
  public var stage2Space: AddressSpace?
  /// The TLB this walk consults and fills (walk-cache and stage-2 entries), and what the
  /// walk learns about it; nil walks the tables alone, which keeps the path free of any TLB
  /// work.
  var session: WalkSession?
  /// Whether Access-flag and dirty-state updates are written back (architecture.md §4.4). Walks
  /// made only to compare with a TLB entry change nothing.
  var hardwareUpdates = true
  /// The granule of the stage-1 leaf, when there was one.
  var stage1Granule: Granule = .k4
  /// Setups derived for earlier walks under the same registers (the machine's), if any.
  var setupMemo: StageSetupMemo?
  /// The stage-2 setup this walk derived (a nested walk needs one per stage-1 level, under the
  /// same registers): reused for any IPA it admits, as `StageSetupMemo` reuses it.
  var walkStage2Setup: StageSetup?
  /// A walk's total descriptor reads are bounded; a table loop is impossible with levels
  /// counting up, but this keeps any future change honest.
  static let maxLevels = 5

  public init(memory: PhysicalMemory, registers: RegisterFile, trace: Bool = false) {
    self.memory = memory
    self.registers = registers
    self.trace = trace
  }

  /// Translates `va` as an access of `context` would, through stage 1 then stage 2 when
  /// enabled, or through stage 2 alone for `.stage2`.
  public static func walk(
    memory: PhysicalMemory, registers: RegisterFile, context: AccessContext, address: UInt64,
    access: AccessType, trace: Bool = false
  ) -> WalkResult {
    walk(
      memory: memory, registers: registers, context: context, address: address, access: access,
      trace: trace, setupMemo: nil)
  }

  static func walk(
    memory: PhysicalMemory, registers: RegisterFile, context: AccessContext, address: UInt64,
    access: AccessType, trace: Bool, setupMemo: StageSetupMemo?
  ) -> WalkResult {
    var w = Walker(memory: memory, registers: registers, trace: trace)
    w.setupMemo = setupMemo
    var steps: [WalkStep] = []
    let outcome = w.translate(context, address, access, steps: &steps)
    return WalkResult(
      inputAddress: address, access: access, outcome: outcome, steps: steps,
      accesses: w.accesses)
  }

  mutating func translate(
    _ ctx: AccessContext, _ va: UInt64, _ access: AccessType, steps: inout [WalkStep]
  ) -> WalkOutcome {
    if session == nil && !trace && stage2Space == nil {
      return Self.translateDirect(
        memory: memory, registers: registers, setupMemo: setupMemo, ctx, va, access,
        hardwareUpdates: hardwareUpdates, reads: &accesses)
    }
    if ctx.regime == .stage2 {
      switch stage2(
        ipa: va, access: access, unprivileged: ctx.unprivileged, s1ptw: false,
        steps: &steps)
      {
      case .failure(let f): return .faulted(f)
      case .success(let leaf):
        return .translated(Self.translation(from: leaf, input: va, regime: .stage2))
      }
    }

    let s1: StageLeaf
    if registers.stage1Enabled(ctx.regime) {
      let setup: StageSetup
      let prepared =
        setupMemo?.stage1(
          registers, regime: ctx.regime, va: va, access: access, unprivileged: ctx.unprivileged,
          pan: ctx.pan)
        ?? TranslationSetup.stage1(
          registers, regime: ctx.regime, va: va, access: access, unprivileged: ctx.unprivileged,
          pan: ctx.pan)
      switch prepared {
      case .failure(var f):
        f.write = access == .write
        return .faulted(f)
      case .success(let s): setup = s
      }
      switch stage1(setup, va: va, access: access, ctx: ctx, steps: &steps) {
      case .failure(let f): return .faulted(f)
      case .success(let leaf): s1 = leaf
      }
    } else {
      switch Self.stage1DisabledLeaf(registers, regime: ctx.regime, va: va, access: access) {
      case .failure(let f): return .faulted(f)
      case .success(let leaf): s1 = leaf
      }
    }

    var t = Self.stage1Translation(s1, input: va)
    guard ctx.stage2 else { return .translated(t) }

    // Stage 2 of the output IPA, after every stage-1 check passed (architecture.md §8.6).
    switch stage2(
      ipa: s1.output, access: access, unprivileged: ctx.unprivileged, s1ptw: false,
      steps: &steps)
    {
    case .failure(let f): return .faulted(f)
    case .success(let leaf):
      Self.addStage2(&t, s1: s1, s2: leaf, registers: registers, access: access)
      return .translated(t)
    }
  }

  /// The translation of a stage-1 leaf, before any stage 2.
  @inline(always)
  static func stage1Translation(_ s1: StageLeaf, input va: UInt64) -> Translation {
    Translation(
      inputAddress: va, ipa: nil, pa: s1.output, level: s1.level, blockBits: s1.blockBits,
      descriptor: s1.descriptor, stage2Level: nil, stage2BlockBits: nil, stage2Descriptor: nil,
      stage1Permissions: s1.permissions, stage2Permissions: nil,
      attributes: MemoryAttributes(
        mair: UInt8(truncatingIfNeeded: s1.attribute), shareability: s1.shareability),
      global: s1.global, contiguous: s1.contiguous)
  }

  /// Stage 2's leaf for the output IPA of `t`: the PA, the stage-2 rights, and the
  /// combined attributes (architecture.md §7.3, §7.4). HCR_EL2.CD makes stage-2 Normal memory
  /// Non-cacheable for data accesses (AArch64.S2Translate); instruction fetches keep it.
  static func addStage2(
    _ t: inout Translation, s1: StageLeaf, s2 leaf: StageLeaf, registers: RegisterFile,
    access: AccessType
  ) {
    let hcr = registers.hcr
    var memAttr = leaf.attribute
    if hcr.cd && access != .exec {
      memAttr = MemoryAttributes.stage2CacheDisabled(memAttr: memAttr, fwb: hcr.fwb)
    }
    t.ipa = s1.output
    t.pa = leaf.output
    t.stage2Level = leaf.level
    t.stage2BlockBits = leaf.blockBits
    t.stage2Descriptor = leaf.descriptor
    t.stage2Permissions = leaf.permissions
    t.attributes = MemoryAttributes.combine(
      stage1: t.attributes, stage2: memAttr, s2Shareability: leaf.shareability,
      fwb: hcr.fwb, fwbForcesDevice: registers.implementation.fwbForcesStage2Device)
  }

  /// A one-stage translation from a leaf.
  static func translation(from leaf: StageLeaf, input: UInt64, regime: Regime) -> Translation {
    let s2 = regime.isStage2
    return Translation(
      inputAddress: input, ipa: nil, pa: leaf.output, level: leaf.level,
      blockBits: leaf.blockBits, descriptor: leaf.descriptor, stage2Level: nil,
      stage2BlockBits: nil, stage2Descriptor: nil, stage1Permissions: s2 ? nil : leaf.permissions,
      stage2Permissions: s2 ? leaf.permissions : nil,
      attributes: MemoryAttributes(
        mair: s2
          ? MemoryAttributes.stage2MAIR(memAttr: leaf.attribute)
          : UInt8(truncatingIfNeeded: leaf.attribute),
        shareability: leaf.shareability), global: leaf.global, contiguous: leaf.contiguous)
  }

  // MARK: Stage 1

  mutating func stage1(
    _ setup: StageSetup, va: UInt64, access: AccessType, ctx: AccessContext,
    steps: inout [WalkStep]
  ) -> Result<StageLeaf, Fault> {
    let nested = ctx.stage2
    return walkTables(
      setup, input: va, access: access, unprivileged: ctx.unprivileged, nested: nested,
      s1ptw: false, steps: &steps)
  }

  // MARK: Stage 2

  /// Stage 2 of `ipa`. `s1ptw` marks a fetch of a stage-1 descriptor: its faults are
  /// reported with S1PTW=1.
  mutating func stage2(
    ipa: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool, steps: inout [WalkStep]
  ) -> Result<StageLeaf, Fault> {
    if let space = stage2Space {
      guard space.half(of: ipa) != nil else {
        return .failure(Fault(.translation, level: 0, stage: 2, s1ptw: s1ptw, ipa: ipa))
      }
      return walkTables(
        space.softwareSetup(), input: ipa, access: access, unprivileged: unprivileged,
        nested: false, s1ptw: s1ptw, steps: &steps)
    }
    if let session,
      let cached = cachedStage2(
        session, ipa: ipa, access: access, unprivileged: unprivileged, s1ptw: s1ptw)
    {
      return cached
    }
    let prepared: Result<StageSetup, Fault>
    if let s = walkStage2Setup, ipa >> UInt64(s.geometry.inputBits) == 0 {
      prepared = .success(s)
    } else {
      prepared =
        setupMemo?.stage2(registers, ipa: ipa, access: access)
        ?? TranslationSetup.stage2(registers, ipa: ipa, access: access)
      if case .success(let s) = prepared { walkStage2Setup = s }
    }
    switch prepared {
    case .failure(var f):
      f.s1ptw = s1ptw
      return .failure(f)
    case .success(let setup):
      let start = session?.path.count ?? 0
      let result = walkTables(
        setup, input: ipa, access: access, unprivileged: unprivileged, nested: false,
        s1ptw: s1ptw, steps: &steps)
      if let session, case .success(let leaf) = result {
        fillStage2(session, ipa: ipa, leaf: leaf, granule: setup.geometry.granule, from: start)
      }
      return result
    }
  }

  // MARK: The table walk of one stage

  /// One stage's walk from `setup`: with nothing to record the direct walk, else the level
  /// loop observed by a `WalkRecorder` (the trace, the TLB session, a software stage 2).
  mutating func walkTables(
    _ setup: StageSetup, input: UInt64, access: AccessType, unprivileged: Bool, nested: Bool,
    s1ptw: Bool, steps: inout [WalkStep], checkPermissions: Bool = true
  ) -> Result<StageLeaf, Fault> {
    if !nested && !trace && session == nil {
      return walkTablesDirect(
        setup, input: input, access: access, unprivileged: unprivileged, s1ptw: s1ptw,
        checkPermissions: checkPermissions)
    }
    let memory = memory
    let registers = registers
    let setupMemo = setupMemo
    let hardwareUpdates = hardwareUpdates
    var reads = 0
    let r = withUnsafeMutablePointer(to: &self) { walker in
      withUnsafeMutablePointer(to: &steps) { steps in
        var recorder = WalkRecorder(walker: walker, steps: steps)
        var unused: StageSetup?
        return Self.walkStage(
          memory: memory, registers: registers, setupMemo: setupMemo, setup, input: input,
          access: access, unprivileged: unprivileged, s1ptw: s1ptw,
          checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates, nested: nested,
          stage2Setup: &unused, observer: &recorder, reads: &reads)
      }
    }
    accesses &+= reads
    return r
  }

  /// The walk of one stage with nothing to record (see `walkStageDirect`).
  mutating func walkTablesDirect(
    _ setup: StageSetup, input: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool,
    checkPermissions: Bool
  ) -> Result<StageLeaf, Fault> {
    var s2: StageSetup?
    let r = Self.walkStageDirect(
      memory: memory, registers: registers, setupMemo: setupMemo, setup, input: input,
      access: access, unprivileged: unprivileged, s1ptw: s1ptw,
      checkPermissions: checkPermissions, hardwareUpdates: hardwareUpdates, nested: false,
      stage2Setup: &s2, reads: &accesses)
    if !setup.regime.isStage2, case .success = r { stage1Granule = setup.geometry.granule }
    return r
  }
}
