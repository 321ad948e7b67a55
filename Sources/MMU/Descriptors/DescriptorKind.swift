/// What a descriptor is at its level (architecture.md §3.1).
public enum DescriptorKind: String, Sendable, CustomStringConvertible {
  /// bit 0 clear: every other bit is ignored.
  case invalid
  /// bits[1:0] = 0b11 above level 3.
  case table
  /// bits[1:0] = 0b01 at a level that allows blocks.
  case block
  /// bits[1:0] = 0b11 at level 3.
  case page
  /// bits[1:0] = 0b01 where no block is allowed (level 3, or a level without blocks):
  /// treated as invalid (Translation fault).
  case reserved
  public var description: String { rawValue }
  public var isLeaf: Bool { self == .block || self == .page }
}
