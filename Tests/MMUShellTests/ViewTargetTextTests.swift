import MMU
import MMUSyntax
import Testing

@testable import MMUScript
@testable import MMUShell

/// What a walk, view or table check read is data (ViewTarget, DumpDiffSide, SymbolicAddress);
/// the shell words it once, for text and JSON alike. The words are written out by hand here,
/// so a change of wording fails.
@Suite("View target words: typed targets and symbols, worded by the shell")
struct ViewTargetTextTests {
  static let at = SourceRange(at: SourceLocation(file: "t.mmu", line: 4, column: 1, offset: 0))
  static let location = #""location":{"file":"t.mmu","line":4,"column":1}"#

  @Test("a regime is its word, a space `space NAME`")
  func targets() {
    #expect(ViewTargetText.text(.regime(.el1)) == "el1")
    #expect(ViewTargetText.text(.regime(.s2)) == "s2")
    #expect(ViewTargetText.text(.space(name: "kern")) == "space kern")
    #expect(
      AccessRegime.allCases.map { ViewTargetText.text(.regime($0)) }
        == ["el0", "el1", "el2", "s1", "s2"])
  }

  @Test("a diff side: the target's words, or `snapshot NAME (TARGET)`")
  func diffSides() {
    #expect(ViewTargetText.text(.tables(.regime(.el2))) == "el2")
    #expect(ViewTargetText.text(.tables(.space(name: "u"))) == "space u")
    #expect(
      ViewTargetText.text(.snapshot(name: "before", of: .space(name: "k")))
        == "snapshot before (space k)")
    #expect(ViewTargetText.text(.snapshot(name: "s", of: .regime(.el1))) == "snapshot s (el1)")
  }

  @Test("a symbol as Linux writes it: bare at offset 0, else `+0x…` ungrouped")
  func symbols() {
    #expect(ViewWords.symbol(SymbolicAddress(name: "_stext", offset: 0)) == "_stext")
    #expect(ViewWords.symbol(SymbolicAddress(name: "do_bkpt32", offset: 0x10)) == "do_bkpt32+0x10")
    // Past 0xffff: still one run of digits, whatever `hex_grouping` says.
    #expect(
      ViewWords.symbol(SymbolicAddress(name: "f [mod]", offset: 0x1_0010)) == "f [mod]+0x10010")
  }

  static func text(_ e: ScriptEvent) -> String {
    let out = StringOutput()
    TextRenderer(output: out, formatter: ValueFormatter()).emit(e)
    return out.text
  }

  static func json(_ e: ScriptEvent) -> String {
    let out = StringOutput()
    JSONRenderer(output: out).emit(e)
    return out.text
  }

  @Test("find pa, check aliases and check wx: the target in the text line and JSON `target`")
  func checks() {
    let find = ScriptEvent.findPA(
      FindPAEvent(
        target: .space(name: "k"), first: 0x4000_0000, last: 0x4000_0000, mappings: [],
        range: Self.at))
    #expect(Self.text(find) == "find pa 0x4000_0000-0x4000_0001 in space k: 0 mappings\n")
    #expect(
      Self.json(find)
        == #"{"type":"find_pa",\#(Self.location),"target":"space k","first":"0x40000000","#
        + #""last":"0x40000000","mappings":[]}"# + "\n")
    let aliases = ScriptEvent.aliasCheck(
      AliasCheckEvent(target: .regime(.el2), aliases: [], range: Self.at))
    #expect(Self.text(aliases) == "check aliases el2: no aliases\n")
    #expect(
      Self.json(aliases)
        == #"{"type":"check_aliases",\#(Self.location),"target":"el2","passed":true,"#
        + #""aliases":[]}"# + "\n")
    let wx = ScriptEvent.wxCheck(
      WXCheckEvent(
        target: .space(name: "k"), section: "TTBR1_EL1", pageSize: 0x1000, result: WXCheck(),
        range: Self.at))
    #expect(
      Self.text(wx)
        == "check wx space k: TTBR1_EL1, 4K pages\n"
        + "Checked W+X mappings: passed, no W+X pages found\n")
    #expect(
      Self.json(wx)
        == #"{"type":"check_wx",\#(Self.location),"target":"space k","section":"TTBR1_EL1","#
        + #""page_size":"0x1000","passed":true,"wx_pages":0,"non_uxn_pages":0,"wx_rows":[],"#
        + #""non_uxn_rows":[]}"# + "\n")
  }

  @Test("diff dump: each side on its ---/+++ line and in JSON `first`/`second`")
  func diff() {
    let e = ScriptEvent.dumpDiff(
      DumpDiffEvent(
        first: .snapshot(name: "before", of: .space(name: "k")), second: .tables(.regime(.el1)),
        format: .linux, lines: [], range: Self.at))
    #expect(Self.text(e) == "--- snapshot before (space k)\n+++ el1\n")
    #expect(
      Self.json(e)
        == #"{"type":"diff_dump",\#(Self.location),"first":"snapshot before (space k)","#
        + #""second":"el1","format":"linux","lines":[]}"# + "\n")
  }

  /// A real walk's event, its target and symbol replaced: only those words are asserted.
  @Test("a walk: the target after `walk` and the symbol in <>, JSON `regime` and `symbol`")
  func walk() throws {
    let events = EventCollector()
    let it = Interpreter(sink: events)
    try it.run(
      SourceFile(
        name: "t.mmu",
        text: """
          space k regime el1 ttbr1 granule 4k va_bits 48
          map k 0xffff_0000_0000_0000 -> 0x4000_0000 size 2M
          switch ttbr1_el1 k
          walk el1 0xffff_0000_0001_0010
          """))
    var walk = try #require(
      events.events.compactMap { e -> WalkEvent? in
        if case .walk(let w) = e { w } else { nil }
      }.first)
    #expect(walk.target == .regime(.el1))
    #expect(Self.text(.walk(walk)).hasPrefix("walk el1 0xffff_0000_0001_0010 read: pa 0x4001_0010"))
    #expect(Self.json(.walk(walk)).contains(#""regime":"el1","cpu":0,"#))
    walk.target = .space(name: "k")
    walk.symbol = SymbolicAddress(name: "_stext", offset: 0x1_0010)
    #expect(
      Self.text(.walk(walk))
        .hasPrefix("walk space k 0xffff_0000_0001_0010 <_stext+0x10010> read: pa 0x4001_0010"))
    let json = Self.json(.walk(walk))
    #expect(json.contains(#""regime":"space k","cpu":0,"#))
    #expect(json.contains(#""symbol":"_stext+0x10010""#))
  }
}
