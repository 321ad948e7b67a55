/// A successful translation: where the address goes and with what rights and attributes.
///
/// Every access builds one and every TLB entry holds one, so it is kept to 49 bytes of plain
/// data (copied with a few moves, no reference counting): levels and sizes are bytes, and
/// each optional is a value plus a flag bit, its value 0 when absent so that == compares
/// the values only.
public struct Translation: Sendable, Equatable {
  public var inputAddress: UInt64
  public var pa: UInt64
  public var descriptor: UInt64
  private var ipaValue: UInt64
  private var stage2DescriptorValue: UInt64
  private var levelValue: Int8
  private var blockBitsValue: UInt8
  private var stage2LevelValue: Int8
  private var stage2BlockBitsValue: UInt8
  private var stage1PermissionsValue: Permissions
  private var stage2PermissionsValue: Permissions
  public var attributes: MemoryAttributes
  private var flags: UInt8

  private static let hasIPA: UInt8 = 1
  private static let hasStage2Leaf: UInt8 = 2
  private static let hasStage1Permissions: UInt8 = 4
  private static let hasStage2Permissions: UInt8 = 8
  private static let isGlobal: UInt8 = 16
  private static let isContiguous: UInt8 = 32

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
    levelValue = Int8(truncatingIfNeeded: level)
    blockBitsValue = UInt8(truncatingIfNeeded: blockBits)
    stage2LevelValue = Int8(truncatingIfNeeded: stage2Level ?? 0)
    stage2BlockBitsValue = UInt8(truncatingIfNeeded: stage2BlockBits ?? 0)
    stage1PermissionsValue = stage1Permissions ?? Permissions()
    stage2PermissionsValue = stage2Permissions ?? Permissions()
    self.attributes = attributes
    var f: UInt8 = 0
    if ipa != nil { f |= Self.hasIPA }
    // The three stage-2 leaf fields are set together by a two-stage walk; one flag each
    // would only let them disagree.
    if stage2Level != nil || stage2BlockBits != nil || stage2Descriptor != nil {
      f |= Self.hasStage2Leaf
    }
    if stage1Permissions != nil { f |= Self.hasStage1Permissions }
    if stage2Permissions != nil { f |= Self.hasStage2Permissions }
    if global { f |= Self.isGlobal }
    if contiguous { f |= Self.isContiguous }
    flags = f
  }

  @inline(always)
  private func has(_ f: UInt8) -> Bool { flags & f != 0 }
  @inline(always)
  private mutating func set(_ f: UInt8, _ on: Bool) { flags = on ? flags | f : flags & ~f }

  /// The intermediate physical address, for a two-stage translation.
  public var ipa: UInt64? {
    get { has(Self.hasIPA) ? ipaValue : nil }
    set {
      set(Self.hasIPA, newValue != nil)
      ipaValue = newValue ?? 0
    }
  }
  /// Leaf level and mapping size (log2) of the first stage walked.
  public var level: Int {
    get { Int(levelValue) }
    set { levelValue = Int8(truncatingIfNeeded: newValue) }
  }
  public var blockBits: Int {
    get { Int(blockBitsValue) }
    set { blockBitsValue = UInt8(truncatingIfNeeded: newValue) }
  }
  /// The final stage-2 lookup of a two-stage translation.
  public var stage2Level: Int? {
    get { has(Self.hasStage2Leaf) ? Int(stage2LevelValue) : nil }
    set {
      setStage2Leaf(newValue != nil)
      stage2LevelValue = Int8(truncatingIfNeeded: newValue ?? 0)
    }
  }
  public var stage2BlockBits: Int? {
    get { has(Self.hasStage2Leaf) ? Int(stage2BlockBitsValue) : nil }
    set {
      setStage2Leaf(newValue != nil)
      stage2BlockBitsValue = UInt8(truncatingIfNeeded: newValue ?? 0)
    }
  }
  public var stage2Descriptor: UInt64? {
    get { has(Self.hasStage2Leaf) ? stage2DescriptorValue : nil }
    set {
      setStage2Leaf(newValue != nil)
      stage2DescriptorValue = newValue ?? 0
    }
  }
  /// Setting one stage-2 leaf field sets all three (the others 0 until set); clearing one
  /// clears all three.
  private mutating func setStage2Leaf(_ on: Bool) {
    if !on {
      stage2LevelValue = 0
      stage2BlockBitsValue = 0
      stage2DescriptorValue = 0
    }
    set(Self.hasStage2Leaf, on)
  }
  /// Stage-1 rights (nil for a stage-2-only walk) and stage-2 rights (nil without stage 2).
  public var stage1Permissions: Permissions? {
    get { has(Self.hasStage1Permissions) ? stage1PermissionsValue : nil }
    set {
      set(Self.hasStage1Permissions, newValue != nil)
      stage1PermissionsValue = newValue ?? Permissions()
    }
  }
  public var stage2Permissions: Permissions? {
    get { has(Self.hasStage2Permissions) ? stage2PermissionsValue : nil }
    set {
      set(Self.hasStage2Permissions, newValue != nil)
      stage2PermissionsValue = newValue ?? Permissions()
    }
  }
  /// nG clear: the entry matches every ASID.
  public var global: Bool {
    get { has(Self.isGlobal) }
    set { set(Self.isGlobal, newValue) }
  }
  public var contiguous: Bool {
    get { has(Self.isContiguous) }
    set { set(Self.isContiguous, newValue) }
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
