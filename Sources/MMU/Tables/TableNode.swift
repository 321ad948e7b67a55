/// One translation table found by a scan, with the leaves it holds coalesced into runs.
public struct TableNode: Sendable, Equatable {
  public var level: Int
  /// The table's address in the tables' address space (an IPA for a `via` space).
  public var address: UInt64
  /// Where it lives in physical memory.
  public var pa: UInt64
  /// The input addresses the table covers (the whole region, not only what is mapped).
  public var first: UInt64
  public var last: UInt64
  /// Position of the parent in `TableScan.tables` and the parent's entry index pointing
  /// here; nil for the start table.
  public var parent: Int?
  public var parentIndex: Int?
  /// The parent's table descriptor (nil for the start table).
  public var descriptor: UInt64?
  /// Valid entries: tables, blocks and pages.
  public var validEntries: Int
  /// Positions of the child tables in `TableScan.tables`, in address order.
  public var children: [Int]
  /// The leaves of this table, coalesced within it.
  public var runs: [LeafRun]
  /// Entries holding a block encoding where the level allows none (treated as invalid).
  public var reservedEntries: Int
}
