/// A failure of a physical-memory operation that the caller turns into a diagnostic.
public enum MemoryError: Error, Equatable, Sendable {
  /// The address (or the end of the range) lies at or beyond 2^52.
  case outOfRange(address: UInt64)
  /// An access of a size other than 1, 2, 4 or 8 bytes, or not naturally aligned.
  case badAccess(address: UInt64, size: Int)
  /// Allocating another page would pass the memory budget.
  case budgetExceeded(limitPages: Int)
  /// A file could not be opened or mapped.
  case file(path: String, reason: String)
}
