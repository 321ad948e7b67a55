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
