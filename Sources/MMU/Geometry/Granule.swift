/// A translation granule: the page size, which fixes the stride of every level (architecture.md
/// §2.1).
public enum Granule: Int, Sendable, CaseIterable, CustomStringConvertible {
  case k4 = 12
  case k16 = 14
  case k64 = 16

  /// log2 of the page size.
  public var bits: Int { rawValue }
  public var size: UInt64 { 1 << UInt64(rawValue) }
  /// Bits resolved per level: a table is one granule of 8-byte entries.
  public var stride: Int { rawValue - 3 }
  public var entriesPerTable: Int { 1 << stride }
  public var description: String {
    switch self {
    case .k4: "4K"
    case .k16: "16K"
    case .k64: "64K"
    }
  }

  /// The page size in bytes given as 4096/16384/65536, as scripts write it (`4k`).
  public init?(bytes: UInt64) {
    switch bytes {
    case 4096: self = .k4
    case 16384: self = .k16
    case 65536: self = .k64
    default: return nil
    }
  }

  /// TCR_ELx.TG0 / VTCR_EL2.TG0: 00 4K, 01 64K, 10 16K. A reserved value (11) is treated as
  /// the smallest implemented granule, as QEMU does (IMPLEMENTATION DEFINED).
  public init(tg0: UInt64) {
    switch tg0 & 3 {
    case 1: self = .k64
    case 2: self = .k16
    default: self = .k4
    }
  }
  public var tg0: UInt64 {
    switch self {
    case .k4: 0
    case .k64: 1
    case .k16: 2
    }
  }

  /// TCR_ELx.TG1 uses its own encoding: 01 16K, 10 4K, 11 64K; 00 is reserved (taken as 4K).
  public init(tg1: UInt64) {
    switch tg1 & 3 {
    case 1: self = .k16
    case 3: self = .k64
    default: self = .k4
    }
  }
  public var tg1: UInt64 {
    switch self {
    case .k16: 1
    case .k4: 2
    case .k64: 3
    }
  }

  /// The TLBI range/TTL TG field: 01 4K, 10 16K, 11 64K.
  public var tlbiTG: UInt64 {
    switch self {
    case .k4: 1
    case .k16: 2
    case .k64: 3
    }
  }

  /// log2 of the region one entry at `level` maps: stride*(3-level) + granule bits.
  @inlinable
  public func levelShift(_ level: Int) -> Int { stride * (3 - level) + bits }

  /// Whether a block descriptor is allowed at `level` (AArch64.BlockDescSupported):
  /// 4K: L1, L2, and L0 with DS; 16K: L2, and L1 with DS; 64K: L2, and L1 when the
  /// implemented PA size is 52 bits (FEAT_LPA, an implementation property, not TCR.IPS).
  public func allowsBlock(at level: Int, ds: Bool, paMax: Int) -> Bool {
    switch self {
    case .k4: return level == 1 || level == 2 || (level == 0 && ds)
    case .k16: return level == 2 || (level == 1 && ds)
    case .k64: return level == 2 || (level == 1 && paMax == 52)
    }
  }

  /// Entries in one contiguous group at `level` (the Contiguous hint, architecture.md §3.6); nil
  /// where the hint has no defined size.
  public func contiguousEntries(at level: Int) -> Int? {
    switch (self, level) {
    case (.k4, 1), (.k4, 2), (.k4, 3): 16
    case (.k16, 2): 32
    case (.k16, 3): 128
    case (.k64, 2), (.k64, 3): 32
    default: nil
    }
  }
}
