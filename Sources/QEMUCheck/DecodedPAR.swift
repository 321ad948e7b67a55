import MMU

/// PAR_EL1 (64-bit format) split into the fields the check compares (Arm ARM D23 "PAR_EL1"):
/// on success PA [55:12], ATTR [63:56], SH [8:7], NS [9]; on a fault FST [6:1], PTW [8], S [9].
/// Bit 11 (RES1), bit 10 (NSE) and IMPLEMENTATION DEFINED bits are not compared.
public struct DecodedPAR: Sendable, Equatable {
  public var faulted: Bool
  public var pa: UInt64
  public var attributes: UInt64
  public var shareability: UInt64
  public var nonSecure: Bool
  public var faultStatus: UInt64
  public var s1ptw: Bool
  public var stage2: Bool

  public init(_ par: UInt64) {
    faulted = par & 1 != 0
    if faulted {
      pa = 0
      attributes = 0
      shareability = 0
      nonSecure = false
      faultStatus = (par >> 1) & 0x3F
      s1ptw = par & (1 << 8) != 0
      stage2 = par & (1 << 9) != 0
    } else {
      pa = par & 0x00FF_FFFF_FFFF_F000
      attributes = par >> 56
      shareability = (par >> 7) & 3
      nonSecure = par & (1 << 9) != 0
      faultStatus = 0
      s1ptw = false
      stage2 = false
    }
  }

  /// The fault's kind and level from FST (Arm ARM D23 "PAR_EL1.FST", with FEAT_LPA2's
  /// level -1 and level 0 codes); nil kind for a code the model never produces.
  public var fault: (kind: FaultKind?, level: Int) {
    let fst = faultStatus
    switch fst {
    case 0b101001: return (.addressSize, -1)
    case 0b101011: return (.translation, -1)
    case 0b110000: return (.tlbConflict, 0)
    default: break
    }
    let level = Int(fst & 3)
    switch fst >> 2 {
    case 0b0000: return (.addressSize, level)
    case 0b0001: return (.translation, level)
    case 0b0010: return (.accessFlag, level)
    case 0b0011: return (.permission, level)
    default: return (nil, level)
    }
  }

  /// Whether ATTR is a Device type (ATTR[7:4] = 0000).
  public var isDevice: Bool { attributes & 0xF0 == 0 }
  /// Whether ATTR is Normal Inner and Outer Non-cacheable (0x44).
  public var isNonCacheable: Bool { attributes == 0x44 }
}
