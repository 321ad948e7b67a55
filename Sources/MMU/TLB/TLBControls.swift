/// What TLB lookups read from a CPU's registers: the VMID and ASIDs (architecture.md §10.1),
/// whether each regime's MMU is on, the TCRs (TBI, E0PD). Derived once per register generation.
struct TLBControls {
  var generation: UInt64
  var vmid: UInt64
  var asidEL10: UInt64
  var asidEL20: UInt64
  var mmuEL1: Bool
  var mmuEL2: Bool
  var tcrEL1: UInt64
  var tcrEL2: UInt64
  var e0pd: Bool

  /// Derived from no registers: its generation matches none.
  static let none = TLBControls(
    generation: .max, vmid: 0, asidEL10: 0, asidEL20: 0, mmuEL1: false, mmuEL2: false,
    tcrEL1: 0, tcrEL2: 0, e0pd: false)

  init(
    generation: UInt64, vmid: UInt64, asidEL10: UInt64, asidEL20: UInt64, mmuEL1: Bool,
    mmuEL2: Bool, tcrEL1: UInt64, tcrEL2: UInt64, e0pd: Bool
  ) {
    self.generation = generation
    self.vmid = vmid
    self.asidEL10 = asidEL10
    self.asidEL20 = asidEL20
    self.mmuEL1 = mmuEL1
    self.mmuEL2 = mmuEL2
    self.tcrEL1 = tcrEL1
    self.tcrEL2 = tcrEL2
    self.e0pd = e0pd
  }

  init(_ r: RegisterFile, generation: UInt64) {
    self.generation = generation
    vmid = Machine.vmid(r)
    asidEL10 = Machine.asid(r, regime: .el10)
    asidEL20 = Machine.asid(r, regime: .el20)
    mmuEL1 = r.stage1Enabled(.el10)
    mmuEL2 = r.stage1Enabled(.el2)
    tcrEL1 = r[.tcr_el1]
    tcrEL2 = r[.tcr_el2]
    e0pd = r.features.e0pd
  }
}
