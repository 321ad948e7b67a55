import Testing

@testable import MMU

/// AT instructions and PAR_EL1, every value written out bit by bit from architecture.md §9.4:
/// success: ATTR [63:56], PA [51:12], RES1 [11], NS [9] (=1, Non-secure), SH [8:7], F [0]=0;
/// fault: RES1 [11], S [9], PTW [8], FST [6:1], F [0]=1.
@Suite("AT and PAR_EL1")
struct ATTests {
  static let va = WalkTests.va4K48  // 0x0000_0080_8060_4567

  /// A machine whose EL1&0 TTBR0 and EL2 TTBR0 both point at the 4K/48 tables of
  /// `WalkTests.build4K48` ending in `leaf`.
  static func machine(leaf: UInt64) throws -> Machine {
    let m = Machine()
    try WalkTests.build4K48(m.memory, leaf: leaf)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    r[.ttbr0_el2] = 0x1000
    m.cpu.registers = r
    return m
  }

  static func par(_ m: Machine, _ op: ATOperation, _ va: UInt64 = va) -> UInt64? {
    if case .par(let p) = m.addressTranslate(op, va: va, cpu: m.cpu).result {
      #expect(m.cpu.registers[.par_el1] == p)
      return p
    }
    return nil
  }

  @Test("S1E1R / S1E1W on a Normal WB inner-shareable page")
  func s1e1Success() throws {
    let m = try Self.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    // ATTR 0xFF | PA 0x8765_4000 | RES1 0x800 | NS 0x200 | SH 0b11 << 7 = 0x180.
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_8765_4B80)
    #expect(Self.par(m, .s1e1w) == 0xFF00_0000_8765_4B80)
  }

  @Test("PAR attributes and shareability: Device, NC, non-shareable, WT")
  func parAttributes() throws {
    // AttrIndx 1 = 0x04 Device-nGnRE: SH reads 0b10 (outer) whatever the descriptor says.
    var m = try Self.machine(leaf: 0x8765_4000 | D.attrIndx(1) | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s1e1r) == 0x0400_0000_8765_4B00)
    // AttrIndx 2 = 0x44 Normal NC: SH 0b10 too.
    m = try Self.machine(leaf: 0x8765_4000 | D.attrIndx(2) | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s1e1r) == 0x4400_0000_8765_4B00)
    // AttrIndx 3 = 0xBB Normal WT, SH 00 non-shareable: SH bits 0.
    m = try Self.machine(leaf: 0x8765_4000 | D.attrIndx(3) | D.af | D.page)
    #expect(Self.par(m, .s1e1r) == 0xBB00_0000_8765_4A00)
    // Outer shareable WB: SH 0b10 → 0x100.
    m = try Self.machine(leaf: 0x8765_4000 | D.af | D.shOuter | D.page)
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_8765_4B00)
  }

  @Test("S1E1W / S1E0R / S1E0W permission faults and successes")
  func permissionFaults() throws {
    // EL1 read-only, no EL0 (AP=10).
    var m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b10) | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_8765_4B80)
    // Permission L3, FST 0b001111 → 0x1E; | RES1 0x800 | F 1.
    #expect(Self.par(m, .s1e1w) == 0x0000_0000_0000_081F)
    #expect(Self.par(m, .s1e0r) == 0x81F)
    #expect(Self.par(m, .s1e0w) == 0x81F)
    // EL0 read-only (AP=11).
    m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b11) | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s1e0r) == 0xFF00_0000_8765_4B80)
    #expect(Self.par(m, .s1e0w) == 0x81F)
    // EL0 read-write (AP=01).
    m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s1e0w) == 0xFF00_0000_8765_4B80)
  }

  @Test("PAR fault codes: translation, address size, access flag, level -1")
  func faultCodes() throws {
    // Translation L3 (0b000111 → FST field 0xE): 0x80F.
    var m = try Self.machine(leaf: 0)
    #expect(Self.par(m, .s1e1r) == 0x80F)
    // Translation L0 from a VA outside both ranges (0b000100 → 0x8): 0x809.
    #expect(Self.par(m, .s1e1r, 0x0001_0000_0000_0000) == 0x809)
    // Access flag L3 (0b001011 → 0x16): 0x817.
    m = try Self.machine(leaf: 0x8765_4000 | D.shInner | D.page)
    #expect(Self.par(m, .s1e1w) == 0x817)
    // Address size L0 (TTBR beyond IPS 40; FST 0): 0x801.
    m.cpu.registers[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b010)
    m.cpu.registers[.ttbr0_el1] = 1 << 40
    #expect(Self.par(m, .s1e1r) == 0x801)
    // Translation level -1 (0b101011 → 0x56): 0x857. 4K, T0SZ 12, DS, empty L-1 table.
    m.cpu.registers[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k4) | TCR.ips(0b110) | TCR.ds
    m.cpu.registers[.ttbr0_el1] = 0x8000
    #expect(Self.par(m, .s1e1r, 0x000F_0000_0000_0000) == 0x857)
  }

  @Test("S1E2R / S1E2W: EL2 regime with MAIR_EL2; EL2&0 with E2H")
  func s1e2() throws {
    // AP=01: read/write at EL2 (AP[1] RES1 in the one-range format).
    let m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.page)
    m.cpu.el = 2
    m.cpu.registers[.mair_el2] = 0xEE  // Attr0 = Normal WB RA
    #expect(Self.par(m, .s1e2r) == 0xEE00_0000_8765_4B80)
    #expect(Self.par(m, .s1e2w) == 0xEE00_0000_8765_4B80)
    // Read-only at EL2 (AP=11), on a fresh machine (the first one's TLB holds the RW entry).
    let ro = try Self.machine(leaf: 0x8765_4000 | D.ap(0b11) | D.af | D.shInner | D.page)
    ro.cpu.el = 2
    ro.cpu.registers[.mair_el2] = 0xEE
    #expect(Self.par(ro, .s1e2r) == 0xEE00_0000_8765_4B80)
    #expect(Self.par(ro, .s1e2w) == 0x81F)
    // Bit 55 set in the one-range EL2 regime: Translation L0.
    #expect(Self.par(m, .s1e2r, 0x0080_0080_8060_4567) == 0x809)
    // E2H=1: the same instruction walks EL2&0 (TTBR1_EL2 for the upper half).
    m.cpu.registers[.hcr_el2] = HCR.e2h
    m.cpu.registers[.tcr_el2] =
      TCR.t0sz(16) | TCR.tg0(.k4) | TCR.t1sz(16) | TCR.tg1(.k4) | TCR.ips(0b101)
    m.cpu.registers[.ttbr1_el2] = 0x1000
    #expect(Self.par(m, .s1e2r, 0xFFFF_0080_8060_4567) == 0xEE00_0000_8765_4B80)
  }

  /// A machine with `WalkTests.buildNested`'s two stages (HCR_EL2.VM=1) on CPU 0 at `el`.
  static func nestedMachine(
    el: Int, s1Leaf: UInt64 = 0x5000 | D.af | D.shInner | D.ap(0b01) | D.page,
    s2Leaf: (UInt64) -> UInt64 = { _ in D.s2rw | D.page }
  ) throws -> Machine {
    let m = Machine()
    m.cpu.registers = try WalkTests.buildNested(m.memory, s1Leaf: s1Leaf, s2Leaf: s2Leaf)
    m.cpu.el = el
    return m
  }

  @Test("S12E1R/W and S12E0R/W: the PA and combined attributes")
  func s12Success() throws {
    let m = try Self.nestedMachine(el: 2)
    // PA 0x200_5000, ATTR 0xFF (WB+WB), SH inner: 0xFF00_0000_0200_5B80.
    #expect(Self.par(m, .s12e1r) == 0xFF00_0000_0200_5B80)
    #expect(Self.par(m, .s12e1w) == 0xFF00_0000_0200_5B80)
    #expect(Self.par(m, .s12e0r) == 0xFF00_0000_0200_5B80)
    #expect(Self.par(m, .s12e0w) == 0xFF00_0000_0200_5B80)
    // S1E1R with stage 2 on gives the IPA and stage-1 attributes only.
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_0000_5B80)
  }

  @Test("stage-2 NC: S12E1R combines to 0x44 (SH outer), S1E1R keeps stage 1")
  func s12Attributes() throws {
    let m = try Self.nestedMachine(
      el: 2,
      s2Leaf: { n in
        n == 5 ? D.memAttr(0b0101) | D.s2ap(0b11) | D.shInner | D.af | D.page : D.s2rw | D.page
      })
    #expect(Self.par(m, .s12e1r) == 0x4400_0000_0200_5B00)
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_0000_5B80)
  }

  @Test("S12 faults at stage 2: S=1; on a stage-1 table walk also PTW=1")
  func s12Faults() throws {
    // Output IPA page 5 read-only at stage 2.
    var m = try Self.nestedMachine(
      el: 2,
      s2Leaf: { n in
        n == 5 ? D.memAttr(0b1111) | D.s2ap(0b01) | D.af | D.page : D.s2rw | D.page
      })
    #expect(Self.par(m, .s12e1r) == 0xFF00_0000_0200_5B80)
    // Permission L3 at stage 2: 1 | 0x1E | S 0x200 | RES1 0x800 = 0xA1F.
    #expect(Self.par(m, .s12e1w) == 0xA1F)
    #expect(Self.par(m, .s12e0w) == 0xA1F)
    // A stage-1 fault is reported as stage 1: EL0 may not touch an AP=00 page.
    m = try Self.nestedMachine(el: 2, s1Leaf: 0x5000 | D.af | D.shInner | D.page)
    #expect(Self.par(m, .s12e0r) == 0x81F)
    // The stage-1 L2 table's IPA page (3) unmapped at stage 2: Translation L3, S, PTW:
    // 1 | 0xE | PTW 0x100 | S 0x200 | RES1 0x800 = 0xB0F.
    m = try Self.nestedMachine(el: 2, s2Leaf: { n in n == 3 ? 0 : D.s2rw | D.page })
    #expect(Self.par(m, .s12e1r) == 0xB0F)
    #expect(Self.par(m, .s12e0w) == 0xB0F)
    // S1E1R executed at EL2 reports the same in PAR.
    #expect(Self.par(m, .s1e1r) == 0xB0F)
  }

  @Test("S1E1R at EL1 with a stage-2 fault on its walk is taken to EL2 (architecture.md §9.3)")
  func s1e1AtEL1TakenToEL2() throws {
    let m = try Self.nestedMachine(el: 1, s2Leaf: { n in n == 3 ? 0 : D.s2rw | D.page })
    m.cpu.registers[.par_el1] = 0xDEAD_0000
    let (result, _) = m.addressTranslate(.s1e1r, va: Self.va, cpu: m.cpu)
    #expect(
      result == .exceptionToEL2(Fault(.translation, level: 3, stage: 2, s1ptw: true, ipa: 0x3018)))
    // PAR_EL1 is not written.
    #expect(m.cpu.registers[.par_el1] == 0xDEAD_0000)
  }

  @Test("S12E1R with stage 2 off behaves as S1E1R; MMU off gives the flat map")
  func s12WithoutStage2() throws {
    let m = try Self.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    m.cpu.el = 2
    #expect(Self.par(m, .s12e1r) == 0xFF00_0000_8765_4B80)
    // SCTLR_EL1.M=0: PA = VA, Device-nGnRnE data (ATTR 0x00, SH outer).
    m.cpu.registers[.sctlr_el1] = 0
    #expect(Self.par(m, .s1e1r, 0x1234_5678) == 0x0000_0000_1234_5B00)
  }

  @Test("PAR PA field carries a 52-bit address (PA[51:12])")
  func par52() throws {
    let m = Machine()
    var r = baseRegisters()
    // 64K, T0SZ 22 (start L2), IPS 52: one L2 table at 0x10000, one L3 table at 0x20000,
    // page at PA 0xF_FFFF_FFFF_0000 (OA[51:48] = 0xF in bits [15:12]).
    r[.tcr_el1] = TCR.t0sz(22) | TCR.tg0(.k64) | TCR.ips(0b110)
    r[.ttbr0_el1] = 0x10000
    m.cpu.registers = r
    try m.memory.put(0x10000, 0, 0x20000 | D.table)
    try m.memory.put(0x20000, 1, 0xFFFF_FFFF_0000 | (0xF << 12) | D.af | D.shInner | D.page)
    // VA 0x1_2345: L2 index 0, L3 index 1, offset 0x2345.
    #expect(Self.par(m, .s1e1r, 0x1_2345) == 0xFF0F_FFFF_FFFF_2B80)
  }
}
