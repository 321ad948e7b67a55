/// What the setup checks can fail with before any descriptor is read.
public enum TranslationSetup {
  /// Prepares stage 1 of `regime` for `va` (EL1&0, EL2, EL2&0), or the setup fault.
  public static func stage1(
    _ regs: RegisterFile, regime: Regime, va: UInt64, access: AccessType,
    unprivileged: Bool = false, pan: Bool = false
  ) -> Result<StageSetup, Fault> {
    let f = regs.features
    let twoRange = regime.hasTwoRanges
    let upper = twoRange && va & bit(55) != 0
    let (tcr, el2Layout) = regs.tcr(regime)
    let range = RangeControl(tcr: tcr, upper: upper, el2Layout: el2Layout)
    let tsz = range.tsz
    var granule = range.granule
    let epd = range.epd
    var hpd = range.hpd
    let e0pd = range.e0pd
    let ipsField = range.ps
    var ha = range.ha
    var hd = range.hd
    var ds = range.ds
    let sh = range.sh
    let sctlr = regs.sctlr(regime)
    let mair: UInt64
    let ttbr: UInt64
    var asid: UInt64 = 0
    switch regime {
    case .el10, .el20:
      mair = regime == .el10 ? regs[.mair_el1] : regs[.mair_el2]
      let ttbr0 = regime == .el10 ? regs[.ttbr0_el1] : regs[.ttbr0_el2]
      let ttbr1 = regime == .el10 ? regs[.ttbr1_el1] : regs[.ttbr1_el2]
      ttbr = upper ? ttbr1 : ttbr0
      // TCR.A1 picks the TTBR whose ASID field is current; TCR.AS selects 16 or 8 bits.
      asid = Machine.asidWidth(bitField(tcr & bit(22) != 0 ? ttbr1 : ttbr0, 63, 48), tcr: tcr, f)
    case .el2:
      mair = regs[.mair_el2]
      ttbr = regs[.ttbr0_el2]
    case .stage2:
      preconditionFailure("stage 2 has its own setup")
    }
    if !f.implements(granule) { granule = smallestImplemented(f) }
    ds = ds && f.lpa2(granule)
    hpd = hpd && f.hpds
    ha = ha && f.hafdbs >= 1
    hd = hd && ha && f.hafdbs >= 2
    // AArch64.AddrTop: TBI applies to data accesses; TBID limits it to data, so instruction
    // fetches use bit 63.
    let topBit = range.addressTop(access)

    // TxSZ range (architecture.md §2.4): out of range is a level-0 Translation fault (QEMU's
    // choice, required with FEAT_LVA for too-small values).
    let minTSZ: UInt64 = (ds || (granule == .k64 && f.lva)) ? 12 : 16
    let maxTSZ: UInt64 = f.ttst ? (granule == .k64 ? 47 : 48) : 39
    guard tsz >= minTSZ && tsz <= maxTSZ else {
      return .failure(Fault(.translation, level: 0, write: access == .write))
    }
    let ia = 64 - Int(tsz)

    let geometry = Geometry.stage1(granule: granule, inputBits: ia, ds: ds)
    let choices = regs.implementation
    let setupLevel = choices.setupFaultAtStartLevel ? geometry.startLevel : 0
    // Every bit in [top:IA] must equal the range-select bit (two ranges) or be 0 (one range).
    let topBits = bitField(va, topBit, ia)
    let expected: UInt64 = upper ? lowMask(topBit - ia + 1) : 0
    guard topBits == expected else {
      // KVM's AT emulation reports a non-VHE EL2 VA with bit 55 set as an Address size fault.
      if regime == .el2 && va & bit(55) != 0 && choices.el2Bit55AddressSize {
        return .failure(Fault(.addressSize, level: 0, write: access == .write))
      }
      return .failure(Fault(.translation, level: setupLevel, write: access == .write))
    }
    // EPDn: a TLB miss in this range faults without walking; E0PDn for unprivileged accesses.
    if twoRange && (epd || (unprivileged && e0pd && f.e0pd)) {
      return .failure(Fault(.translation, level: setupLevel, write: access == .write))
    }

    var oa = min(PhysicalAddressSize.bits(encoding: ipsField), f.paMax)
    if !ds && granule != .k64 { oa = min(oa, 48) }
    guard let base = tableBase(ttbr: ttbr, geometry: geometry, outputBits: oa) else {
      return .failure(Fault(.addressSize, level: 0, write: access == .write))
    }
    return .success(
      StageSetup(
        regime: regime, geometry: geometry, tableBase: base, outputBits: oa, upperRange: upper,
        hpd: hpd, hardwareAF: ha, hardwareDirty: hd, wxn: sctlr.wxn, mair: mair,
        tcrShareability: sh, asid: asid, paMax: f.paMax, xnx: f.xnx,
        pan: PrivilegedAccessNever(
          regs, regime: regime, access: access, unprivileged: unprivileged, pan: pan)))
  }

  /// Prepares stage 2 for `ipa` from VTCR_EL2/VTTBR_EL2 (architecture.md §5.4), or the stage-2
  /// setup fault.
  public static func stage2(_ regs: RegisterFile, ipa: UInt64, access: AccessType) -> Result<
    StageSetup, Fault
  > {
    let f = regs.features
    let vtcr = regs[.vtcr_el2]
    var granule = Granule(tg0: bitField(vtcr, 15, 14))
    if !f.implements(granule) { granule = smallestImplemented(f) }
    let ds = vtcr & bit(32) != 0 && f.lpa2(granule)
    let tsz = bitField(vtcr, 5, 0)
    func fault(_ k: FaultKind) -> Result<StageSetup, Fault> {
      .failure(Fault(k, level: 0, stage: 2, ipa: ipa, write: access == .write))
    }
    let minTSZ: UInt64 = (ds || (granule == .k64 && f.lva)) ? 12 : 16
    let maxTSZ: UInt64 = f.ttst ? (granule == .k64 ? 47 : 48) : 39
    guard tsz >= minTSZ && tsz <= maxTSZ else { return fault(.translation) }
    let ia = 64 - Int(tsz)
    guard
      let start = Geometry.stage2StartLevel(
        granule: granule, sl0: bitField(vtcr, 7, 6), sl2: vtcr & bit(33) != 0, ds: ds,
        paMax: f.paMax, ttst: f.ttst),
      Geometry.stage2InputRange(granule: granule, startLevel: start).contains(ia),
      !regs.implementation.rejectsStage2(granule: granule, startLevel: start, inputBits: ia)
    else { return fault(.translation) }
    // Stage 2 has no TBI: IPA bits [63:IA] must be zero.
    guard ipa >> UInt64(ia) == 0 else { return fault(.translation) }
    let geometry = Geometry(granule: granule, inputBits: ia, startLevel: start, ds: ds)
    var oa = min(PhysicalAddressSize.bits(encoding: bitField(vtcr, 18, 16)), f.paMax)
    if !ds && granule != .k64 { oa = min(oa, 48) }
    guard let base = tableBase(ttbr: regs[.vttbr_el2], geometry: geometry, outputBits: oa) else {
      return fault(.addressSize)
    }
    let ha = vtcr & bit(21) != 0 && f.hafdbs >= 1
    return .success(
      StageSetup(
        regime: .stage2, geometry: geometry, tableBase: base, outputBits: oa, upperRange: false,
        hpd: false, hardwareAF: ha, hardwareDirty: ha && vtcr & bit(22) != 0 && f.hafdbs >= 2,
        wxn: false, mair: 0, tcrShareability: bitField(vtcr, 13, 12), asid: 0, paMax: f.paMax,
        xnx: f.xnx))
  }

  /// The start table address from a TTBR: BADDR[47:1] (plus [51:48] from TTBR[5:2] when the
  /// OA is 52 bits), aligned down to the start table's size. nil when address bits lie at or
  /// above the output size (a level-0 Address size fault).
  static func tableBase(ttbr: UInt64, geometry: Geometry, outputBits: Int) -> UInt64? {
    var base = ttbr & lowMask(48)
    if outputBits > 48 {
      base |= bitField(ttbr, 5, 2) << 48
    } else if base >> UInt64(outputBits) != 0 {
      return nil
    }
    // Bits below the start table's size are RES0 (CnP at bit 0): hardware ignores them.
    // With a 52-bit OA, TTBR[5:2] are address bits: the table is at least 64-byte aligned.
    let alignBits = min(max(geometry.startIndexBits + 3, outputBits > 48 ? 6 : 3), 63)
    return base & ~lowMask(alignBits)
  }

  static func smallestImplemented(_ f: Features) -> Granule {
    Granule.allCases.first { f.implements($0) } ?? .k4
  }
}
