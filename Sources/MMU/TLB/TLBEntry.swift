/// One cached final translation, tagged as hardware tags it (architecture.md §10.1): regime, VMID
/// (EL1&0 and stage 2, always, since EL2 is always enabled in the model), ASID for non-global
/// entries, the input address aligned to the size of the block or page that produced it.
///
/// Plain data (80 bytes): the TLB stores entries in an array beside its hash table of hot
/// slots (`TLBLeafSlot`), a hit that reports the translation copies one into its result, and
/// neither retains anything. What only a miss or a TLBI needs (the descriptor path, a stage-2
/// leaf) lives in a third array.
public struct TLBEntry: Sendable, Equatable {
  /// The input address (VA, or IPA for stage-2 entries) aligned to `sizeBits`.
  public var inputBase: UInt64
  /// The filling CPU's register generation.
  var stamp: UInt64
  /// The translation as walked when the entry was filled.
  public var translation: Translation
  public var regime: Regime
  public var stage: TLBEntryStage
  /// The granule of the stage whose leaf level `level` is (for TTL hints).
  public var granule: Granule
  /// Filled by `Machine.speculateTranslations` rather than by an access or `tlb fill`.
  public var speculative: Bool
  private var sizeBitsValue: UInt8
  // VMIDs and ASIDs are 16 bits at most; the flags say whether each is present (the value
  // is 0 when absent, so == compares values).
  private var hasVMID: Bool
  private var hasASID: Bool
  private var vmidValue: UInt16
  private var asidValue: UInt16

  /// log2 of the bytes covered: the leaf size, or for a combined entry the smaller of the two
  /// stages' leaf sizes.
  public var sizeBits: Int {
    get { Int(sizeBitsValue) }
    set { sizeBitsValue = UInt8(truncatingIfNeeded: newValue) }
  }
  /// VTTBR_EL2.VMID at fill time, for EL1&0 and stage-2 entries; nil for EL2 and EL2&0.
  public var vmid: UInt64? {
    get { hasVMID ? UInt64(vmidValue) : nil }
    set {
      hasVMID = newValue != nil
      vmidValue = UInt16(truncatingIfNeeded: newValue ?? 0)
    }
  }
  /// The ASID at fill time for non-global (nG=1) entries of two-range regimes; nil matches
  /// every ASID (a global entry).
  public var asid: UInt64? {
    get { hasASID ? UInt64(asidValue) : nil }
    set {
      hasASID = newValue != nil
      asidValue = UInt16(truncatingIfNeeded: newValue ?? 0)
    }
  }

  init(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, asid: UInt64?, inputBase: UInt64,
    sizeBits: Int, granule: Granule, translation: Translation, speculative: Bool,
    stamp: UInt64
  ) {
    self.inputBase = inputBase
    self.stamp = stamp
    self.translation = translation
    self.regime = regime
    self.stage = stage
    self.granule = granule
    self.speculative = speculative
    sizeBitsValue = UInt8(truncatingIfNeeded: sizeBits)
    hasVMID = vmid != nil
    hasASID = asid != nil
    vmidValue = UInt16(truncatingIfNeeded: vmid ?? 0)
    asidValue = UInt16(truncatingIfNeeded: asid ?? 0)
  }

  /// The leaf level: stage 1's for stage-1 and combined entries, stage 2's for stage-2 ones.
  public var level: Int { translation.level }
  public var global: Bool { asid == nil }
  public var combined: Bool { stage == .combined }
  public var size: UInt64 { sizeBits >= 64 ? .max : 1 << UInt64(sizeBits) }
  /// The last input address the entry covers.
  public var lastAddress: UInt64 { inputBase | lowMask(sizeBits) }

  public func covers(_ address: UInt64) -> Bool {
    address & ~lowMask(sizeBits) == inputBase
  }
}
