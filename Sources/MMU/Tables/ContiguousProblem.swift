/// One way a group is not a group. `first` is the first entry (0-based, in the group) with
/// the problem and `count` how many have it.
public enum ContiguousProblem: Sendable, Equatable {
  /// The bit is set at a level where the granule has no group (4K level 0, 16K and 64K
  /// level 1).
  case noGroupAtLevel
  /// Entries that are not a valid leaf at the level (invalid, table, reserved).
  case notLeaf(first: Int, count: Int)
  /// Leaves without the Contiguous bit.
  case bitClear(first: Int, count: Int)
  /// Leaves whose attributes differ from the first entry's.
  case attributesDiffer(first: Int, count: Int)
  /// Leaves whose output address is not the first entry's plus their offset in the group.
  case outputNotContiguous(first: Int, count: Int)
  /// The first entry's output address is not aligned to the group's span.
  case outputMisaligned(output: UInt64, span: UInt64)
}
