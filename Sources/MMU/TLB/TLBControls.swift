/// What TLB lookups read from a CPU's registers: the VMID and ASIDs (architecture.md §10.1),
/// whether each regime's MMU is on, and each VA range's TBI and E0PD. Derived once per
/// register generation, through the one register decoder (`RangeControl`).
struct TLBControls {
  var generation: UInt64
  var vmid: UInt64
  /// The VMID's bits in a TLB tag (`TLBLeafStore.vmidTag`).
  var vmidTag: UInt64
  var asidEL10: UInt64
  var asidEL20: UInt64
  var mmuEL1: Bool
  var mmuEL2: Bool
  /// The `LookupRange` bits of EL1&0's lower and upper ranges, EL2&0's, and EL2's one range,
  /// a byte each in that order.
  var ranges: UInt64

  /// Derived from no registers: its generation matches none.
  static let none = TLBControls(generation: .max)

  private init(generation: UInt64) {
    self.generation = generation
    vmid = 0
    vmidTag = 0
    asidEL10 = 0
    asidEL20 = 0
    mmuEL1 = false
    mmuEL2 = false
    ranges = 0
  }

  init(_ r: RegisterFile, generation: UInt64) {
    self.generation = generation
    vmid = Machine.vmid(r)
    vmidTag = TLBLeafStore.vmidTag(vmid)
    asidEL10 = Machine.asid(r, regime: .el10)
    asidEL20 = Machine.asid(r, regime: .el20)
    mmuEL1 = r.stage1Enabled(.el10)
    mmuEL2 = r.stage1Enabled(.el2)
    let e0pd = r.features.e0pd
    func range(_ regime: Regime, upper: Bool) -> UInt64 {
      UInt64(
        LookupRange(r.rangeControl(regime, va: upper ? bit(55) : 0), e0pdImplemented: e0pd).bits)
    }
    ranges =
      range(.el10, upper: false) | range(.el10, upper: true) << 8
      | range(.el20, upper: false) << 16 | range(.el20, upper: true) << 24
      | range(.el2, upper: false) << 32
  }

  /// The range of `regime` that `address` selects (bit 55 in two-range regimes).
  @inline(always)
  func range(_ regime: Regime, _ address: UInt64) -> LookupRange {
    let upper: UInt64 = address & bit(55) != 0 ? 8 : 0
    let shift: UInt64
    switch regime {
    case .el10: shift = upper
    case .el20: shift = 16 | upper
    case .el2, .stage2: shift = 32
    }
    return LookupRange(bits: UInt8(truncatingIfNeeded: ranges >> shift))
  }
}
