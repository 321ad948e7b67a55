/// A run of leaf entries that Linux's ptdump would print as one line: consecutive entries at
/// one level, of one kind, with the same attribute bits under the same table attributes, whose
/// output addresses follow each other. Data only; the views format it.
public struct LeafRun: Sendable, Equatable {
  /// First input address (VA, or IPA for stage 2) and last, inclusive.
  public var first: UInt64
  public var last: UInt64
  public var level: Int
  /// `.block` or `.page`.
  public var kind: DescriptorKind
  /// log2 of the size one entry maps.
  public var entryBits: Int
  /// Entries in the run.
  public var count: Int
  /// The output address of `first` (a PA, or an IPA for stage 1 under stage 2).
  public var output: UInt64
  /// The first entry's descriptor (the others differ only in their address field).
  public var descriptor: UInt64
  /// Bits [63:59] of the table descriptors above, ORed as the walker gathers them: bit 0
  /// PXNTable, 1 UXNTable/XNTable, 2 APTable[0], 3 APTable[1], 4 NSTable.
  public var tableAttributes: UInt64
  /// `tableAttributes` by name.
  public var tableAttributeFlags: TableAttributes { TableAttributes(raw: tableAttributes) }
  /// What the entry grants, table attributes included (unless HPD): stage-1 rights for a
  /// stage-1 space, stage-2 rights (S2AP, XN) for a stage-2 one.
  public var permissions: Permissions
  /// MAIR-format memory type (stage 1: MAIR[AttrIndx]; stage 2: MemAttr converted, FWB=0)
  /// and the shareability (from the descriptor, or TCR/VTCR SH when DS=1).
  public var attributes: MemoryAttributes
  /// nG clear (always true outside two-range regimes).
  public var global: Bool
  public var contiguous: Bool
  public var accessFlag: Bool

  /// Bytes the run maps.
  public var size: UInt64 { last &- first &+ 1 }
  public var entrySize: UInt64 { 1 << UInt64(entryBits) }

  /// The descriptor bits that hold an output or table address for a granule and format.
  public static func addressMask(granule: Granule, ds: Bool) -> UInt64 {
    Descriptor(0).withAddress(lowMask(52), granule: granule, ds: ds).raw
  }

  /// Whether `next` continues this run: adjacent input, same level, kind, attributes and
  /// table attributes, and an output address that follows on.
  public func continues(with next: LeafRun, addressMask: UInt64) -> Bool {
    level == next.level && kind == next.kind && last &+ 1 == next.first
      && descriptor & ~addressMask == next.descriptor & ~addressMask
      && tableAttributes == next.tableAttributes && permissions == next.permissions
      && attributes == next.attributes && output &+ size == next.output
  }

  /// Appends `next` (which must continue this run).
  public mutating func extend(with next: LeafRun) {
    last = next.last
    count += next.count
  }
}
