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
