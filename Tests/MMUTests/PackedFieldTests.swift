import Testing

@testable import MMU

/// Geometry, StageSetup and StageLeaf keep their small fields packed in one word: each field
/// must read back what was stored, at the ends of its range, without disturbing the others.
@Suite("Packed fields")
struct PackedFieldTests {
  @Test func geometryFieldsRoundTrip() {
    for granule in Granule.allCases {
      for (ia, start) in [(25, 3), (48, 0), (52, -1), (64, -1), (12, 3)] {
        for ds in [false, true] {
          var g = Geometry(granule: granule, inputBits: ia, startLevel: start, ds: ds)
          #expect(g.granule == granule && g.inputBits == ia && g.startLevel == start && g.ds == ds)
          g.startLevel = -1
          g.ds.toggle()
          #expect(g.granule == granule && g.inputBits == ia && g.startLevel == -1 && g.ds != ds)
          g.inputBits = 52
          g.granule = .k16
          #expect(g.granule == .k16 && g.inputBits == 52 && g.startLevel == -1 && g.ds != ds)
        }
      }
    }
  }

  @Test func stageSetupFieldsRoundTrip() {
    let g = Geometry(granule: .k64, inputBits: 52, startLevel: 1, ds: false)
    for regime in Regime.allCases {
      for pan in [PrivilegedAccessNever.none, .el0Accessible, .el0AccessibleOrExecutable] {
        for flags in [0, 0b11_1111, 0b10_1010, 0b01_0101] {
          let on = { (i: Int) in flags & 1 << i != 0 }
          var s = StageSetup(
            regime: regime, geometry: g, tableBase: 0xffff_ffff_f000, outputBits: 52,
            upperRange: on(0), hpd: on(1), hardwareAF: on(2), hardwareDirty: on(3), wxn: on(4),
            mair: 0xff44_0c04, tcrShareability: 3, asid: 0xffff, paMax: 48, xnx: on(5), pan: pan)
          #expect(s.regime == regime && s.pan == pan && s.geometry == g)
          #expect(s.upperRange == on(0) && s.hpd == on(1) && s.hardwareAF == on(2))
          #expect(s.hardwareDirty == on(3) && s.wxn == on(4) && s.xnx == on(5))
          #expect(s.outputBits == 52 && s.paMax == 48 && s.tcrShareability == 3)
          #expect(s.tableBase == 0xffff_ffff_f000 && s.mair == 0xff44_0c04 && s.asid == 0xffff)
          s.outputBits = 32
          s.tcrShareability = 0
          s.hpd.toggle()
          #expect(s.outputBits == 32 && s.tcrShareability == 0 && s.hpd != on(1))
          #expect(s.paMax == 48 && s.regime == regime && s.pan == pan && s.xnx == on(5))
        }
      }
    }
  }

  @Test func stageLeafFieldsRoundTrip() {
    var p = Permissions()
    p.privRead = true
    p.privExec = true
    for (level, bits) in [(-1, 48), (0, 39), (3, 12), (2, 29)] {
      for sh in [Shareability.none, .reserved, .outer, .inner] {
        let l = StageLeaf(
          output: 0xf_ffff_ffff_f000, level: level, blockBits: bits,
          descriptor: 0xffff_ffff_ffff_ffff, permissions: p, attribute: 0xff,
          shareability: sh, global: level != 0, contiguous: level == 3)
        #expect(l.level == level && l.blockBits == bits && l.permissions == p)
        #expect(l.attribute == 0xff && l.shareability == sh)
        #expect(l.global == (level != 0) && l.contiguous == (level == 3))
        #expect(l.output == 0xf_ffff_ffff_f000 && l.descriptor == .max)
      }
    }
  }

  @Test func faultFieldsRoundTrip() {
    for kind in FaultKind.allCases {
      for level in [-1, 0, 3] {
        var f = Fault(kind, level: level, stage: 2, s1ptw: true, ipa: 0, write: true)
        #expect(f.kind == kind && f.level == level && f.stage == 2 && f.s1ptw && f.write)
        #expect(f.ipa == 0)
        f.ipa = nil
        f.s1ptw = false
        #expect(f.ipa == nil && !f.s1ptw && f.write && f.kind == kind && f.level == level)
        f.kind = .tlbConflict
        f.level = 2
        #expect(f.kind == .tlbConflict && f.level == 2 && f.stage == 2 && f.write)
      }
    }
    // An absent IPA is not an IPA of 0, and two faults that differ only in it differ.
    #expect(Fault(.translation, level: 1) != Fault(.translation, level: 1, ipa: 0))
  }

  @Test func translationFieldsRoundTrip() {
    var s1 = Permissions()
    s1.privRead = true
    s1.el0Write = true
    var s2 = Permissions()
    s2.privExec = true
    let attrs = MemoryAttributes(mair: 0xff, shareability: .inner)
    var t = Translation(
      inputAddress: 0xffff_0000_1234_5678, ipa: 0x8_1234_5000, pa: 0xf_ffff_ffff_f678,
      level: -1, blockBits: 48, descriptor: .max, stage2Level: 3, stage2BlockBits: 12,
      stage2Descriptor: 0x4000_0000_0743, stage1Permissions: s1, stage2Permissions: s2,
      attributes: attrs, global: true, contiguous: true)
    #expect(t.level == -1 && t.blockBits == 48 && t.stage2Level == 3 && t.stage2BlockBits == 12)
    #expect(t.stage1Permissions == s1 && t.stage2Permissions == s2 && t.attributes == attrs)
    #expect(t.global && t.contiguous && t.ipa == 0x8_1234_5000 && t.descriptor == .max)
    #expect(t.stage2Descriptor == 0x4000_0000_0743 && t.mappingBits == 12)
    t.stage2Level = nil
    #expect(t.stage2Level == nil && t.stage2BlockBits == nil && t.stage2Descriptor == nil)
    #expect(t.level == -1 && t.blockBits == 48 && t.attributes == attrs)
    t.stage1Permissions = nil
    t.attributes = MemoryAttributes(mair: 0x04, shareability: .outer)
    t.global = false
    #expect(t.stage1Permissions == nil && t.stage2Permissions == s2 && !t.global)
    #expect(t.attributes == MemoryAttributes(mair: 0x04, shareability: .outer) && t.contiguous)
    t.level = 3
    t.blockBits = 12
    #expect(t.level == 3 && t.blockBits == 12 && t.stage2Permissions == s2)
  }
}
