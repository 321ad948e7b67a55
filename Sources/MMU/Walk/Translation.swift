/// A successful translation: where the address goes and with what rights and attributes.
///
/// Every access builds one and every TLB entry holds one, so it is kept to six words of
/// plain data (copied with a few moves, no reference counting): the small fields share
/// `bits`, and each optional is a value plus a flag bit, its value 0 when absent so that ==
/// compares the values only.
public struct Translation: Sendable, Equatable {
  public var inputAddress: UInt64
  public var pa: UInt64
  public var descriptor: UInt64
  private var ipaValue: UInt64
  private var stage2DescriptorValue: UInt64
  /// Level [7:0] (signed), block bits [15:8], stage-2 level [23:16] (signed), stage-2 block
  /// bits [31:24], stage-1 rights [39:32], stage-2 rights [47:40], MAIR byte [55:48],
  /// shareability [57:56], flags [63:58].
  private var bits: UInt64

  private static let hasIPA: UInt64 = 1 << 58
  private static let hasStage2Leaf: UInt64 = 1 << 59
  private static let hasStage1Permissions: UInt64 = 1 << 60
  private static let hasStage2Permissions: UInt64 = 1 << 61
  private static let isGlobal: UInt64 = 1 << 62
  private static let isContiguous: UInt64 = 1 << 63

  public init(
    inputAddress: UInt64, ipa: UInt64?, pa: UInt64, level: Int, blockBits: Int,
    descriptor: UInt64, stage2Level: Int?, stage2BlockBits: Int?, stage2Descriptor: UInt64?,
    stage1Permissions: Permissions?, stage2Permissions: Permissions?,
    attributes: MemoryAttributes, global: Bool, contiguous: Bool
  ) {
    self.inputAddress = inputAddress
    self.pa = pa
    self.descriptor = descriptor
    ipaValue = ipa ?? 0
    stage2DescriptorValue = stage2Descriptor ?? 0
    var b =
      Self.byte(level, 0) | Self.byte(blockBits, 8) | Self.byte(stage2Level ?? 0, 16)
      | Self.byte(stage2BlockBits ?? 0, 24)
      | UInt64((stage1Permissions ?? Permissions()).raw) << 32
      | UInt64((stage2Permissions ?? Permissions()).raw) << 40
      | UInt64(attributes.mair) << 48 | (attributes.shareability.rawValue & 3) << 56
    if ipa != nil { b |= Self.hasIPA }
    // The three stage-2 leaf fields are set together by a two-stage walk; one flag each
    // would only let them disagree.
    if stage2Level != nil || stage2BlockBits != nil || stage2Descriptor != nil {
      b |= Self.hasStage2Leaf
    }
    if stage1Permissions != nil { b |= Self.hasStage1Permissions }
    if stage2Permissions != nil { b |= Self.hasStage2Permissions }
    if global { b |= Self.isGlobal }
    if contiguous { b |= Self.isContiguous }
    bits = b
  }

  @inline(always)
  private static func byte(_ v: Int, _ shift: UInt64) -> UInt64 {
    UInt64(UInt8(truncatingIfNeeded: v)) << shift
  }
  @inline(always)
  private func signedByte(_ shift: UInt64) -> Int { Int(Int8(truncatingIfNeeded: bits >> shift)) }
  @inline(always)
  private mutating func setByte(_ v: Int, _ shift: UInt64) {
    bits.setPackedField(shift, 0xff, UInt64(UInt8(truncatingIfNeeded: v)))
  }

  /// The leaf's memory attributes (the MAIR byte, or stage 2's combined) and shareability.
  public var attributes: MemoryAttributes {
    get {
      MemoryAttributes(
        mair: UInt8(truncatingIfNeeded: bits >> 48), shareability: .field(bits >> 56 & 3))
    }
    set {
      bits.setPackedField(48, 0xff, UInt64(newValue.mair))
      bits.setPackedField(56, 3, newValue.shareability.rawValue)
    }
  }

  /// The intermediate physical address, for a two-stage translation.
  public var ipa: UInt64? {
    get { bits.hasFlag(Self.hasIPA) ? ipaValue : nil }
    set {
      bits.setFlag(Self.hasIPA, newValue != nil)
      ipaValue = newValue ?? 0
    }
  }
  /// Leaf level and mapping size (log2) of the first stage walked.
  public var level: Int {
    get { signedByte(0) }
    set { setByte(newValue, 0) }
  }
  public var blockBits: Int {
    get { Int(bits >> 8 & 0xff) }
    set { setByte(newValue, 8) }
  }
  /// The final stage-2 lookup of a two-stage translation.
  public var stage2Level: Int? {
    get { bits.hasFlag(Self.hasStage2Leaf) ? signedByte(16) : nil }
    set {
      setStage2Leaf(newValue != nil)
      setByte(newValue ?? 0, 16)
    }
  }
  public var stage2BlockBits: Int? {
    get { bits.hasFlag(Self.hasStage2Leaf) ? Int(bits >> 24 & 0xff) : nil }
    set {
      setStage2Leaf(newValue != nil)
      setByte(newValue ?? 0, 24)
    }
  }
  public var stage2Descriptor: UInt64? {
    get { bits.hasFlag(Self.hasStage2Leaf) ? stage2DescriptorValue : nil }
    set {
      setStage2Leaf(newValue != nil)
      stage2DescriptorValue = newValue ?? 0
    }
  }
  /// Setting one stage-2 leaf field sets all three (the others 0 until set); clearing one
  /// clears all three.
  private mutating func setStage2Leaf(_ on: Bool) {
    if !on {
      setByte(0, 16)
      setByte(0, 24)
      stage2DescriptorValue = 0
    }
    bits.setFlag(Self.hasStage2Leaf, on)
  }
  /// Stage-1 rights (nil for a stage-2-only walk) and stage-2 rights (nil without stage 2).
  public var stage1Permissions: Permissions? {
    get {
      bits.hasFlag(Self.hasStage1Permissions)
        ? Permissions(raw: UInt8(truncatingIfNeeded: bits >> 32)) : nil
    }
    set {
      bits.setFlag(Self.hasStage1Permissions, newValue != nil)
      setByte(Int((newValue ?? Permissions()).raw), 32)
    }
  }
  public var stage2Permissions: Permissions? {
    get {
      bits.hasFlag(Self.hasStage2Permissions)
        ? Permissions(raw: UInt8(truncatingIfNeeded: bits >> 40)) : nil
    }
    set {
      bits.setFlag(Self.hasStage2Permissions, newValue != nil)
      setByte(Int((newValue ?? Permissions()).raw), 40)
    }
  }
  /// nG clear: the entry matches every ASID.
  public var global: Bool {
    get { bits.hasFlag(Self.isGlobal) }
    set { bits.setFlag(Self.isGlobal, newValue) }
  }
  public var contiguous: Bool {
    get { bits.hasFlag(Self.isContiguous) }
    set { bits.setFlag(Self.isContiguous, newValue) }
  }

  /// Either stage's leaf has the Contiguous bit: an access through it may need the group
  /// checked (architecture.md §3.6).
  public var hasContiguousBit: Bool {
    contiguous || Descriptor(stage2Descriptor ?? 0).contiguous
  }

  /// The rights an access has: stage 1 and stage 2 intersected.
  public var permissions: Permissions {
    let s1 = stage1Permissions ?? .all
    return stage2Permissions.map { s1.intersection($0) } ?? s1
  }
  /// Bytes the translation covers around `inputAddress` (the smaller stage's size).
  public var mappingBits: Int { min(blockBits, stage2BlockBits ?? blockBits) }
}
