/// The hot part of a leaf TLB entry: what a lookup compares and an address-only hit needs,
/// in 32 bytes, so that a slot never straddles two of the host's cache lines and 262,144
/// entries (a table of 524,288 slots) take 16 MiB. The rest of the entry is in the store's
/// parallel arrays (`TLBLeafStore`).
struct TLBLeafSlot {
  enum State: UInt64 {
    case empty = 0
    case full = 1
    case removed = 2
  }

  /// The entry's input address, aligned to its size.
  var base: UInt64
  /// The packed tags (`TLBLeafStore.tag`) in [27:0], the ASID in [55:40], the state in
  /// [57:56], the twin flag in [58], and bit 63 set when the entry has an ASID (not global).
  private(set) var key: UInt64
  /// Where `base` goes: the output address of the entry's first byte.
  var output: UInt64
  /// The store's epoch at which the entry was last found current (registers as at the fill,
  /// every descriptor of its path unchanged); 0: not since the fill.
  var checked: UInt32
  /// What hits have found of the entry's rights.
  var rights: TLBRights

  static let tagMask: UInt64 = 0xfff_ffff
  private static let asidShift: UInt64 = 40
  private static let stateShift: UInt64 = 56
  private static let stateMask: UInt64 = 3 << 56
  private static let twinBit: UInt64 = 1 << 58
  private static let hasASID: UInt64 = 1 << 63

  init(_ e: TLBEntry, checked: UInt32, twin: Bool) {
    base = e.inputBase
    key =
      TLBLeafStore.tag(e) | State.full.rawValue << Self.stateShift
      | (twin ? Self.twinBit : 0)
      | (e.asid.map { ($0 & 0xffff) << Self.asidShift | Self.hasASID } ?? 0)
    output = e.translation.pa & ~lowMask(e.sizeBits)
    self.checked = checked
    rights = TLBRights(e.translation)
  }

  /// An empty slot (all zero).
  init() {
    base = 0
    key = 0
    output = 0
    checked = 0
    rights = TLBRights()
  }

  @inline(__always)
  var state: State {
    get { State(rawValue: (key & Self.stateMask) >> Self.stateShift) ?? .empty }
    set { key = key & ~Self.stateMask | newValue.rawValue << Self.stateShift }
  }

  @inline(__always)
  var isFull: Bool { key & Self.stateMask == State.full.rawValue << Self.stateShift }

  /// Another entry has (or had) the same tags and base, under another ASID: a lookup that
  /// matches this one must look on for it. Without one, the first match ends the lookup.
  @inline(__always)
  var twin: Bool {
    get { key & Self.twinBit != 0 }
    set { key = newValue ? key | Self.twinBit : key & ~Self.twinBit }
  }

  @inline(__always)
  var tag: UInt64 { key & Self.tagMask }

  /// log2 of the bytes the entry covers.
  @inline(__always)
  var sizeBits: Int { Int(truncatingIfNeeded: (key >> 4) & 127) }

  /// A full slot with these tags and base, global or of `asid`.
  @inline(__always)
  func matches(tag t: UInt64, base b: UInt64, asid: UInt64) -> Bool {
    base == b && key & (Self.tagMask | Self.stateMask) == t | State.full.rawValue << Self.stateShift
      && (key & Self.hasASID == 0 || (key >> Self.asidShift) & 0xffff == asid)
  }

  /// A full slot with exactly these tags, base and ASID (nil: global).
  @inline(__always)
  func hasKey(tag t: UInt64, base b: UInt64, asid: UInt64?) -> Bool {
    guard base == b && isFull && tag == t else { return false }
    guard let asid else { return key & Self.hasASID == 0 }
    return key & Self.hasASID != 0 && (key >> Self.asidShift) & 0xffff == asid & 0xffff
  }
}
