/// Which translation a leaf TLB entry caches (architecture.md §10.1).
public enum TLBEntryStage: Int, Sendable, Comparable, CustomStringConvertible {
  /// Stage 1 alone: VA to PA (EL2, EL2&0, or EL1&0 without stage 2).
  case stage1
  /// Stage 1 and stage 2 combined: VA to PA of an EL1&0 access with stage 2 enabled.
  case combined
  /// Stage 2 alone: IPA to PA, filled by every stage-2 walk (also those made to fetch a
  /// stage-1 table descriptor).
  case stage2

  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String {
    switch self {
    case .stage1: "stage 1"
    case .combined: "stage 1+2"
    case .stage2: "stage 2"
    }
  }
}

/// One cached final translation, tagged as hardware tags it (architecture.md §10.1): regime, VMID
/// (EL1&0 and stage 2, always, since EL2 is always enabled in the model), ASID for non-global
/// entries,
/// the input address aligned to the size of the block or page that produced it.
///
/// Plain data (80 bytes): the TLB stores entries inline in its hash table, a hit copies one
/// into its result, and neither retains anything. What only a miss or a TLBI needs (the
/// descriptor path, a stage-2 leaf) lives beside it in the store.
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

/// A cached table descriptor (a walk-cache, or intermediate, entry): where the next-level table
/// of the region `inputBase` (size `sizeBits`) is, so a walk can start below the start level.
/// Stage-1 entries are tagged with the regime, the VMID for EL1&0, and the ASID current at
/// fill time in two-range regimes (an IMPLEMENTATION DEFINED choice the architecture allows,
/// architecture.md §10.1); stage-2 entries with the VMID.
public struct WalkCacheEntry: Sendable, Equatable {
  /// The stage-1 regime, or `.stage2` for a stage-2 table descriptor.
  public var regime: Regime
  public var vmid: UInt64?
  public var asid: UInt64?
  /// The stage-1 walk went through stage 2, so `nextTable` is an IPA.
  public var nested: Bool
  /// The level of the table descriptor (start level through 2).
  public var level: Int
  /// The first input address the descriptor covers.
  public var inputBase: UInt64
  public var sizeBits: Int
  public var granule: Granule
  /// The next-level table's address (an IPA when `nested`).
  public var nextTable: UInt64
  /// Where the descriptor was read, and its value.
  public var entryPA: UInt64
  public var descriptor: UInt64
  public var speculative: Bool
  /// Table attributes (descriptor bits [63:59]) ORed along the path through this entry.
  var tableAttributes: TableAttributes
  var path: [UInt64]
  var stamp: UInt64

  public var lastAddress: UInt64 { inputBase | lowMask(sizeBits) }
  public func covers(_ address: UInt64) -> Bool {
    address & ~lowMask(sizeBits) == inputBase
  }
}

/// How a TLB lookup went.
public enum TLBStatus: Sendable, Equatable {
  /// The TLB was not consulted (`notlb`, MMU off, or a software walk).
  case notUsed
  case miss
  case hit
  /// The answer came from cached state that disagrees with what the tables now say: a TLB
  /// entry, or on a miss a walk-cache or stage-2 entry the walk used. `current` is the
  /// tables' answer.
  indirect case stale(current: WalkOutcome)
  /// More than one entry matched: the access takes a TLB conflict abort.
  case conflict(entries: Int)

  public var name: String {
    switch self {
    case .notUsed: "none"
    case .miss: "miss"
    case .hit: "hit"
    case .stale: "stale"
    case .conflict: "conflict"
    }
  }
}
