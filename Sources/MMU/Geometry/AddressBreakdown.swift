/// An input address split into the fields a walk uses, with what the fields select.
public struct AddressBreakdown: Sendable, Equatable {
  public var address: UInt64
  public var geometry: Geometry
  public var twoRanges: Bool
  /// Two ranges: VA[55] (TTBR1 when set). Always false for one range.
  public var upper: Bool
  /// Whether bits [63:IA] are what the range requires (all equal to VA[55], or all zero);
  /// when not, a walk faults (Translation, level 0) before reading any descriptor.
  public var inRange: Bool
  /// From bit 63 down to bit 0.
  public var fields: [AddressField]
  /// The start-level index across all concatenated tables, which table that is, and the
  /// index within it (table 0 and the same index when nothing is concatenated).
  public var startIndex: Int
  public var startTable: Int
  public var startTableIndex: Int
}
