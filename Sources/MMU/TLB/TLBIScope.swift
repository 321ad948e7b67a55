/// What a TLBI matches, resolved when it executes from its operand and the issuing CPU's
/// registers (VMID from VTTBR_EL2, the regime from HCR_EL2.{E2H,TGE}): the same scope is
/// applied on every CPU a broadcast reaches.
public struct TLBIScope: Sendable, Equatable {
  /// Regimes whose stage-1 and combined entries (and stage-1 walk-cache entries) are in scope.
  public var stage1Regimes: [Regime] = []
  /// Stage-2 entries (and stage-2 walk-cache entries) are in scope.
  public var stage2 = false
  /// nil: every VMID. Only EL1&0 and stage-2 entries carry one.
  public var vmid: UInt64?
  /// nil: every ASID. Otherwise non-global entries of this ASID (walk-cache entries tagged
  /// with it too), and global ones when `globals`.
  public var asid: UInt64?
  /// Global (nG=0) entries are in scope: false only for ASIDE1.
  public var globals = true
  /// The VAs or IPAs in scope; nil: every address. An entry is in scope when any address it
  /// covers is.
  public var addresses: ClosedRange<UInt64>?
  /// Leaf entries only; walk-cache entries stay.
  public var lastLevelOnly = false
  public var hint: TTLHint?
  /// Range operations: only entries of this granule (QEMU invalidates nothing for another).
  public var granule: Granule?
  /// A range operand with a reserved TG: nothing is invalidated.
  public var empty = false

  public init() {}

  /// Whether a leaf entry is in scope.
  public func matches(_ e: TLBEntry) -> Bool {
    guard !empty else { return false }
    if e.stage == .stage2 {
      guard stage2 else { return false }
    } else {
      guard stage1Regimes.contains(e.regime) else { return false }
    }
    if let v = vmid, let ev = e.vmid, ev != v { return false }
    if let a = asid {
      if let ea = e.asid {
        guard ea == a else { return false }
      } else if !globals {
        return false
      }
    }
    if let r = addresses, e.inputBase > r.upperBound || e.lastAddress < r.lowerBound {
      return false
    }
    if let h = hint, !h.allows(granule: e.granule, level: e.level) { return false }
    if let g = granule, e.granule != g { return false }
    return true
  }

  /// Whether a walk-cache entry is in scope: never for last-level operations; TTL hints say
  /// where the leaf is, so they leave no table entry on the path.
  public func matches(_ w: WalkCacheEntry) -> Bool {
    guard !empty, !lastLevelOnly else { return false }
    if w.regime == .stage2 {
      guard stage2 else { return false }
    } else {
      guard stage1Regimes.contains(w.regime) else { return false }
    }
    if let v = vmid, let wv = w.vmid, wv != v { return false }
    if let a = asid, let wa = w.asid, wa != a { return false }
    if let r = addresses, w.inputBase > r.upperBound || w.lastAddress < r.lowerBound {
      return false
    }
    if let g = granule, w.granule != g { return false }
    return true
  }
}

extension Machine {
  /// The scope of `op` executed on `c` with the given operand (architecture.md §10.3, §10.4).
  /// Returns the scope and whether an E1 operation was applied to EL2&0.
  func resolveTLBI(
    _ op: TLBIOperation, address: UInt64?, asid explicitASID: UInt64?, level: Int?,
    size: UInt64?, xt: UInt64?, cpu c: CPU
  ) throws(TLBIError) -> (scope: TLBIScope, toEL20: Bool) {
    guard c.el >= op.requiredEL else { throw .undefinedAtEL(op, el: c.el) }
    if xt != nil && (address != nil || explicitASID != nil || level != nil || size != nil) {
      throw .xtWithOtherOperands
    }
    if op.byAddress && address == nil && xt == nil { throw .missingAddress(op) }
    if !op.byAddress && address != nil { throw .unexpectedAddress(op) }
    if let l = level, !op.byAddress || !(0...3).contains(l) { throw .badLevel(op, l) }
    if size != nil && (!op.isRange || address == nil) || op.isRange && address != nil && size == nil
    {
      throw .badSize(op)
    }
    let r = c.registers
    let toEL20 = op.requiredEL == 1 && c.el == 2 && r.e2h && r.tge
    var s = TLBIScope()
    // The stage-1 regime the ASID (if any) belongs to.
    var asidRegime: Regime?
    switch op.target {
    case .el1Stage1:
      s.stage1Regimes = [toEL20 ? .el20 : .el10]
      s.vmid = toEL20 ? nil : vmid(c)
      asidRegime = s.stage1Regimes.first
    case .stage2:
      s.stage2 = true
      s.vmid = vmid(c)
    case .el1AllStages:
      s.stage1Regimes = [.el10]
      s.stage2 = true
      s.vmid = op.base == .alle1 ? nil : vmid(c)
    case .el2:
      if op.base == .alle2 {
        s.stage1Regimes = [.el2, .el20]
      } else {
        s.stage1Regimes = [r.e2h ? .el20 : .el2]
        if r.e2h { asidRegime = .el20 }
      }
    }
    let usesASID = op.takesASID && asidRegime != nil
    if explicitASID != nil && !usesASID { throw .asidNotUsed(op) }
    if usesASID, let regime = asidRegime {
      let tcr = regime == .el10 ? r[.tcr_el1] : r[.tcr_el2]
      let raw = xt.map { bitField($0, 63, 48) } ?? explicitASID
      s.asid = raw.map { Self.asidWidth($0, tcr: tcr, r.features) } ?? asid(c, regime: regime)
      s.globals = op.base != .aside1
    }
    s.lastLevelOnly = op.lastLevel
    guard op.byAddress else { return (s, toEL20) }

    if op.isRange {
      try decodeRange(op, address: address, level: level, size: size, xt: xt, cpu: c, into: &s)
      return (s, toEL20)
    }
    let ia: UInt64
    if let xt {
      // VA ops: VA[55:12] in [43:0]; IPA ops: IPA[51:12] in [39:0]; TTL in [47:44].
      ia =
        op.byIPA
        ? (xt & lowMask(40)) << 12 : canonicalVA((xt & lowMask(44)) << 12)
      s.hint = TTLHint(ttl: bitField(xt, 47, 44))
    } else {
      let a = address ?? 0
      ia = op.byIPA ? a & lowMask(52) & ~lowMask(12) : canonicalVA(a) & ~lowMask(12)
      s.hint = level.map { TTLHint(level: $0) }
    }
    s.addresses = ia...ia
    return (s, toEL20)
  }

  /// Range operands (architecture.md §10.4): [47:46] TG, [45:44] SCALE, [43:39] NUM, [38:37] TTL
  /// level, [36:0] BaseADDR in granules (64K units with DS=1); (NUM+1) * 2^(5*SCALE+1) granules.
  /// In address form: `address` and `size` bytes.
  func decodeRange(
    _ op: TLBIOperation, address: UInt64?, level: Int?, size: UInt64?, xt: UInt64?, cpu c: CPU,
    into s: inout TLBIScope
  ) throws(TLBIError) {
    if let a = address, let size {
      guard size > 0 else { throw .badSize(op) }
      let lo = op.byIPA ? a & lowMask(52) & ~lowMask(12) : canonicalVA(a) & ~lowMask(12)
      let (hi, o) = lo.addingReportingOverflow(size &- 1)
      s.addresses = lo...(o ? .max : hi)
      s.hint = level.map { TTLHint(level: $0) }
      return
    }
    let v = xt ?? 0
    let g: Granule
    switch bitField(v, 47, 46) {
    case 1: g = .k4
    case 2: g = .k16
    case 3: g = .k64
    default:
      s.empty = true
      return
    }
    s.granule = g
    let ttl = Int(bitField(v, 38, 37))
    if ttl != 0 { s.hint = TTLHint(level: ttl, granule: g) }
    let r = c.registers
    let regime = s.stage1Regimes.first ?? .stage2
    let ds: Bool
    switch regime {
    case .el10: ds = r[.tcr_el1] & bit(59) != 0
    case .el20: ds = r[.tcr_el2] & bit(59) != 0
    case .el2: ds = r[.tcr_el2] & bit(32) != 0
    case .stage2: ds = r[.vtcr_el2] & bit(32) != 0
    }
    let unitBits = ds && g != .k64 ? 16 : g.bits
    var baseAddr = bitField(v, 36, 0)
    // TTBR1 ranges: BaseADDR is sign-extended from bit 36 (QEMU).
    if regime.hasTwoRanges && baseAddr & bit(36) != 0 { baseAddr |= ~lowMask(37) }
    var lo = baseAddr << UInt64(unitBits)
    if !op.byIPA { lo = canonicalVA(lo) }
    let granules = (bitField(v, 43, 39) + 1) << (5 * bitField(v, 45, 44) + 1)
    let bytes = granules << UInt64(g.bits)
    let (hi, o) = lo.addingReportingOverflow(bytes &- 1)
    s.addresses = lo...(o ? .max : hi)
  }
}
