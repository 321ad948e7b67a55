import Testing

@testable import MMU

@Suite("Memory attributes")
struct AttributeTests {
  @Test("stage 1: AttrIndx picks MAIR Attr<n>; SH from the descriptor (architecture.md §7.1)")
  func mairLookup() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    // Distinct bytes: Attr0 0xFF, Attr1 0x04, Attr2 0x44, Attr3 0xBB, Attr4 0x00, Attr5 0xEE,
    // Attr6 0xAA, Attr7 0x0C.
    r[.mair_el1] = 0x0CAA_EE00_BB44_04FF
    r[.ttbr0_el1] = 0x1000
    try m.put(0x1000, 0, 0x2000 | D.table)
    try m.put(0x2000, 0, 0x3000 | D.table)
    try m.put(0x3000, 0, 0x4000 | D.table)
    let want: [UInt8] = [0xFF, 0x04, 0x44, 0xBB, 0x00, 0xEE, 0xAA, 0x0C]
    for i: UInt64 in 0..<8 {
      try m.put(0x4000, i, (0x9000_0000 + i * 0x1000) | D.attrIndx(i) | D.af | D.shInner | 3)
      let t = try #require(walk(m, r, el1Ctx, i * 0x1000).outcome.translation)
      #expect(t.attributes.mair == want[Int(i)], "AttrIndx \(i)")
    }
    // SH[1:0]: 00 non-shareable, 10 outer, 11 inner.
    for (sh, want) in [(UInt64(0b00), Shareability.none), (0b10, .outer), (0b11, .inner)] {
      try m.put(0x4000, 0, 0x9000_0000 | (sh << 8) | D.af | 3)
      #expect(walk(m, r, el1Ctx, 0).outcome.translation?.attributes.shareability == want)
    }
    // MAIR_EL2 is the one EL2 uses.
    r[.mair_el2] = 0xBB
    r[.ttbr0_el2] = 0x1000
    try m.put(0x4000, 0, 0x9000_0000 | D.af | D.shInner | 3)
    #expect(walk(m, r, el2Ctx, 0).outcome.translation?.attributes.mair == 0xBB)
  }

  @Test("PAR shareability: Device and Normal iNC/oNC report outer (architecture.md §9.4)")
  func reportedShareability() {
    #expect(MemoryAttributes(mair: 0x04, shareability: .inner).reportedShareability == .outer)
    #expect(MemoryAttributes(mair: 0x00, shareability: .none).reportedShareability == .outer)
    #expect(MemoryAttributes(mair: 0x44, shareability: .inner).reportedShareability == .outer)
    #expect(MemoryAttributes(mair: 0xFF, shareability: .inner).reportedShareability == .inner)
    #expect(MemoryAttributes(mair: 0xFF, shareability: .none).reportedShareability == .none)
    // Only one of the two nibbles non-cacheable: the shareability stands.
    #expect(MemoryAttributes(mair: 0x4F, shareability: .inner).reportedShareability == .inner)
  }

  @Test("stage-2 MemAttr alone as a MAIR byte (architecture.md §7.2)")
  func stage2MemAttr() {
    // Device: MemAttr[3:2] = 00, [1:0] nGnRnE, nGnRE, nGRE, GRE.
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b0000) == 0x00)
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b0001) == 0x04)
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b0010) == 0x08)
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b0011) == 0x0C)
    // Normal: 0xF WB/WB, 0x5 NC/NC.
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b1111) == 0xFF)
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b0101) == 0x44)
    // Outer WB, inner NC.
    #expect(MemoryAttributes.stage2MAIR(memAttr: 0b1101) == 0xF4)
  }

  static func combine(_ s1: UInt8, _ memAttr: UInt64, fwb: Bool = false) -> UInt8 {
    MemoryAttributes.combine(
      stage1: MemoryAttributes(mair: s1, shareability: .inner), stage2: memAttr,
      s2Shareability: .inner, fwb: fwb
    ).mair
  }

  @Test("FWB=0: Device wins (the more restrictive type), NC < WT < WB (architecture.md §7.3)")
  func combineWithoutFWB() {
    // Both Normal: each nibble takes the weaker cacheability, hints from stage 1.
    #expect(Self.combine(0xFF, 0b1111) == 0xFF)
    #expect(Self.combine(0xFF, 0b0101) == 0x44)
    #expect(Self.combine(0xFF, 0b1010) == 0xBB)  // WB RWA → WT RWA
    #expect(Self.combine(0xEE, 0b1010) == 0xAA)  // WB RA → WT RA (stage-1 hints)
    #expect(Self.combine(0xFF, 0b1101) == 0xF4)  // outer WB, inner NC
    #expect(Self.combine(0xFF, 0b0111) == 0x4F)  // outer NC, inner WB
    #expect(Self.combine(0xBB, 0b1111) == 0xBB)
    #expect(Self.combine(0x44, 0b1111) == 0x44)
    #expect(Self.combine(0xBB, 0b0101) == 0x44)
    // Device on either side.
    #expect(Self.combine(0xFF, 0b0001) == 0x04)
    #expect(Self.combine(0x04, 0b1111) == 0x04)
    #expect(Self.combine(0x00, 0b0011) == 0x00)  // nGnRnE beats GRE
    #expect(Self.combine(0x0C, 0b0001) == 0x04)  // nGnRE beats GRE
    #expect(Self.combine(0x08, 0b0010) == 0x08)
    #expect(Self.combine(0x0C, 0b0010) == 0x08)  // nGRE beats GRE
  }

  @Test("combined shareability: outer if either, else inner if either (architecture.md §7.3)")
  func combineShareability() {
    func sh(_ a: Shareability, _ b: Shareability, _ s1: UInt8 = 0xFF, _ s2: UInt64 = 0b1111)
      -> Shareability
    {
      MemoryAttributes.combine(
        stage1: MemoryAttributes(mair: s1, shareability: a), stage2: s2, s2Shareability: b,
        fwb: false
      ).reportedShareability
    }
    #expect(sh(.inner, .outer) == .outer)
    #expect(sh(.outer, .none) == .outer)
    #expect(sh(.none, .inner) == .inner)
    #expect(sh(.inner, .none) == .inner)
    #expect(sh(.none, .none) == .none)
    // A Device or iNC/oNC result is outer shareable.
    #expect(sh(.inner, .inner, 0x04) == .outer)
    #expect(sh(.inner, .inner, 0xFF, 0b0101) == .outer)
  }

  @Test("combining with FWB=1: stage 2 decides (architecture.md §7.4)")
  func combineWithFWB() {
    // 0b111: stage-1 attributes unchanged.
    #expect(Self.combine(0xBB, 0b0111, fwb: true) == 0xBB)
    #expect(Self.combine(0x04, 0b0111, fwb: true) == 0x04)
    // 0b101: Normal NC unless stage 1 is Device.
    #expect(Self.combine(0xFF, 0b0101, fwb: true) == 0x44)
    #expect(Self.combine(0x04, 0b0101, fwb: true) == 0x04)
    // 0b110: Normal WB even over stage-1 Device or NC (then RWA, 0xFF)...
    #expect(Self.combine(0x00, 0b0110, fwb: true) == 0xFF)
    #expect(Self.combine(0x44, 0b0110, fwb: true) == 0xFF)
    // ...keeping stage-1 hints when stage 1 is cacheable.
    #expect(Self.combine(0xEE, 0b0110, fwb: true) == 0xEE)
    // Write-Through becomes Write-Back with the same hints: 0b10RW → 0b11RW per nibble.
    #expect(Self.combine(0xBB, 0b0110, fwb: true) == 0xFF)
    #expect(Self.combine(0xAA, 0b0110, fwb: true) == 0xEE)
    // Each nibble on its own: outer NC → WB RWA, inner WB kept.
    #expect(Self.combine(0x4F, 0b0110, fwb: true) == 0xFF)
    // 0b0xx: Device of the MemAttr[1:0] type (combined with a Device stage 1, as KVM does —
    // the model's documented choice of the architecture.md §7.4 conflict).
    #expect(Self.combine(0xFF, 0b0001, fwb: true) == 0x04)
    #expect(Self.combine(0x00, 0b0011, fwb: true) == 0x00)
  }

  @Test("FWB 0b111 keeps stage-1 attributes but still combines shareability")
  func fwbShareability() {
    let r = MemoryAttributes.combine(
      stage1: MemoryAttributes(mair: 0xFF, shareability: .inner), stage2: 0b0111,
      s2Shareability: .outer, fwb: true)
    #expect(r.mair == 0xFF)
    #expect(r.shareability == .outer)
  }

  @Test("a nested walk combines stage-1 MAIR and stage-2 MemAttr")
  func nestedCombination() throws {
    // Stage 1 AttrIndx 0 (0xFF inner); stage 2 for the output page: MemAttr 0b1010 (WT/WT),
    // outer shareable.
    let m = PhysicalMemory()
    let r = try WalkTests.buildNested(
      m,
      s2Leaf: { n in
        n == 5
          ? D.memAttr(0b1010) | D.s2ap(0b11) | D.shOuter | D.af | D.page : D.s2rw | D.page
      })
    let t = try #require(walk(m, r, WalkTests.nested, WalkTests.va4K48).outcome.translation)
    #expect(t.attributes.mair == 0xBB)
    #expect(t.attributes.shareability == .outer)
    // With HCR_EL2.FWB and MemAttr 0b0110 over a stage-1 Device page → Normal WB.
    var r2 = r
    r2[.hcr_el2] |= HCR.fwb
    try m.write64(0x200_4020, 0x5000 | D.attrIndx(1) | D.af | D.shInner | D.page)
    try m.put(0x100_3000, 5, 0x200_5000 | D.memAttr(0b0110) | D.s2ap(0b11) | D.shInner | D.af | 3)
    #expect(
      walk(m, r2, WalkTests.nested, WalkTests.va4K48).outcome.translation?.attributes.mair == 0xFF)
  }
}
