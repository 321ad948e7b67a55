/// Errors in turning attributes into descriptor bits.
public enum AttributeError: Error, Equatable, Sendable {
  /// MAIR_ELx has no attribute byte for the type.
  case noMAIREntry(MemoryType, mair: UInt64)
  case indexOutOfRange(Int, max: Int)
}
