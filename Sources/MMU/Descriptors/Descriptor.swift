/// A 64-bit translation table descriptor with every field named (architecture.md §3). The raw value
/// is the truth; the accessors read fields, `with…` methods return modified copies.
public struct Descriptor: Sendable, Equatable, Hashable {
  public var raw: UInt64
  public init(_ raw: UInt64) { self.raw = raw }

  public var valid: Bool { raw & 1 != 0 }
  /// bit 1: table (above level 3) or page (level 3) when set; block when clear.
  public var isTableOrPage: Bool { raw & 2 != 0 }

  public func kind(level: Int, granule: Granule, ds: Bool, paMax: Int) -> DescriptorKind {
    if !valid { return .invalid }
    if isTableOrPage { return level == 3 ? .page : .table }
    return granule.allowsBlock(at: level, ds: ds, paMax: paMax) ? .block : .reserved
  }

  // MARK: Address fields (architecture.md §3.2)

  /// The address field: a next-level table address (level = nil) or a block/page output
  /// address at `level`, before any output-size check. With DS=1 bits[9:8] hold OA[51:50];
  /// with 64K pages and a 52-bit OA bits[15:12] hold OA[51:48].
  public func address(granule: Granule, ds: Bool, outputBits: Int, level: Int? = nil) -> UInt64 {
    var a = raw & (ds ? lowMask(50) : lowMask(48)) & ~lowMask(granule.bits)
    if outputBits > 48 {
      if ds {
        a |= bitField(raw, 9, 8) << 50
      } else if granule == .k64 {
        a |= bitField(raw, 15, 12) << 48
      }
    }
    if let level { a &= ~lowMask(granule.levelShift(level)) }
    return a
  }

  /// Encodes `address` into the address field (inverse of `address`), leaving other bits.
  public func withAddress(_ address: UInt64, granule: Granule, ds: Bool) -> Descriptor {
    var r = raw & ~((ds ? lowMask(50) : lowMask(48)) & ~lowMask(granule.bits))
    if ds {
      r &= ~bitMask(9, 8)
      r |= address & lowMask(50) & ~lowMask(granule.bits)
      r |= bitField(address, 51, 50) << 8
    } else {
      r |= address & lowMask(48) & ~lowMask(granule.bits)
      if granule == .k64 {
        r &= ~bitMask(15, 12)
        r |= bitField(address, 51, 48) << 12
      }
    }
    return Descriptor(r)
  }

  // MARK: Stage-1 leaf attributes (architecture.md §3.3)
  public var attrIndx: Int { Int(bitField(raw, 4, 2)) }
  public var ns: Bool { raw & bit(5) != 0 }
  /// AP[2:1] as a 2-bit value.
  public var ap: UInt64 { bitField(raw, 7, 6) }
  public var sh: UInt64 { bitField(raw, 9, 8) }
  public var af: Bool { raw & bit(10) != 0 }
  public var nG: Bool { raw & bit(11) != 0 }
  public var nT: Bool { raw & bit(16) != 0 }
  public var gp: Bool { raw & bit(50) != 0 }
  public var dbm: Bool { raw & bit(51) != 0 }
  public var contiguous: Bool { raw & bit(52) != 0 }
  public var pxn: Bool { raw & bit(53) != 0 }
  /// UXN in two-range regimes, XN in one-range regimes.
  public var uxn: Bool { raw & bit(54) != 0 }
  public var softwareBits: UInt64 { bitField(raw, 58, 55) }
  public var pbha: UInt64 { bitField(raw, 62, 59) }

  // MARK: Stage-2 leaf attributes (architecture.md §3.4)
  public var memAttr: UInt64 { bitField(raw, 5, 2) }
  public var s2ap: UInt64 { bitField(raw, 7, 6) }
  /// XN[1:0] at bits [54:53].
  public var s2xn: UInt64 { bitField(raw, 54, 53) }
  public var fnxs: Bool { raw & bit(11) != 0 }

  // MARK: Table attributes (architecture.md §3.5)
  public var pxnTable: Bool { raw & bit(59) != 0 }
  /// UXNTable (two-range) / XNTable (one-range).
  public var uxnTable: Bool { raw & bit(60) != 0 }
  public var apTable: UInt64 { bitField(raw, 62, 61) }
  public var nsTable: Bool { raw & bit(63) != 0 }
}
