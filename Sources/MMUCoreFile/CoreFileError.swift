/// What is wrong with a core file, a VMCOREINFO note or a symbol table, as data: the shell
/// words it (with the file's name) and mmush exits 2.
public enum CoreFileError: Error, Equatable, Sendable {
  /// The file could not be opened, read or mapped: the C library's error number.
  case io(errno: Int32)
  /// A directory, FIFO, device or socket.
  case notRegularFile(kind: String)
  /// Fewer bytes than the structure at `offset` needs.
  case truncated(what: String, offset: UInt64, needed: UInt64, fileSize: UInt64)
  /// No ELF magic; `format` names what it looks like instead when known.
  case notELF(format: String?)
  /// A makedumpfile kdump-compressed (or flattened) file.
  case kdumpCompressed
  /// ELF, but not a 64-bit little-endian AArch64 core.
  case unsupportedELF(String)
  /// A program header with impossible values.
  case badSegment(index: Int, reason: String)
  /// Two PT_LOADs that describe the same physical bytes.
  case overlappingSegments(first: Int, second: Int, address: UInt64)
  /// A note whose sizes run past its segment.
  case badNote(segment: Int, offset: UInt64, reason: String)
  /// The core has no VMCOREINFO note (the registers cannot be derived).
  case noVMCOREINFO
  /// A VMCOREINFO key needed to derive the registers is missing.
  case missingKey(String)
  /// A VMCOREINFO value that cannot be what a kernel wrote.
  case badValue(key: String, value: String, reason: String)
  /// A line of a symbol table that is not `ADDRESS TYPE NAME [MODULE]`.
  case badSymbolLine(line: Int, text: String)
  /// The file is larger than the reader accepts.
  case tooLarge(what: String, limit: UInt64)
}
