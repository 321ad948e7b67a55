/// What about a change between two valid descriptors needs break-before-make
/// (architecture.md §11).
public enum BreakBeforeMakeChange: Sendable, Equatable {
  /// Block and table (or page) swapped.
  case size
  case outputAddress
  case nextTableAddress
  case shareability
  case memoryType
  case contiguousBit
  /// nG from 1 to 0.
  case notGlobalCleared
}
