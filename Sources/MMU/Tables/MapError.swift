/// Why a mapping operation refused to run. Nothing was written when one of these is thrown.
public enum MapError: Error, Equatable, Sendable {
  case misaligned(what: String, value: UInt64, granule: UInt64)
  case emptyRange
  case outsideSpace(address: UInt64, inputBits: Int)
  case wrongHalf(address: UInt64, spaceIsUpper: Bool)
  case outputTooLarge(pa: UInt64, outputBits: Int)
  case alreadyMapped(va: UInt64, level: Int, descriptor: UInt64)
  case levelNotAllowed(level: Int, granule: Granule)
  case notAlignedForLevel(level: Int, blockSize: UInt64)
  case poolExhausted(needed: Int, available: Int)
  /// The tables needed would pass the simulated memory budget (`PhysicalMemory.pageBudget`).
  case memoryBudget(neededPages: Int, availablePages: Int)
  /// The table at `table` (a level-`level` table) is reached by two entries: not a tree.
  case notATree(table: UInt64, level: Int)
  case attribute(AttributeError)
  /// `contiguous` on a leaf that cannot be part of a whole group: a level with no group
  /// (`entries` nil), or a group of `entries` leaves of `leafSize` that the range (VA, and PA
  /// at the same offset) does not cover whole and aligned.
  case contiguousGroup(va: UInt64, level: Int, entries: Int?, leafSize: UInt64)
  /// `protect` would leave the group of `entries` level-`level` leaves at `va` misprogrammed
  /// (architecture.md §3.6): it changes only part of it, or sets the bit on entries that are
  /// not a group.
  case contiguousProtect(va: UInt64, level: Int, entries: Int, problems: [ContiguousProblem])
  /// `protect` would split the level-`level` block at `va`, which has the Contiguous bit.
  case contiguousSplit(va: UInt64, level: Int)
  case memory(MemoryError)
  case unmappedTable(address: UInt64)
  case internalError(String)
}
