/// The implementation's features, read from the ID registers (architecture.md §2.10). The walker
/// consults these so that `set feature` changes behaviour exactly where hardware would differ.
public struct Features: Sendable, Equatable {
  public var mmfr0: UInt64
  public var mmfr1: UInt64
  public var mmfr2: UInt64

  public init(mmfr0: UInt64, mmfr1: UInt64, mmfr2: UInt64) {
    self.mmfr0 = mmfr0
    self.mmfr1 = mmfr1
    self.mmfr2 = mmfr2
  }

  /// PAMax in bits from ID_AA64MMFR0_EL1.PARange (reserved values read as 52).
  public var paMax: Int { PhysicalAddressSize.bits(encoding: bitField(mmfr0, 3, 0)) }
  /// FEAT_LPA2 for 4K: TGran4 == 1; for 16K: TGran16 == 2.
  public var lpa2For4K: Bool { bitField(mmfr0, 31, 28) == 1 }
  public var lpa2For16K: Bool { bitField(mmfr0, 23, 20) == 2 }
  public func lpa2(_ g: Granule) -> Bool {
    switch g {
    case .k4: lpa2For4K
    case .k16: lpa2For16K
    case .k64: false
    }
  }
  /// Whether a granule is implemented at stage 1 (TGran4/64: 0xF = no; TGran16: 0 = no).
  public func implements(_ g: Granule) -> Bool {
    switch g {
    case .k4: bitField(mmfr0, 31, 28) != 0xf
    case .k16: bitField(mmfr0, 23, 20) != 0
    case .k64: bitField(mmfr0, 27, 24) != 0xf
    }
  }
  /// FEAT_LVA: 52-bit VAs with 64K pages.
  public var lva: Bool { bitField(mmfr2, 19, 16) == 1 }
  /// FEAT_TTST: small translation tables (TxSZ up to 48, 47 for 64K).
  public var ttst: Bool { bitField(mmfr2, 31, 28) == 1 }
  public var hafdbs: Int { Int(bitField(mmfr1, 3, 0)) }
  public var xnx: Bool { bitField(mmfr1, 31, 28) == 1 }
  public var vmid16: Bool { bitField(mmfr1, 7, 4) == 2 }
  public var asid16: Bool { bitField(mmfr0, 7, 4) == 2 }
  public var hpds: Bool { bitField(mmfr1, 15, 12) >= 1 }
  public var pan: Int { Int(bitField(mmfr1, 23, 20)) }
  public var vhe: Bool { bitField(mmfr1, 11, 8) == 1 }
  public var bbm: Int { Int(bitField(mmfr2, 55, 52)) }
  public var e0pd: Bool { bitField(mmfr2, 63, 60) == 1 }
}
