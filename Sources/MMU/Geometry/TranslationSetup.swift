/// Everything one stage of a walk needs, read from the registers for one input address:
/// the geometry, the table base, the output size, and the controls (HPD, HA/HD, WXN, MAIR).
/// Building it performs the checks hardware makes before reading any descriptor (architecture.md
/// §2.9, §5.4).
///
/// Kept small (at most 40 bytes): every walk derives or finds one and carries it down the levels.
public struct StageSetup: Sendable {
  /// The start table's address (a PA, or an IPA for stage 1 under stage 2), aligned.
  public var tableBase: UInt64
  public var mair: UInt64
  /// ASID from the TTBR TCR.A1 selects (16 or 8 bits per TCR.AS); 0 for one-range regimes.
  public var asid: UInt64
  public var geometry: Geometry
  public var regime: Regime
  /// TTBR1 (upper range) was selected.
  public var upperRange: Bool
  /// Hierarchical permissions disabled (TCR.HPDn with FEAT_HPDS).
  public var hpd: Bool
  public var hardwareAF: Bool
  public var hardwareDirty: Bool
  public var wxn: Bool
  public var xnx: Bool
  private var outputBitsValue: UInt8
  private var paMaxValue: UInt8
  private var tcrShareabilityValue: UInt8
  /// What PSTATE.PAN takes from this access's privileged rights (stage 1 only).
  public var pan: PrivilegedAccessNever

  /// Effective output address size: min(PS/IPS, PAMax), capped at 48 for 4K/16K without DS.
  public var outputBits: Int {
    get { Int(outputBitsValue) }
    set { outputBitsValue = UInt8(truncatingIfNeeded: newValue) }
  }
  public var paMax: Int {
    get { Int(paMaxValue) }
    set { paMaxValue = UInt8(truncatingIfNeeded: newValue) }
  }
  /// Shareability from TCR SH0/SH1 (VTCR SH0): used for leaves when DS=1.
  public var tcrShareability: UInt64 {
    get { UInt64(tcrShareabilityValue) }
    set { tcrShareabilityValue = UInt8(truncatingIfNeeded: newValue & 3) }
  }

  public init(
    regime: Regime, geometry: Geometry, tableBase: UInt64, outputBits: Int, upperRange: Bool,
    hpd: Bool, hardwareAF: Bool, hardwareDirty: Bool, wxn: Bool, mair: UInt64,
    tcrShareability: UInt64, asid: UInt64, paMax: Int, xnx: Bool,
    pan: PrivilegedAccessNever = .none
  ) {
    self.tableBase = tableBase
    self.mair = mair
    self.asid = asid
    self.geometry = geometry
    self.regime = regime
    self.upperRange = upperRange
    self.hpd = hpd
    self.hardwareAF = hardwareAF
    self.hardwareDirty = hardwareDirty
    self.wxn = wxn
    self.xnx = xnx
    outputBitsValue = UInt8(truncatingIfNeeded: outputBits)
    paMaxValue = UInt8(truncatingIfNeeded: paMax)
    tcrShareabilityValue = UInt8(truncatingIfNeeded: tcrShareability & 3)
    self.pan = pan
  }
}

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

/// The last few successful setups, so that walks under unchanged registers do not derive them
/// again (without a TLB, deriving the stage-1 setup cost as much as the four descriptor reads
/// of the walk, and a nested walk derives the stage-2 one five times).
///
/// A setup is a function of the registers, the regime, the access and its privilege, and of
/// the input address only through its bits at and above IA: the range-select bit 55, the
/// bits that must equal it, the top byte TBI ignores. A stage-2 setup depends on the IPA only
/// through the check that its bits at and above IA are zero, and not on the access at all
/// when it succeeds. So an entry answers for another address whose bits [63:IA] are the same,
/// under registers equal to the ones it was derived from (an array comparison that is one
/// pointer test while the CPU's register storage is unchanged). Failed setups are not kept:
/// their checks run again every time.
final class StageSetupMemo {
  /// One remembered setup: a tag (regime, access, privilege, IA << 16), the address bits
  /// above IA, the registers' identity, the setup.
  private struct Entry {
    var tag: UInt64
    var top: UInt64
    var identity: UInt64
    var setup: StageSetup
  }
  // At most `capacity` entries, scanned in order, in memory this object owns: a look-up is
  // a few loads and compares, with no array to retain or bounds to check.
  @exclusivity(unchecked) private var entries: UnsafeMutablePointer<Entry>
  @exclusivity(unchecked) private var count = 0
  @exclusivity(unchecked) private var next = 0
  private static let capacity = 4

  init() { entries = .allocate(capacity: Self.capacity) }
  deinit {
    entries.deinitialize(count: count)
    entries.deallocate()
  }

  @inline(__always)
  private static func tag(
    _ regime: Regime, _ access: AccessType, _ unprivileged: Bool, _ pan: Bool = false
  ) -> UInt64 {
    UInt64(truncatingIfNeeded: regime.rawValue) | UInt64(truncatingIfNeeded: access.rawValue) << 4
      | (unprivileged ? 1 << 8 : 0) | (pan ? 1 << 9 : 0)
  }

  @inline(__always)
  private func find(_ regs: RegisterFile, _ tag: UInt64, _ address: UInt64) -> StageSetup? {
    let identity = regs.identity
    var e = entries
    let end = entries + count
    while e < end {
      let t = e.pointee.tag
      if t & 0xffff == tag && address >> (t >> 16) == e.pointee.top
        && e.pointee.identity == identity
      {
        return e.pointee.setup
      }
      e += 1
    }
    return nil
  }

  private func remember(_ regs: RegisterFile, _ tag: UInt64, _ address: UInt64, _ s: StageSetup) {
    let ia = UInt64(truncatingIfNeeded: s.geometry.inputBits)
    let entry = Entry(tag: tag | ia << 16, top: address >> ia, identity: regs.identity, setup: s)
    if count < Self.capacity {
      (entries + count).initialize(to: entry)
      count += 1
    } else {
      entries[next] = entry
      next = (next + 1) % Self.capacity
    }
  }

  /// `TranslationSetup.stage1`, remembered.
  @inline(__always)
  func stage1(
    _ regs: RegisterFile, regime: Regime, va: UInt64, access: AccessType, unprivileged: Bool,
    pan: Bool = false
  ) -> Result<StageSetup, Fault> {
    let tag = Self.tag(regime, access, unprivileged, pan)
    if let s = find(regs, tag, va) { return .success(s) }
    let r = TranslationSetup.stage1(
      regs, regime: regime, va: va, access: access, unprivileged: unprivileged, pan: pan)
    if case .success(let s) = r { remember(regs, tag, va, s) }
    return r
  }

  /// `TranslationSetup.stage2`, remembered (keyed as a read: a successful stage-2 setup is
  /// the same for every access).
  @inline(__always)
  func stage2(_ regs: RegisterFile, ipa: UInt64, access: AccessType) -> Result<StageSetup, Fault> {
    let tag = Self.tag(.stage2, .read, false)
    if let s = find(regs, tag, ipa) { return .success(s) }
    let r = TranslationSetup.stage2(regs, ipa: ipa, access: access)
    if case .success(let s) = r { remember(regs, tag, ipa, s) }
    return r
  }
}
