import Testing

@testable import MMU

/// Stage 1 disabled (AArch64.S1Enabled false: SCTLR_ELx.M=0, or for EL1&0 HCR_EL2.DC=1 or
/// TGE=1) gives AArch64.S1DisabledOutput: no descriptor is read, the IPA is VA<55:0>, and
/// VA<AddrTop:PAMax> must be zero (AArch64.AddrTop: 55 when TBI applies, else 63). PAR
/// values are written out bit by bit: ATTR [63:56], PA [51:12], RES1 [11], NS [9], SH [8:7];
/// a fault: RES1 [11], S [9], PTW [8], FST [6:1], F [0].
@Suite("Stage 1 disabled: S1DisabledOutput, AddrTop")
struct Stage1DisabledTests {
  /// CPU 0 at EL2 with the default registers of `baseRegisters` (PAMax 52).
  static func machine(_ edit: (inout RegisterFile) -> Void = { _ in }) -> Machine {
    let m = Machine()
    var r = baseRegisters()
    edit(&r)
    m.cpu.registers = r
    m.cpu.el = 2
    return m
  }

  static func at(_ m: Machine, _ op: ATOperation, _ va: UInt64) -> (par: UInt64?, reads: Int) {
    let (result, access) = m.addressTranslate(op, va: va, cpu: m.cpu)
    guard case .par(let p) = result else { return (nil, access.walk.accesses) }
    return (p, access.walk.accesses)
  }

  @Test("AT S1E1R with SCTLR_EL1.M=0 and HCR_EL2.VM=1: IPA = VA, no walk of either stage")
  func s1e1rStage1OffStage2On() {
    // VTTBR_EL2 points at memory that holds nothing: any stage-2 walk would fault.
    let m = Self.machine { r in
      r[.sctlr_el1] = 0
      r[.hcr_el2] = HCR.vm
      r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101) | VTCR.res1
      r[.vttbr_el2] = 0x7_0000_0000
    }
    // PA 0xe61_13ee_d000 | RES1 0x800 | NS 0x200 | SH 0b10 << 7 = 0x100, ATTR 0x00
    // (Device-nGnRnE data access).
    let (par, reads) = Self.at(m, .s1e1r, 0xe61_13ee_d1ca)
    #expect(par == 0x0000_0e61_13ee_db00)
    #expect(reads == 0)
    // S1E0R and S1E1W are the same: stage 1 has no permissions to check.
    #expect(Self.at(m, .s1e0w, 0xe61_13ee_d1ca).par == 0x0000_0e61_13ee_db00)
  }

  @Test("MMU-off range check: VA<63:PAMax> with TBI0=0 is an Address size fault, level 0")
  func addressSizeWithoutTBI() {
    let m = Self.machine { r in r[.sctlr_el1] = 0 }
    // Bit 56 set, PAMax 52: Address size L0 (FST 0b000000), stage 1: F | RES1 = 0x801.
    #expect(Self.at(m, .s1e1r, 0x0100_000d_e980_5082).par == 0x801)
    // Bits [51:0] alone translate.
    #expect(Self.at(m, .s1e1r, 0x000d_e980_5082).par == 0x0000_000d_e980_5B00)
  }

  @Test("MMU-off range check honours TBI0: the top byte is ignored and the IPA is VA<55:0>")
  func addressTopWithTBI() {
    let m = Self.machine { r in
      r[.sctlr_el1] = 0
      r[.tcr_el1] |= TCR.tbi0
    }
    // AddrTop 55: VA<55:52> = 0 → no fault; PA = VA<55:0> = 0x3a2_28a3_b68a.
    #expect(Self.at(m, .s1e1r, 0x1000_03a2_28a3_b68a).par == 0x0000_03a2_28a3_bb00)
    // VA<55:52> non-zero still faults.
    #expect(Self.at(m, .s1e1r, 0x0010_03a2_28a3_b68a).par == 0x801)
  }

  @Test("AddrTop is chosen by VA[55]: TBI1 does not apply to a VA with bit 55 clear")
  func addressTopRangeSelect() {
    let m = Self.machine { r in
      r[.sctlr_el1] = 0
      r[.tcr_el1] |= TCR.tbi1
    }
    // VA[55]=0 → TBI0 (0) → AddrTop 63: bit 60 set → Address size.
    #expect(Self.at(m, .s1e1r, 0x1000_0000_0000_1000).par == 0x801)
  }

  @Test("TBID0 keeps instruction fetches at AddrTop 63 (AArch64.AddrTop)")
  func tbidExcludesFetches() {
    var r = baseRegisters()
    r[.sctlr_el1] = 0
    r[.tcr_el1] |= TCR.tbi0 | (1 << 51)  // TBID0
    let m = PhysicalMemory()
    let va: UInt64 = 0x1000_03a2_28a3_b68a
    #expect(walk(m, r, el1Ctx, va).outcome.translation?.pa == 0x3a2_28a3_b68a)
    #expect(walk(m, r, el1Ctx, va, .exec).outcome == .faulted(Fault(.addressSize, level: 0)))
  }

  @Test("non-VHE EL2 with SCTLR_EL2.M=0 uses TCR_EL2.TBI")
  func el2TBI() {
    var r = baseRegisters()
    r[.sctlr_el2] = 0
    let m = PhysicalMemory()
    let va: UInt64 = 0x2000_0000_1234_5678
    #expect(walk(m, r, el2Ctx, va).outcome == .faulted(Fault(.addressSize, level: 0)))
    r[.tcr_el2] |= 1 << 20  // TCR_EL2.TBI
    #expect(walk(m, r, el2Ctx, va).outcome.translation?.pa == 0x1234_5678)
  }

  @Test("MMU-off attributes: data Device-nGnRnE; fetches Normal WT RA (I=1) or NC (I=0)")
  func disabledAttributes() {
    var r = baseRegisters()
    r[.sctlr_el1] = 1 << 12  // M=0, I=1
    let m = PhysicalMemory()
    let outer = Shareability.outer
    #expect(
      walk(m, r, el1Ctx, 0x4000).outcome.translation?.attributes
        == MemoryAttributes(mair: 0x00, shareability: outer))
    // Normal Inner/Outer Write-Through Read-Allocate non-transient: 0b1010 per nibble.
    #expect(
      walk(m, r, el1Ctx, 0x4000, .exec).outcome.translation?.attributes
        == MemoryAttributes(mair: 0xAA, shareability: outer))
    r[.sctlr_el1] = 0
    #expect(
      walk(m, r, el1Ctx, 0x4000, .exec).outcome.translation?.attributes
        == MemoryAttributes(mair: 0x44, shareability: outer))
  }

  @Test("HCR_EL2.TGE=1 (E2H=0) disables EL1&0 stage 1: the tables are not read")
  func tgeDisablesStage1() throws {
    let m = try ATTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    m.cpu.el = 2
    #expect(Self.at(m, .s1e1r, ATTests.va).par == 0xFF00_0000_8765_4B80)
    m.cpu.registers[.hcr_el2] = HCR.tge
    // PA = VA 0x80_8060_4567, Device-nGnRnE, SH outer.
    let (par, reads) = Self.at(m, .s1e1r, ATTests.va)
    #expect(par == 0x0000_0080_8060_4B00)
    #expect(reads == 0)
  }

  @Test("walks with stage 1 off and stage 2 on put VA<55:0> through stage 2")
  func stage1OffStage2On() throws {
    let m = PhysicalMemory()
    var r = try WalkTests.buildNested(m)
    r[.sctlr_el1] = 0
    r[.tcr_el1] |= TCR.tbi0
    // IPA 0x5123 (tag 0x12 ignored) → stage 2 page 5 → PA 0x200_5123. Stage 1 Device-nGnRnE
    // over stage-2 WB gives Device-nGnRnE.
    let t = try #require(walk(m, r, WalkTests.nested, 0x1200_0000_0000_5123).outcome.translation)
    #expect(t.ipa == 0x5123)
    #expect(t.pa == 0x200_5123)
    #expect(t.attributes.mair == 0x00)
    // 4 stage-2 reads only.
    #expect(walk(m, r, WalkTests.nested, 0x5123).accesses == 4)
  }
}
