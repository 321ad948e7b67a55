/// The hierarchical attributes of the table descriptors on a walk's path (architecture.md §3.5):
/// bits [63:59] of each stage-1 table descriptor, ORed level by level as the walk descends
/// (AArch64.S1Walk accumulates them the same way). Stage 2 has none.
public struct TableAttributes: Sendable, Equatable, Hashable {
  /// Bit 0 PXNTable, 1 UXNTable/XNTable, 2 APTable[0], 3 APTable[1], 4 NSTable.
  public private(set) var raw: UInt8

  public init() { raw = 0 }
  /// The attributes of one table descriptor.
  @inline(__always)
  public init(descriptor: UInt64) { raw = UInt8(truncatingIfNeeded: descriptor >> 59) }
  /// From the packed form `raw` gives (bits [63:59] of a descriptor, shifted down).
  public init(raw: UInt64) { self.raw = UInt8(truncatingIfNeeded: raw & 0x1f) }

  /// Adds the table descriptor `descriptor` on the path below the ones already gathered.
  @inline(__always)
  public mutating func add(_ descriptor: UInt64) {
    raw |= UInt8(truncatingIfNeeded: descriptor >> 59)
  }

  /// PXNTable: no privileged execution below.
  public var pxnTable: Bool { raw & 1 != 0 }
  /// UXNTable (two-range regimes) / XNTable (one-range): no (EL0) execution below.
  public var uxnTable: Bool { raw & 2 != 0 }
  /// APTable[0]: no EL0 access below (two-range regimes only).
  public var apTableNoEL0: Bool { raw & 4 != 0 }
  /// APTable[1]: no writes below, at any level.
  public var apTableReadOnly: Bool { raw & 8 != 0 }
  /// APTable as the 2-bit field.
  public var apTable: UInt64 { UInt64(raw >> 2) & 3 }
  /// NSTable.
  public var nsTable: Bool { raw & 16 != 0 }
  /// Any of the permission-limiting attributes (PXN, UXN/XN, APTable) set.
  public var restrictsPermissions: Bool { raw & 0xf != 0 }
}
