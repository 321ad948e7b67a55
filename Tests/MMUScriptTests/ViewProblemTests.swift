import MMU
import MMUShell
import MMUSyntax
import Testing

@testable import MMUScript

/// A view's problem is data (ViewProblem) with the registers, half, address and the model's
/// own fault; the shell words it once (ViewProblemText), as docs/views.md shows.
@Suite("View problems: typed in the events, worded by the shell")
struct ViewProblemTests {
  /// The problems of `dump`'s sections and `layout`'s ranges, in order.
  static func problems(_ h: Harness) -> (dump: [ViewProblem?], layout: [ViewProblem?]) {
    var dump: [ViewProblem?] = []
    var layout: [ViewProblem?] = []
    for e in h.events.events {
      if case .dump(let d) = e { dump += d.sections.map(\.problem) }
      if case .layout(let l) = e { layout += l.regions.filter { $0.kind == .range }.map(\.problem) }
    }
    return (dump, layout)
  }

  @Test("TCR_EL1.EPD1=1: the upper half carries the register, the half and a level-0 fault")
  func walksDisabled() {
    let h = Harness()
    #expect(h.run("set tcr_el1.epd1 = 1\ndump el1\nlayout el1") == nil)
    // architecture.md §2.9: EPD1=1 faults a TTBR1 walk before any read, Translation, level 0.
    let expected = ViewProblem.walksDisabled(
      tcr: .tcr_el1, ttbr: 1, fault: Fault(.translation, level: 0))
    let p = Self.problems(h)
    #expect(p.dump == [nil, expected])
    #expect(p.layout == [nil, expected])
  }

  @Test("with `set fault_level start` the EPD fault is at the start level, and is worded so")
  func walksDisabledAtStartLevel() {
    let h = Harness()
    // T1SZ=25: a 39-bit upper half on 4K, 12 + 3 × 9 bits, so the walk starts at level 1
    // (architecture.md §2.5); the setup fault is reported there (§2.9).
    #expect(
      h.run("set tcr_el1.t1sz = 25\nset tcr_el1.epd1 = 1\nset fault_level start\ndump el1") == nil
    )
    let fault = Fault(.translation, level: 1)
    #expect(Self.problems(h).dump.last == .walksDisabled(tcr: .tcr_el1, ttbr: 1, fault: fault))
    #expect(
      ViewProblemText().message(.walksDisabled(tcr: .tcr_el1, ttbr: 1, fault: fault))
        == "TCR_EL1.EPD1=1 (a walk from TTBR1 faults: translation, level 1)")
  }

  @Test("T0SZ=0 is out of range: the lower half has no walk, with the regime word and fault")
  func noWalk() {
    let h = Harness()
    // architecture.md §2.4: TxSZ below 16 (4K, no LPA2) is a level-0 Translation fault.
    #expect(h.run("set tcr_el1.t0sz = 0\ndump el1") == nil)
    #expect(
      Self.problems(h).dump == [.noWalk(regime: .el1, fault: Fault(.translation, level: 0)), nil])
  }

  @Test("stage 2 on with VTCR_EL2 = 0: both halves name the stage-2 setup fault")
  func stage2NoWalk() {
    let h = Harness()
    // VTCR_EL2.T0SZ=0 is out of range (architecture.md §5.4): a level-0 stage-2 Translation
    // fault for IPA 0, the probe's address.
    #expect(h.run("set stage2 on\nset vtcr_el2 = 0\ndump el1") == nil)
    let expected = ViewProblem.stage2NoWalk(
      fault: Fault(.translation, level: 0, stage: 2, ipa: 0))
    #expect(Self.problems(h).dump == [expected, expected])
  }

  @Test("table roots that stage 2 does not map: each half's IPA and the stage 2 it goes through")
  func unmappedTable() {
    let h = Harness()
    // VTCR_EL2 as the defaults set it (4K, 40-bit IPA); g maps one page at IPA 0x200_0000.
    // TTBR0_EL1 = 0 and TTBR1_EL1 = 0x4000_0000 are start-table IPAs g does not map.
    let script = """
      set ipa_bits 40 granule 4k
      space g regime s2
      map g 0x200_0000 -> 0x9000_0000 size 4K
      switch vttbr_el2 g
      set stage2 on
      set ttbr1_el1 = 0x4000_0000
      dump el1
      """
    #expect(h.run(script) == nil)
    #expect(
      Self.problems(h).dump == [
        .unmappedTable(ipa: 0, via: "VTTBR_EL2"),
        .unmappedTable(ipa: 0x4000_0000, via: "VTTBR_EL2"),
      ])
  }

  @Test("a kernel-format dump of a half with a problem: the diagnostic carries the same words")
  func diagnosticWords() {
    let h = Harness()
    let d = h.run("set tcr_el1.epd1 = 1\ndump el1 format linux")
    #expect(
      d?.message == "TTBR1_EL1: TCR_EL1.EPD1=1 (a walk from TTBR1 faults: translation, level 0)")
  }

  @Test("the shell's words for each case, as docs/views.md gives them")
  func wording() {
    let grouped = ViewProblemText()
    let plain = ViewProblemText(formatter: .plain)
    #expect(
      grouped.message(.noWalk(regime: .el1, fault: Fault(.translation, level: 0)))
        == "the registers of el1 describe no valid walk (translation fault, level 0, stage 1)")
    #expect(
      grouped.message(
        .stage2NoWalk(fault: Fault(.addressSize, level: 0, stage: 2, ipa: 0x8000_0000)))
        == "stage 2: the registers of s2 describe no valid walk "
        + "(address_size fault, level 0, stage 2, IPA 0x8000_0000)")
    #expect(
      grouped.message(
        .walksDisabled(tcr: .tcr_el2, ttbr: 0, fault: Fault(.translation, level: 0)))
        == "TCR_EL2.EPD0=1 (a walk from TTBR0 faults: translation, level 0)")
    #expect(
      grouped.message(.unmappedTable(ipa: 0x4000_0000, via: "g"))
        == "a stage-1 table at IPA 0x4000_0000 is not mapped by stage 2 (g)")
    #expect(
      plain.message(.unmappedTable(ipa: 0x4000_0000, via: nil))
        == "a stage-1 table at IPA 0x40000000 is not mapped by stage 2")
  }

  @Test("each case has its own stable kind")
  func kinds() {
    let cases: [ViewProblem] = [
      .noWalk(regime: .el1, fault: Fault(.translation, level: 0)),
      .stage2NoWalk(fault: Fault(.translation, level: 0, stage: 2)),
      .walksDisabled(tcr: .tcr_el1, ttbr: 1, fault: Fault(.translation, level: 0)),
      .unmappedTable(ipa: 0, via: nil),
    ]
    #expect(cases.map(\.kind.rawValue) == ViewProblem.Kind.allCases.map(\.rawValue))
    #expect(
      cases.map(\.kind.rawValue) == [
        "no-walk", "stage2-no-walk", "walks-disabled", "unmapped-table",
      ])
  }
}

/// A layout's holes carry the model's fault for an access there.
@Suite("Layout holes: the model's fault")
struct LayoutHoleTests {
  static func holes(_ h: Harness) -> [LayoutRegion] {
    h.events.events.flatMap { e -> [LayoutRegion] in
      guard case .layout(let l) = e else { return [] }
      return l.regions.filter { $0.kind == .hole }
    }
  }

  @Test("a VA between the halves faults at level 0, or at the start level when chosen")
  func holeFaultLevel() {
    // T0SZ=T1SZ=25: 39-bit halves on 4K, starting at level 1 (architecture.md §2.5). A VA
    // between them is out of range: a Translation fault before any read (§2.9), at level 0
    // by default and at the start level with `set fault_level start`.
    let h = Harness()
    #expect(h.run("set tcr_el1.t0sz = 25\nset tcr_el1.t1sz = 25\nlayout el1") == nil)
    #expect(Self.holes(h).map(\.first) == [0x80_0000_0000])
    #expect(Self.holes(h).map(\.fault) == [Fault(.translation, level: 0)])
    let start = Harness()
    #expect(
      start.run(
        "set tcr_el1.t0sz = 25\nset tcr_el1.t1sz = 25\nset fault_level start\nlayout el1") == nil)
    #expect(Self.holes(start).map(\.fault) == [Fault(.translation, level: 1)])
  }

  @Test("a hole's words are how the fault formatter begins")
  func holeWordsAreTheFaultFormattersStart() {
    let f = ValueFormatter()
    for fault in [Fault(.translation, level: 0), Fault(.addressSize, level: -1, stage: 2)] {
      #expect(f.fault(fault).hasPrefix(f.faultKindAndLevel(fault) + ", stage "))
    }
    #expect(f.faultKindAndLevel(Fault(.translation, level: 1)) == "translation fault, level 1")
  }
}
