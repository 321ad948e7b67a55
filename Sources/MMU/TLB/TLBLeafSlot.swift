/// The hot part of a leaf TLB entry: what a lookup compares and an address-only hit needs,
/// in two words. Four slots share one of the host's cache lines, and 262,144 entries (a table
/// of 524,288 slots) take 8 MiB: what a hit costs is the cache line it misses, so the slot is
/// as small as a C TLB's (tag, output) pair. The rest of the entry is in the store's parallel
/// arrays (`TLBLeafStore`).
///
/// The key packs the input range and the entry's context (regime, stage, VMID, ASID or
/// global), which the store numbers (`TLBLeafContexts`); one comparison of a word matches
/// both. The value packs the output address with what hits need to know of the entry.
struct TLBLeafSlot {
  /// [44:0] the input range (`rangeCode`), [63:45] the context number: 0 in an empty slot
  /// (the whole key is then 0), all ones in a removed one.
  var key: UInt64
  /// [51:12] the output address of the range's first byte; [11:0] the kinds of access the
  /// entry allows (`TLBRights`), meaningful once [52] is set; [53] hits take the full path
  /// (a Contiguous bit); [54] twin; [63:55] the store's epoch at which the entry was last found
  /// current (0: not since the fill).
  var value: UInt64

  static let contextShift: UInt64 = 45
  static let rangeMask: UInt64 = 1 << 45 - 1
  /// The context number of a removed slot.
  static let removedContext: UInt64 = 1 << 19 - 1
  static let removedKey: UInt64 = .max
  static let outputMask: UInt64 = 0xf_ffff_ffff_f000
  static let rightsMask: UInt64 = 0xfff
  static let rightsKnown: UInt64 = 1 << 52
  static let fullPathOnly: UInt64 = 1 << 53
  static let twinBit: UInt64 = 1 << 54
  static let epochShift: UInt64 = 55
  /// The largest epoch a slot can record (`TLBLeafStore.epoch` wraps after it).
  static let maxEpoch: UInt32 = 511

  /// The input range of an entry of 2^`sizeBits` bytes at `base` (aligned to its size) in 45
  /// bits: address bits [55:11], with the bit below the aligned part set to give the size.
  /// Bits [63:56] are a copy of bit 55 in every range a walk can give (`encodable`).
  @inline(always)
  static func rangeCode(base: UInt64, sizeBits: Int) -> UInt64 {
    let marker = sizeMarker(sizeBits)
    return rangeCode(address: base, keptBits: keptBits(marker: marker), marker: marker)
  }

  /// The range code of any `address` within the range, from its size's marker bit and the
  /// code bits an address keeps (`keptBits`), worked out once by a lookup that makes many.
  @inline(always)
  static func rangeCode(address: UInt64, keptBits: UInt64, marker: UInt64) -> UInt64 {
    (address &>> 11) & keptBits | marker
  }

  /// The bit that gives a range of 2^`sizeBits` bytes its size in a range code.
  @inline(always)
  static func sizeMarker(_ sizeBits: Int) -> UInt64 {
    1 << UInt64(truncatingIfNeeded: (sizeBits &- 12) & 63)
  }

  /// The range code bits an address of a range keeps: those above its marker.
  @inline(always)
  static func keptBits(marker: UInt64) -> UInt64 { rangeMask & ~(marker &* 2 &- 1) }

  /// The leaf sizes with a range code, 4 KB to 2^55 bytes, as a bit set (bit n: 2^n bytes).
  static let codedSizes: UInt64 = 0xff_ffff_ffff_f000

  /// Whether a size has a range code (`codedSizes`).
  @inline(always)
  static func isCoded(sizeBits: Int) -> Bool {
    sizeBits >= 0 && sizeBits < 64 && codedSizes & 1 << UInt64(sizeBits) != 0
  }

  /// Whether an entry's range has a code: a coded size, at an address whose bits [63:55]
  /// are all equal (a walk gives no other: such an address faults, or has its top byte
  /// replaced under TBI). Every address of such a range has those bits of its base, so a
  /// lookup of any other address matches nothing.
  @inline(always)
  static func encodable(base: UInt64, sizeBits: Int) -> Bool {
    isCoded(sizeBits: sizeBits) && canonical(base)
  }

  @inline(always)
  static func canonical(_ address: UInt64) -> Bool {
    // Bits [63:55] all zero or all one: adding bit 55 leaves [63:56] zero.
    (address &+ 1 << 55) >> 56 == 0
  }

  init(key: UInt64, output: UInt64, fullPathOnly: Bool, twin: Bool, epoch: UInt32) {
    self.key = key
    value =
      output & Self.outputMask | (fullPathOnly ? Self.fullPathOnly : 0)
      | (twin ? Self.twinBit : 0)
      | UInt64(truncatingIfNeeded: epoch & Self.maxEpoch) << Self.epochShift
  }

  /// An empty slot (all zero).
  init() {
    key = 0
    value = 0
  }

  @inline(always)
  var isFull: Bool { key != 0 && key != Self.removedKey }
  @inline(always)
  var isEmpty: Bool { key == 0 }
  @inline(always)
  var isRemoved: Bool { key == Self.removedKey }

  /// log2 of the bytes the entry covers: the marker bit of its range code.
  @inline(always)
  var sizeBits: Int { 12 &+ (key & Self.rangeMask).trailingZeroBitCount }

  @inline(always)
  var output: UInt64 { value & Self.outputMask }

  /// Another entry has (or had) the same range and tags under another ASID (or global): a
  /// lookup that matches this one must look on for it. Without one, the first match ends it.
  @inline(always)
  var twin: Bool {
    get { value & Self.twinBit != 0 }
    set { value = newValue ? value | Self.twinBit : value & ~Self.twinBit }
  }

  /// The epoch recorded by the last check (0: none).
  @inline(always)
  var checked: UInt32 {
    get { UInt32(truncatingIfNeeded: value >> Self.epochShift) }
    set {
      value =
        value & ~(UInt64(Self.maxEpoch) << Self.epochShift)
        | UInt64(truncatingIfNeeded: newValue & Self.maxEpoch) << Self.epochShift
    }
  }

  @inline(always)
  mutating func remove() {
    key = Self.removedKey
    value = 0
  }
}
