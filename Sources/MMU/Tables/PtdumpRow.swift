/// One row of Linux arm64's ptdump (arch/arm64/mm/ptdump.c, note_page): a run of entries at
/// one table level whose descriptors agree on the bits the kernel prints. Data only; the
/// shell formats it as `0x%016lx-0x%016lx   %9lu%c LEVEL ATTRS`.
public struct PtdumpRow: Sendable, Hashable {
  /// First input address, and the exclusive end (0 when the run ends at 2^64, as the
  /// kernel prints it).
  public var start: UInt64
  public var end: UInt64
  /// The kernel's name for the level: 0 PGD, 1 P4D, 2 PUD, 3 PMD, 4 PTE.
  public var kernelLevel: Int
  /// The translation table level (-1...3) the entries are at.
  public var level: Int
  /// The descriptor bits under `LinuxPtdump.protMask`; 0 for a hole (no attributes printed).
  public var prot: UInt64

  public init(start: UInt64, end: UInt64, kernelLevel: Int, level: Int, prot: UInt64) {
    self.start = start
    self.end = end
    self.kernelLevel = kernelLevel
    self.level = level
    self.prot = prot
  }

  /// Bytes the row covers (2^64 wraps to 0).
  public var size: UInt64 { end &- start }
}
