/// The TCR fields of one VA range (TTBR0 or TTBR1; the one range of non-VHE EL2), by name,
/// from either TCR layout.
public struct RangeControl: Sendable, Equatable {
  public var tsz: UInt64
  public var tg: UInt64
  /// The granule TG0 or TG1 encodes (their encodings differ).
  public var granule: Granule
  public var epd: Bool
  public var hpd: Bool
  public var tbi: Bool
  public var tbid: Bool
  public var e0pd: Bool
  public var sh: UInt64
  /// IPS (EL1 layout) or PS (EL2 layout).
  public var ps: UInt64
  public var ha: Bool
  public var hd: Bool
  public var ds: Bool

  /// The fields of `tcr` for the range `upper` selects; `el2Layout` is TCR_EL2 with E2H=0.
  public init(tcr: UInt64, upper: Bool, el2Layout: Bool) {
    if el2Layout {
      tsz = bitField(tcr, 5, 0)
      tg = bitField(tcr, 15, 14)
      granule = Granule(tg0: tg)
      epd = false
      hpd = tcr & bit(24) != 0
      tbi = tcr & bit(20) != 0
      tbid = tcr & bit(29) != 0
      e0pd = false
      sh = bitField(tcr, 13, 12)
      ps = bitField(tcr, 18, 16)
      ha = tcr & bit(21) != 0
      hd = tcr & bit(22) != 0
      ds = tcr & bit(32) != 0
      return
    }
    if upper {
      tsz = bitField(tcr, 21, 16)
      tg = bitField(tcr, 31, 30)
      granule = Granule(tg1: tg)
      epd = tcr & bit(23) != 0
      hpd = tcr & bit(42) != 0
      tbi = tcr & bit(38) != 0
      tbid = tcr & bit(52) != 0
      e0pd = tcr & bit(56) != 0
      sh = bitField(tcr, 29, 28)
    } else {
      tsz = bitField(tcr, 5, 0)
      tg = bitField(tcr, 15, 14)
      granule = Granule(tg0: tg)
      epd = tcr & bit(7) != 0
      hpd = tcr & bit(41) != 0
      tbi = tcr & bit(37) != 0
      tbid = tcr & bit(51) != 0
      e0pd = tcr & bit(55) != 0
      sh = bitField(tcr, 13, 12)
    }
    ps = bitField(tcr, 34, 32)
    ha = tcr & bit(39) != 0
    hd = tcr & bit(40) != 0
    ds = tcr & bit(59) != 0
  }

  /// AArch64.AddrTop: the top VA bit that takes part in translation, 55 when TBI applies to
  /// the access (TBID keeps instruction fetches at 63), else 63.
  @inline(__always)
  public func addressTop(_ access: AccessType) -> Int {
    tbi && !(tbid && access == .exec) ? 55 : 63
  }
}
