import Testing

@testable import MMU

/// HCR_EL2.DC, PTW and CD, each hand-worked against the Arm ARM: DC (AArch64.S1Enabled,
/// AArch64.S1DisabledOutput, GetS2TTWParams' VM OR DC), PTW (the protected table walk of
/// AArch64.S2Translate), CD (S2DCacheEnabled in AArch64.S2Translate). Machines come from
/// `WalkTests.buildNested`: stage-1 tables at IPAs 0x1000..0x4000 for `ATTests.va`, leaf →
/// IPA 0x5000; stage 2 maps IPA page n to PA 0x200_0000 + n*4K.
@Suite("HCR_EL2.DC, PTW, CD")
struct HypervisorControlTests {
  static let dc: UInt64 = 1 << 12
  static let ptw: UInt64 = 1 << 2
  static let cd: UInt64 = 1 << 32
  static let dct: UInt64 = 1 << 57

  static func par(_ m: Machine, _ op: ATOperation, _ va: UInt64 = ATTests.va) -> UInt64? {
    if case .par(let p) = m.addressTranslate(op, va: va, cpu: m.cpu).result { return p }
    return nil
  }

  /// Stage-2 leaf for IPA page n: page 5 (the output) gets `memAttr5`.
  static func s2(memAttr5: UInt64) -> (UInt64) -> UInt64 {
    { n in
      n == 5 ? D.memAttr(memAttr5) | D.s2ap(0b11) | D.shInner | D.af | D.page : D.s2rw | D.page
    }
  }

  // MARK: DC

  @Test("DC=1, VM=0: AT S1E1R gives PA = VA, Normal WB (0xFF), Non-shareable; no walk")
  func dcS1E1R() throws {
    let m = try ATTests.nestedMachine(el: 2)
    m.cpu.registers[.hcr_el2] = Self.dc  // VM=0: DC behaves as if VM were 1
    let (result, access) = m.addressTranslate(.s1e1r, va: 0x5123, cpu: m.cpu)
    // ATTR 0xFF | PA 0x5000 | RES1 0x800 | NS 0x200 | SH 0b00.
    #expect(result == .par(0xFF00_0000_0000_5A00))
    #expect(access.walk.accesses == 0)
    // DCT=1: Normal Tagged WB (0xF0).
    m.cpu.registers[.hcr_el2] = Self.dc | Self.dct
    #expect(Self.par(m, .s1e1r, 0x5123) == 0xF000_0000_0000_5A00)
  }

  @Test("DC=1: AT S12E1R combines 0xFF Non-shareable with the stage-2 MemAttr")
  func dcS12E1R() throws {
    // Stage-2 WB inner-shareable: 0xFF, SH none+inner = inner (0b11 → 0x180).
    var m = try ATTests.nestedMachine(el: 2, s2Leaf: Self.s2(memAttr5: 0b1111))
    m.cpu.registers[.hcr_el2] = Self.dc
    #expect(Self.par(m, .s12e1r, 0x5123) == 0xFF00_0000_0200_5B80)
    // Stage-2 Normal NC (0b0101): 0x44, reported SH 0b10.
    m = try ATTests.nestedMachine(el: 2, s2Leaf: Self.s2(memAttr5: 0b0101))
    m.cpu.registers[.hcr_el2] = Self.dc | HCR.vm
    #expect(Self.par(m, .s12e1r, 0x5123) == 0x4400_0000_0200_5B00)
    // Stage-2 Device-nGnRE (0b0001): Device wins, 0x04, SH 0b10.
    m = try ATTests.nestedMachine(el: 2, s2Leaf: Self.s2(memAttr5: 0b0001))
    m.cpu.registers[.hcr_el2] = Self.dc
    #expect(Self.par(m, .s12e1r, 0x5123) == 0x0400_0000_0200_5B00)
  }

  @Test("DC=1: an EL1 access goes through stage 2 with stage 1 off; EL2 is unaffected")
  func dcAccesses() throws {
    let m = try ATTests.nestedMachine(el: 1)
    m.cpu.registers[.hcr_el2] = Self.dc
    let ctx = m.cpu.context(el: 1)
    #expect(ctx.stage2)
    let t = try #require(
      m.access(cpu: m.cpu, context: ctx, address: 0x5123, access: .write).outcome.translation)
    #expect(t.ipa == 0x5123 && t.pa == 0x200_5123)
    #expect(t.attributes == MemoryAttributes(mair: 0xFF, shareability: .inner))
    // EL2 (non-VHE) ignores DC: its own tables translate as before.
    let e = try ATTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    e.cpu.el = 2
    e.cpu.registers[.hcr_el2] = Self.dc
    #expect(Self.par(e, .s1e2r) == 0xFF00_0000_8765_4B80)
    // With E2H and TGE set DC behaves as 0: no stage 2 for EL1&0.
    e.cpu.registers[.hcr_el2] = Self.dc | HCR.e2h | HCR.tge
    #expect(!e.cpu.registers.stage2Enabled)
  }

  // MARK: PTW

  @Test("PTW=1: a stage-1 table in stage-2 Device memory is a stage-2 Permission fault")
  func ptwDevice() throws {
    let mem = PhysicalMemory()
    // IPA page 2 (the stage-1 L1 table) is Device-nGnRE at stage 2.
    var r = try WalkTests.buildNested(
      mem,
      s2Leaf: { n in
        n == 2 ? D.memAttr(0b0001) | D.s2ap(0b11) | D.af | D.page : D.s2rw | D.page
      })
    // PTW=0: the walk reads Device memory and translates.
    #expect(walk(mem, r, WalkTests.nested, ATTests.va).outcome.translation?.pa == 0x200_5567)
    r[.hcr_el2] = HCR.vm | Self.ptw
    // The L1 descriptor's IPA is 0x2000 + 2*8; the stage-2 leaf is at level 3.
    let f = Fault(.permission, level: 3, stage: 2, s1ptw: true, ipa: 0x2010)
    #expect(walk(mem, r, WalkTests.nested, ATTests.va).outcome == .faulted(f))
    #expect(walk(mem, r, WalkTests.nested, ATTests.va, trace: true).outcome == .faulted(f))
  }

  @Test("PTW=1: the fault level is the stage-2 leaf's (a level-2 block)")
  func ptwBlockLevel() throws {
    let mem = PhysicalMemory()
    var r = try WalkTests.buildNested(mem)
    // IPA 0..2M as a stage-2 level-2 Device-nGnRnE block to PA 0x200_0000.
    try mem.put(0x100_2000, 0, 0x200_0000 | D.memAttr(0b0000) | D.s2ap(0b11) | D.af | D.block)
    r[.hcr_el2] = HCR.vm | Self.ptw
    // The first stage-1 fetch (L0 entry at IPA 0x1008) faults at stage-2 level 2.
    #expect(
      walk(mem, r, WalkTests.nested, ATTests.va).outcome
        == .faulted(Fault(.permission, level: 2, stage: 2, s1ptw: true, ipa: 0x1008)))
  }

  @Test("PTW with FWB: MemAttr[2]=0 is Device; AT at EL2 reports S=1 PTW=1; VM=0 unaffected")
  func ptwFWBAndAT() throws {
    func m(_ memAttr: UInt64, _ hcr: UInt64) throws -> Machine {
      let m = try ATTests.nestedMachine(
        el: 2,
        s2Leaf: { n in
          n == 3 ? D.memAttr(memAttr) | D.s2ap(0b11) | D.af | D.page : D.s2rw | D.page
        })
      m.cpu.registers[.hcr_el2] = hcr
      return m
    }
    // FWB=1, MemAttr 0b0110 (forced Normal WB): not Device → translates (IPA 0x5000).
    #expect(try Self.par(m(0b0110, HCR.vm | HCR.fwb | Self.ptw), .s1e1r) == 0xFF00_0000_0000_5B80)
    // FWB=1, MemAttr 0b0001 (Device-nGnRE): Permission L3 at stage 2 on the L2 table fetch:
    // F | FST 0b001111 << 1 (0x1E) | PTW 0x100 | S 0x200 | RES1 0x800 = 0xB1F.
    #expect(try Self.par(m(0b0001, HCR.vm | HCR.fwb | Self.ptw), .s1e1r) == 0xB1F)
    #expect(try Self.par(m(0b0001, HCR.vm | HCR.fwb | Self.ptw), .s12e1r) == 0xB1F)
    // FWB=0, MemAttr 0b0110 (Normal outer NC, inner WT): not Device.
    #expect(try Self.par(m(0b0110, HCR.vm | Self.ptw), .s1e1r) == 0xFF00_0000_0000_5B80)
    // At EL1 the stage-2 fault on the table walk is taken to EL2 (S1PTW).
    let e = try m(0b0001, HCR.vm | Self.ptw)
    e.cpu.el = 1
    #expect(
      e.addressTranslate(.s1e1r, va: ATTests.va, cpu: e.cpu).result
        == .exceptionToEL2(Fault(.permission, level: 3, stage: 2, s1ptw: true, ipa: 0x3018)))
    // Stage 2 off (VM=0): PTW has nothing to act on; stage 1 alone walks its own tables.
    let flat = try ATTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    flat.cpu.el = 2
    flat.cpu.registers[.hcr_el2] = Self.ptw
    #expect(Self.par(flat, .s1e1r) == 0xFF00_0000_8765_4B80)
    #expect(Self.par(flat, .s1e2r) == 0xFF00_0000_8765_4B80)
  }

  // MARK: CD

  @Test("CD=1: stage-2 Normal is Non-cacheable for data accesses, Device unchanged")
  func cdData() throws {
    var m = try ATTests.nestedMachine(el: 2, s2Leaf: Self.s2(memAttr5: 0b1111))
    m.cpu.registers[.hcr_el2] = HCR.vm | Self.cd
    // Stage 1 0xFF over stage 2 NC → 0x44, reported SH 0b10.
    #expect(Self.par(m, .s12e1r) == 0x4400_0000_0200_5B00)
    // S1E1R reports stage 1 alone.
    #expect(Self.par(m, .s1e1r) == 0xFF00_0000_0000_5B80)
    m = try ATTests.nestedMachine(el: 2, s2Leaf: Self.s2(memAttr5: 0b0001))
    m.cpu.registers[.hcr_el2] = HCR.vm | Self.cd
    #expect(Self.par(m, .s12e1r) == 0x0400_0000_0200_5B00)
  }

  @Test("CD=1 leaves instruction fetches cacheable")
  func cdFetch() throws {
    let mem = PhysicalMemory()
    // A privileged-executable stage-1 page (AP=00, PXN=0) → IPA 0x5000.
    var r = try WalkTests.buildNested(mem, s1Leaf: 0x5000 | D.af | D.shInner | D.page)
    r[.hcr_el2] = HCR.vm | Self.cd
    let fetch = walk(mem, r, WalkTests.nested, ATTests.va, .exec).outcome.translation
    #expect(fetch?.attributes.mair == 0xFF)
    let read = walk(mem, r, WalkTests.nested, ATTests.va).outcome.translation
    #expect(read?.attributes.mair == 0x44)
  }
}
