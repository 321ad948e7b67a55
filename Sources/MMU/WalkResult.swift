/// One descriptor fetch of a walk: where it was read, what it held, what it meant.
public struct WalkStep: Sendable, Equatable {
  /// 1 or 2.
  public var stage: Int
  public var level: Int
  public var index: Int
  /// The base of the table (an IPA for stage 1 of a two-stage walk).
  public var tableAddress: UInt64
  /// The entry's address in the table's address space (IPA when nested).
  public var entryAddress: UInt64
  /// Where the entry was read in physical memory.
  public var entryPA: UInt64
  public var descriptor: UInt64
  public var kind: DescriptorKind
  /// For stage 1 of a two-stage walk: the stage-2 walk that translated `entryAddress`.
  public var stage2Steps: [WalkStep]
  /// What decoding `descriptor` needs (format, granule, DS, MAIR…), as the walk used it.
  public var decoding: StepDecoding?

  public init(
    stage: Int, level: Int, index: Int, tableAddress: UInt64, entryAddress: UInt64,
    entryPA: UInt64, descriptor: UInt64, kind: DescriptorKind, stage2Steps: [WalkStep] = [],
    decoding: StepDecoding? = nil
  ) {
    self.stage = stage
    self.level = level
    self.index = index
    self.tableAddress = tableAddress
    self.entryAddress = entryAddress
    self.entryPA = entryPA
    self.descriptor = descriptor
    self.kind = kind
    self.stage2Steps = stage2Steps
    self.decoding = decoding
  }
}

/// The controls a walk step's descriptor is read against, so that a view can decode it
/// without the registers: the regime (descriptor format), granule, LPA2 format, output size,
/// the MAIR AttrIndx selects from, and the TCR/VTCR shareability used when DS=1.
public struct StepDecoding: Sendable, Equatable {
  public var regime: Regime
  public var granule: Granule
  public var ds: Bool
  public var outputBits: Int
  public var mair: UInt64
  public var tcrShareability: UInt64
  public var paMax: Int

  public init(
    regime: Regime, granule: Granule, ds: Bool, outputBits: Int, mair: UInt64,
    tcrShareability: UInt64, paMax: Int
  ) {
    self.regime = regime
    self.granule = granule
    self.ds = ds
    self.outputBits = outputBits
    self.mair = mair
    self.tcrShareability = tcrShareability
    self.paMax = paMax
  }

  public init(_ setup: StageSetup) {
    self.init(
      regime: setup.regime, granule: setup.geometry.granule, ds: setup.geometry.ds,
      outputBits: setup.outputBits, mair: setup.mair, tcrShareability: setup.tcrShareability,
      paMax: setup.paMax)
  }

  public var format: DescriptorFormat { DescriptorFormat(regime: regime) }
}

/// A successful translation: where the address goes and with what rights and attributes.
public struct Translation: Sendable, Equatable {
  public var inputAddress: UInt64
  /// The intermediate physical address, for a two-stage translation.
  public var ipa: UInt64?
  public var pa: UInt64
  /// Leaf level and mapping size (log2) of the first stage walked.
  public var level: Int
  public var blockBits: Int
  public var descriptor: UInt64
  /// The final stage-2 lookup of a two-stage translation.
  public var stage2Level: Int?
  public var stage2BlockBits: Int?
  public var stage2Descriptor: UInt64?
  /// Stage-1 rights (nil for a stage-2-only walk) and stage-2 rights (nil without stage 2).
  public var stage1Permissions: Permissions?
  public var stage2Permissions: Permissions?
  public var attributes: MemoryAttributes
  /// nG clear: the entry matches every ASID.
  public var global: Bool
  public var contiguous: Bool

  /// The rights an access has: stage 1 and stage 2 intersected.
  public var permissions: Permissions {
    let s1 = stage1Permissions ?? .all
    return stage2Permissions.map { s1.intersection($0) } ?? s1
  }
  /// Bytes the translation covers around `inputAddress` (the smaller stage's size).
  public var mappingBits: Int { min(blockBits, stage2BlockBits ?? blockBits) }
}

/// Translation or fault.
public enum WalkOutcome: Sendable, Equatable {
  case translated(Translation)
  case faulted(Fault)

  public var translation: Translation? {
    if case .translated(let t) = self { return t }
    return nil
  }
  public var fault: Fault? {
    if case .faulted(let f) = self { return f }
    return nil
  }
}

/// What a walk returns: the outcome, every step when traced, and the memory accesses made.
public struct WalkResult: Sendable, Equatable {
  public var inputAddress: UInt64
  public var access: AccessType
  public var outcome: WalkOutcome
  /// Filled only when a trace was asked for.
  public var steps: [WalkStep]
  /// Descriptor reads, stage-2 reads for nested walks included.
  public var accesses: Int
}

extension AccessResult {
  /// An access result made outside the machine (a software walk, a stage-1-only AT).
  public init(status: TLBStatus, walk: WalkResult) {
    self.init(tlb: status, walk: walk, outcome: walk.outcome)
  }
}
