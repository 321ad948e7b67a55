/// A failure of a physical-memory operation that the caller turns into a diagnostic.
public enum MemoryError: Error, Equatable, Sendable {
  /// The address (or the end of the range) lies at or beyond 2^52.
  case outOfRange(address: UInt64)
  /// An access of a size other than 1, 2, 4 or 8 bytes, or not naturally aligned.
  case badAccess(address: UInt64, size: Int)
  /// Allocating another page would pass the memory budget.
  case budgetExceeded(limitPages: Int)
  /// A file could not be opened or mapped.
  case file(path: String, reason: FileReason)

  /// Why a file could not be loaded into memory: data, worded where the other cases are.
  public enum FileReason: Equatable, Sendable {
    /// open, fstat, mmap or pread failed with this errno.
    case system(errno: Int32)
    /// A directory, FIFO or device: only regular files are mapped.
    case notRegularFile
    /// The page at `pa` is already written or backed by another file.
    case alreadyBacked(pa: UInt64)
    /// A segment's bytes, `length` from file `offset`, run past the file's end.
    case pastEnd(offset: UInt64, length: UInt64)
    /// Two segments both cover the page at `pa`.
    case overlappingSegments(pa: UInt64)
    /// The file ended before a segment its headers describe.
    case truncated
  }
}
