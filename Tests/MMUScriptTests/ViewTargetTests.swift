import MMU
import MMUSyntax
import MMUTestSupport
import Testing

@testable import MMUScript

/// What a walk, view or table check read is recorded as data (ViewTarget, DumpDiffSide,
/// SymbolicAddress), not as words: the expected values are the operands each script names.
@Suite("View targets: the interpreter records what was read, typed")
struct ViewTargetTests {
  /// Space `k` (kernel half, current on TTBR1_EL1) with a 4K page at 0xffff_0000_0000_1000,
  /// and space `u` (user half, not switched to).
  static let spaces = """
    space k regime el1 ttbr1 granule 4k va_bits 48
    map k 0xffff_0000_0000_1000 -> 0x4000_1000 size 4k
    switch ttbr1_el1 k
    space u regime el1 ttbr0 granule 4k va_bits 48
    map u 0x1000 -> 0x4000_1000 size 4k user ro

    """

  @Test("walk names the regime word, translate the space")
  func walks() {
    let h = Harness()
    #expect(
      h.run(
        Self.spaces + """
          walk el1 0xffff_0000_0000_1000
          walk el0 0x1000
          translate u 0x1000
          """) == nil)
    let walks = h.events.events.compactMap { e -> WalkEvent? in
      if case .walk(let w) = e { w } else { nil }
    }
    #expect(walks.map(\.target) == [.regime(.el1), .regime(.el0), .space(name: "u")])
    // No symbols loaded: no symbol.
    #expect(walks.allSatisfy { $0.symbol == nil })
  }

  @Test("dump, dump … format, layout, explain and tlb fill name what they read")
  func views() throws {
    let h = Harness()
    #expect(
      h.run(
        Self.spaces + """
          dump u
          dump el1
          dump k format linux
          layout el0
          explain 0x1000 for s1
          tlb fill el1 0xffff_0000_0000_1000
          """) == nil)
    var dumps: [ViewTarget] = []
    var ptdumps: [ViewTarget] = []
    var named: [AccessRegime] = []
    for e in h.events.events {
      switch e {
      case .dump(let d): dumps.append(d.target)
      case .ptdump(let p): ptdumps.append(p.target)
      case .layout(let l): named.append(l.accessRegime)
      case .explain(let x): named.append(x.accessRegime)
      case .tlb(let t):
        if case .fill(let r, let va, _) = t.action {
          named.append(r)
          #expect(va == 0xffff_0000_0000_1000)
        }
      default: break
      }
    }
    #expect(dumps == [.space(name: "u"), .regime(.el1)])
    #expect(ptdumps == [.space(name: "k")])
    #expect(named == [.el0, .s1, .el1])
  }

  @Test("check wx, check aliases and find pa record the target, as do their assert forms")
  func checks() {
    let h = Harness()
    #expect(
      h.run(
        Self.spaces + """
          check wx k
          check aliases el1
          find pa 0x4000_1000 u
          assert check wx el1
          assert check aliases u
          assert find pa 0x4000_1000 k
          """) == nil)
    var targets: [ViewTarget] = []
    for e in h.events.events {
      switch e {
      case .wxCheck(let c): targets.append(c.target)
      case .aliasCheck(let c): targets.append(c.target)
      case .findPA(let f): targets.append(f.target)
      default: break
      }
    }
    #expect(targets == [.space(name: "k"), .regime(.el1), .space(name: "u")])
    // Only the targets are asserted here (the verdicts are AssertionCheckTests').
    #expect(
      h.assertions.map(\.check).map(Self.target) == [
        .regime(.el1), .space(name: "u"), .space(name: "k"),
      ])
  }

  static func target(_ c: AssertionCheck) -> ViewTarget? {
    switch c {
    case .wx(let t, _, _), .aliases(let t, _), .findPA(let t, _, _): t
    default: nil
    }
  }

  @Test("a snapshot keeps what it was taken of; diff dump records each side")
  func snapshots() throws {
    let h = Harness()
    #expect(
      h.run(
        Self.spaces + """
          snapshot dump k as before
          snapshot dump el1 as regs
          map k 0xffff_0000_0000_3000 -> 0x4000_3000 size 4k
          diff dump before el1
          diff dump u regs
          assert diff dump before k
          """) == nil)
    #expect(h.interpreter.dumpSnapshots["before"]?.target == .space(name: "k"))
    #expect(h.interpreter.dumpSnapshots["regs"]?.target == .regime(.el1))
    let diffs = h.events.events.compactMap { e -> DumpDiffEvent? in
      if case .dumpDiff(let d) = e { d } else { nil }
    }
    try #require(diffs.count == 2)
    #expect(diffs[0].first == .snapshot(name: "before", of: .space(name: "k")))
    #expect(diffs[0].second == .tables(.regime(.el1)))
    #expect(diffs[1].first == .tables(.space(name: "u")))
    #expect(diffs[1].second == .snapshot(name: "regs", of: .regime(.el1)))
    // ptdump rows cover the holes too: the page at 0x3000 splits the empty row
    // 0x2000-0x200000 (only the snapshot has it) into 0x2000-0x3000, the page and
    // 0x4000-0x200000 (only `k` now has them): 4 rows.
    #expect(
      h.assertions.map(\.check) == [
        .dumpDiff(
          first: .snapshot(name: "before", of: .space(name: "k")),
          second: .tables(.space(name: "k")), rows: 4)
      ])
  }

  @Test("after load symbols, walks and dump rows carry the nearest symbol and the offset")
  func symbols() throws {
    let folder = try TemporaryFolder("mmush-symbols")
    // System.map lines: `_stext` at the page, `later` 0x800 past it.
    let map = folder.write(
      "System.map",
      Array("ffff000000001000 T _stext\nffff000000001800 t later\n".utf8))
    let h = Harness()
    #expect(
      h.run(
        Self.spaces + """
          load symbols "\(map)"
          walk el1 0xffff_0000_0000_1000
          walk el1 0xffff_0000_0000_1010
          walk el1 0xffff_0000_0000_1fff
          dump k
          """) == nil)
    let walks = h.events.events.compactMap { e -> WalkEvent? in
      if case .walk(let w) = e { w } else { nil }
    }
    #expect(
      walks.map(\.symbol) == [
        SymbolicAddress(name: "_stext", offset: 0),
        SymbolicAddress(name: "_stext", offset: 0x10),
        SymbolicAddress(name: "later", offset: 0x7ff),
      ])
    let dump = h.events.events.compactMap { e -> DumpEvent? in
      if case .dump(let d) = e { d } else { nil }
    }
    // One run, starting at the page: `_stext` itself.
    #expect(dump.first?.sections.first?.symbols == [SymbolicAddress(name: "_stext", offset: 0)])
  }
}

extension ViewTargetTests {
  @Test("diagnostics name the target in the words the sink gives (the shell's)")
  func diagnostics() {
    let h = Harness()
    #expect(h.run(Self.spaces) == nil)
    #expect(
      h.run("dump u format kvm")?.message
        == "format kvm is KVM's stage-2 dump; space u is EL1&0")
    #expect(
      h.run("dump k 0x1000 size 4k")?.message
        == "0x1000 is outside every range of space k")
    #expect(
      h.run("snapshot dump el1 as x format kvm")?.message
        == "format kvm is KVM's stage-2 dump; el1 is EL1&0")
  }
}
