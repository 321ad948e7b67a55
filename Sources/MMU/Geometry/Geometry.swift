/// The shape of a translation table tree: granule, input size, start level and, for stage 2,
/// how many tables are concatenated at the start level. Derived from registers on every walk
/// (`TranslationSetup`), or given by a space as the shape it was built for.
public struct Geometry: Sendable, Equatable, CustomStringConvertible {
  // One word: every walk's setup carries a geometry, and a copy of separate byte fields cost
  // a load and a store each. Granule log2 size [7:0], DS [8], IA [23:16], start level [31:24]
  // (signed).
  private var raw: UInt32

  public var granule: Granule {
    @inline(__always) get { Granule(rawValue: Int(raw & 0xff)) ?? .k4 }
    set { raw.setPackedField(0, 0xff, UInt32(truncatingIfNeeded: newValue.rawValue)) }
  }
  /// TCR.DS / VTCR.DS: the LPA2 descriptor format (4K/16K only).
  public var ds: Bool {
    @inline(__always) get { raw.hasFlag(0x100) }
    set { raw.setFlag(0x100, newValue) }
  }
  /// IA: the input address size in bits (64 - TxSZ).
  public var inputBits: Int {
    @inline(__always) get { Int(Int8(truncatingIfNeeded: raw >> 16)) }
    set { raw.setPackedField(16, 0xff, UInt32(UInt8(truncatingIfNeeded: newValue))) }
  }
  /// -1...3.
  public var startLevel: Int {
    @inline(__always) get { Int(Int8(truncatingIfNeeded: raw >> 24)) }
    set { raw.setPackedField(24, 0xff, UInt32(UInt8(truncatingIfNeeded: newValue))) }
  }

  public init(granule: Granule, inputBits: Int, startLevel: Int, ds: Bool = false) {
    raw =
      UInt32(truncatingIfNeeded: granule.rawValue) & 0xff | (ds ? 0x100 : 0)
      | UInt32(UInt8(truncatingIfNeeded: inputBits)) << 16
      | UInt32(UInt8(truncatingIfNeeded: startLevel)) << 24
  }

  /// Stage 1 has no start-level field: the start level resolves the top bits of IA.
  /// start = 4 - ceil((IA - granule bits) / stride), i.e. 4 - (IA - 4) / stride (architecture.md
  /// §2.5).
  public static func stage1StartLevel(granule: Granule, inputBits: Int) -> Int {
    4 - (inputBits - 4) / granule.stride
  }

  public static func stage1(granule: Granule, inputBits: Int, ds: Bool = false) -> Geometry {
    Geometry(
      granule: granule, inputBits: inputBits,
      startLevel: stage1StartLevel(granule: granule, inputBits: inputBits), ds: ds)
  }

  /// Number of levels walked: start level through 3.
  public var levels: Int { 4 - startLevel }
  @inline(__always)
  public func levelShift(_ level: Int) -> Int { granule.levelShift(level) }
  /// Bits the start level resolves: IA - shift(start).
  public var startIndexBits: Int { inputBits - levelShift(startLevel) }
  /// Entries the start level holds across all concatenated tables.
  public var startEntries: Int { 1 << max(startIndexBits, 0) }
  /// Tables concatenated at the start level (1 unless the start level resolves more bits
  /// than one table holds, which only stage 2 allows; up to 16).
  public var concatenatedTables: Int { max(1, startEntries >> granule.stride) }
  /// Size in bytes of the start table(s): the alignment TTBR/VTTBR must have.
  public var startTableBytes: UInt64 { UInt64(startEntries) * 8 }

  /// Bits of the input address that index `level`: hi...lo.
  @inline(__always)
  public func indexBits(_ level: Int) -> (hi: Int, lo: Int) {
    let lo = levelShift(level)
    let hi = level == startLevel ? inputBits - 1 : lo + granule.stride - 1
    return (hi, lo)
  }
  /// The index of `address` at `level` (for the start level, across concatenated tables).
  /// Inlined: the walker calls it once per level.
  @inline(__always)
  public func index(_ address: UInt64, level: Int) -> Int {
    let (hi, lo) = indexBits(level)
    return Int(truncatingIfNeeded: bitField(address, hi, lo))
  }
  /// Entries in a table at `level`.
  public func entries(atLevel level: Int) -> Int {
    level == startLevel ? startEntries : granule.entriesPerTable
  }
  /// Size of the region one entry at `level` maps.
  public func blockSize(_ level: Int) -> UInt64 { 1 << UInt64(levelShift(level)) }

  public var description: String {
    var s = "\(granule) granule, \(inputBits)-bit input, \(levels) levels from level \(startLevel)"
    if concatenatedTables > 1 { s += ", \(concatenatedTables) concatenated tables" }
    if ds { s += ", LPA2" }
    return s
  }

  // MARK: Stage 2

  /// The start level VTCR_EL2.{SL0,SL2} encode for a granule (architecture.md §5.2), or nil for a
  /// reserved encoding or one the implementation cannot use (PAMax, TTST, DS). AArch64.S2InvalidSL.
  public static func stage2StartLevel(
    granule: Granule, sl0: UInt64, sl2: Bool, ds: Bool, paMax: Int, ttst: Bool
  ) -> Int? {
    switch granule {
    case .k4:
      if ds && sl2 { return sl0 == 0 ? -1 : nil }
      switch sl0 & 3 {
      case 0: return 2
      case 1: return 1
      case 2: return paMax >= 44 ? 0 : nil
      default: return ttst ? 3 : nil
      }
    case .k16:
      switch sl0 & 3 {
      case 0: return 3
      case 1: return 2
      case 2: return paMax >= 42 ? 1 : nil
      default: return ds ? 0 : nil
      }
    case .k64:
      switch sl0 & 3 {
      case 0: return 3
      case 1: return 2
      case 2: return paMax >= 44 ? 1 : nil
      default: return nil
      }
    }
  }

  /// The IA sizes a stage-2 start level can translate (AArch64.S2InconsistentSL, architecture.md
  /// §5.3): the start level must resolve at least one bit, and at most one table plus 4 bits (16
  /// concatenated tables).
  public static func stage2InputRange(granule: Granule, startLevel: Int) -> ClosedRange<Int> {
    let levelsBelow = 3 - startLevel
    let minIA = levelsBelow * granule.stride + granule.bits + 1
    return minIA...(minIA + granule.stride - 1 + 4)
  }

  /// The SL0 encoding of a start level for a granule (SL2 needed for 4K level -1).
  public static func sl0(granule: Granule, startLevel: Int) -> (sl0: UInt64, sl2: Bool)? {
    switch (granule, startLevel) {
    case (.k4, -1): (0, true)
    case (.k4, 0): (2, false)
    case (.k4, 1): (1, false)
    case (.k4, 2): (0, false)
    case (.k4, 3): (3, false)
    case (_, 0): granule == .k16 ? (3, false) : nil
    case (_, 1): (2, false)
    case (_, 2): (1, false)
    case (_, 3): (0, false)
    default: nil
    }
  }

  /// The stage-2 geometry KVM picks for an IPA size (kvm_get_vtcr, architecture.md §5.5): as many
  /// levels as
  /// `(IPA - 4)` needs with 16-way concatenation, at least 2 levels.
  public static func kvmStage2(granule: Granule, ipaBits: Int, ds: Bool = false) -> Geometry {
    let levels = max((ipaBits - 4 - 4) / granule.stride, 2)
    return Geometry(granule: granule, inputBits: ipaBits, startLevel: 4 - levels, ds: ds)
  }
}
