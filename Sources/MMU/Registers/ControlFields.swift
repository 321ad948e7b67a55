/// HCR_EL2's translation controls, by name. The walker, the TLB and the interpreter read HCR
/// through this one decoder, so a field's bit position is written down once.
public struct HypervisorControl: Sendable, Equatable {
  public var raw: UInt64
  @inline(__always) public init(_ raw: UInt64) { self.raw = raw }

  /// VM: stage 2 translates EL1&0 accesses.
  @inline(__always) public var vm: Bool { raw & bit(0) != 0 }
  /// PTW: a stage-1 table walk to stage-2 Device memory is a stage-2 Permission fault.
  public var ptw: Bool { raw & bit(2) != 0 }
  /// DC: EL1&0 stage 1 behaves as disabled with Normal WB output, and stage 2 as enabled.
  @inline(__always) public var dc: Bool { raw & bit(12) != 0 }
  /// TGE: EL1&0 stage 1 behaves as disabled; with E2H, EL0 belongs to EL2&0.
  @inline(__always) public var tge: Bool { raw & bit(27) != 0 }
  /// CD: stage-2 Normal memory is Non-cacheable for data accesses and table walks.
  public var cd: Bool { raw & bit(32) != 0 }
  /// E2H: EL2 runs the EL2&0 regime (VHE); TCR_EL2 has the EL1 layout.
  @inline(__always) public var e2h: Bool { raw & bit(34) != 0 }
  /// FWB: stage 2 decides the memory type (FEAT_S2FWB).
  public var fwb: Bool { raw & bit(46) != 0 }
  /// DCT: with DC, the stage-1 output is Tagged (FEAT_MTE2).
  public var dct: Bool { raw & bit(57) != 0 }

  /// E2H and TGE both set: the EL1&0 controls (VM, DC) behave as 0.
  @inline(__always) public var vheHost: Bool { e2h && tge }
  /// Stage 2 applies to EL1&0 (VM, or DC which behaves as if VM were set).
  @inline(__always) public var stage2Enabled: Bool { (vm || dc) && !vheHost }
  /// DC in effect (it behaves as 0 with E2H and TGE set).
  public var defaultCacheable: Bool { dc && !vheHost }
}

/// SCTLR_EL1 / SCTLR_EL2 fields the MMU reads, by name.
public struct SystemControl: Sendable, Equatable {
  public var raw: UInt64
  @inline(__always) public init(_ raw: UInt64) { self.raw = raw }

  /// M: stage 1 enabled.
  @inline(__always) public var m: Bool { raw & bit(0) != 0 }
  /// C: data cacheability.
  public var c: Bool { raw & bit(2) != 0 }
  /// I: instruction cacheability (with M=0, instruction fetches are Normal WT when set).
  public var i: Bool { raw & bit(12) != 0 }
  /// WXN: writable memory is execute-never.
  public var wxn: Bool { raw & bit(19) != 0 }
  /// EPAN: with FEAT_PAN3, PAN also covers EL0-executable memory.
  public var epan: Bool { raw & bit(57) != 0 }
}

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

extension RegisterFile {
  /// The field `name` of `r` in its layout (TCR_EL2: the one `vhe` selects, by default the
  /// one in force). Field names are the layout tables' (`SystemRegister.fields`).
  public func value(_ r: SystemRegister, _ name: String, vhe: Bool? = nil) -> UInt64 {
    guard let f = r.fields(vhe: vhe ?? e2h).first(where: { $0.name == name }) else {
      assertionFailure("\(r) has no field \(name)")
      return 0
    }
    return f.read(self[r])
  }

  /// Writes the field `name` of `r` (see `value`).
  public mutating func set(_ r: SystemRegister, _ name: String, _ v: UInt64, vhe: Bool? = nil) {
    guard let f = r.fields(vhe: vhe ?? e2h).first(where: { $0.name == name }) else {
      assertionFailure("\(r) has no field \(name)")
      return
    }
    self[r] = f.write(self[r], v)
  }

  /// The granule and DS of VTCR_EL2 (stage 2), by name.
  public var stage2Granule: Granule { Granule(tg0: value(.vtcr_el2, "tg0")) }

  /// HCR_EL2 by name.
  public var hcr: HypervisorControl {
    @inline(__always) get { HypervisorControl(self[.hcr_el2]) }
  }

  /// The SCTLR of a stage-1 regime (SCTLR_EL1 for EL1&0, SCTLR_EL2 otherwise).
  @inline(__always)
  public func sctlr(_ regime: Regime) -> SystemControl {
    SystemControl(regime == .el10 ? self[.sctlr_el1] : self[.sctlr_el2])
  }

  /// The TCR of a stage-1 regime, and whether it is in the one-range EL2 layout.
  @inline(__always)
  public func tcr(_ regime: Regime) -> (value: UInt64, el2Layout: Bool) {
    switch regime {
    case .el10: (self[.tcr_el1], false)
    case .el20: (self[.tcr_el2], false)
    case .el2, .stage2: (self[.tcr_el2], true)
    }
  }

  /// The TCR fields of the VA range `va` selects in `regime` (bit 55 in two-range regimes).
  public func rangeControl(_ regime: Regime, va: UInt64) -> RangeControl {
    let (value, el2Layout) = tcr(regime)
    return RangeControl(
      tcr: value, upper: regime.hasTwoRanges && va & bit(55) != 0, el2Layout: el2Layout)
  }

  /// AArch64.S1Enabled: stage 1 of `regime` translates. For EL1&0, SCTLR_EL1.M with
  /// HCR_EL2.DC and TGE both 0 (each makes the PE behave as if SCTLR_EL1.M were 0).
  @inline(__always)
  public func stage1Enabled(_ regime: Regime) -> Bool {
    switch regime {
    case .el10:
      let h = hcr
      return self[.sctlr_el1] & 1 != 0 && !h.tge && !h.defaultCacheable
    case .el2, .el20: return self[.sctlr_el2] & 1 != 0
    case .stage2: return true
    }
  }
}
