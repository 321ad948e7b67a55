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
