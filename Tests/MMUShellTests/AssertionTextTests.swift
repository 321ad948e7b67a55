import MMU
import MMUScript
import MMUSyntax
import Testing

@testable import MMUShell

/// An assertion is data (AssertionEvent's check); the shell words it once, for the text
/// failure line and the JSON `assert` event alike. Each case is a hand-built event and the
/// words written out by hand, so a change of wording fails here.
@Suite("Assertion words: typed checks, worded by the shell")
struct AssertionTextTests {
  static let at = SourceRange(at: SourceLocation(file: "t.mmu", line: 4, column: 1, offset: 0))

  /// A 4K page at `pa`: only the output address is worded.
  static func translated(_ pa: UInt64) -> WalkOutcome {
    .translated(
      Translation(
        inputAddress: 0, ipa: nil, pa: pa, level: 3, blockBits: 12, descriptor: 0,
        stage2Level: nil, stage2BlockBits: nil, stage2Descriptor: nil, stage1Permissions: nil,
        stage2Permissions: nil, attributes: MemoryAttributes(mair: 0xff, shareability: .inner),
        global: true, contiguous: false))
  }

  static func walk(
    _ regime: AccessRegime = .el1, va: UInt64 = 0xffff_0000_0000_1000, _ access: AccessType = .read,
    expecting e: WalkCheck.Expectation, observed: WalkCheck.Observed, ipa: Bool = false
  ) -> AssertionCheck {
    .walk(
      WalkCheck(
        regime: regime, va: va, access: access, expectation: e, observed: observed,
        outputIsIPA: ipa))
  }

  /// The text renderer's line for a failed event, without the trailing newline.
  static func text(_ e: AssertionEvent, hexGrouping: Bool = true) -> String {
    let out = StringOutput()
    TextRenderer(output: out, formatter: ValueFormatter(hexGrouping: hexGrouping))
      .emit(.assertion(e))
    return out.text.hasSuffix("\n") ? String(out.text.dropLast()) : out.text
  }

  /// The JSON renderer's line, without the trailing newline.
  static func json(_ e: AssertionEvent, hexGrouping: Bool = true) -> String {
    let out = StringOutput()
    let r = JSONRenderer(output: out)
    r.formatterSource = { ValueFormatter(hexGrouping: hexGrouping) }
    r.emit(.assertion(e))
    return out.text.hasSuffix("\n") ? String(out.text.dropLast()) : out.text
  }

  /// `what`, `expected`, `actual` as the JSON event carries them after `passed`.
  static func jsonLine(passed: Bool, _ what: String, _ expected: String, _ actual: String)
    -> String
  {
    #"{"type":"assert","location":{"file":"t.mmu","line":4,"column":1},"passed":\#(passed),"#
      + #""what":"\#(what)","expected":"\#(expected)","actual":"\#(actual)"}"#
  }

  /// One failed check: its text line after `t.mmu:4:1: assertion failed: ` and its JSON
  /// `what`/`expected`/`actual`.
  struct Case: CustomTestStringConvertible, Sendable {
    var check: AssertionCheck
    var text: String
    var what: String
    var expected: String
    var actual: String
    var testDescription: String { what }
  }

  static let cases: [Case] = [
    Case(
      check: .condition, text: "assert: expected true, got false", what: "assert",
      expected: "true", actual: "false"),
    // A plain TLB hit answers with the address alone.
    Case(
      check: walk(expecting: .translates(to: 0x4000_2000), observed: .address(0x4000_1000)),
      text: "walk el1 0xffff_0000_0000_1000 read: expected pa 0x4000_2000, got pa 0x4000_1000",
      what: "walk el1 0xffff_0000_0000_1000 read", expected: "pa 0x4000_2000",
      actual: "pa 0x4000_1000"),
    // `s1` under stage 2: both addresses are IPAs.
    Case(
      check: walk(
        .s1, va: 0x1000_0000, expecting: .translates(to: 0x80_0000_0010),
        observed: .outcome(translated(0x80_0000_0000)), ipa: true),
      text: "walk s1 0x1000_0000 read: expected ipa 0x80_0000_0010, got ipa 0x80_0000_0000",
      what: "walk s1 0x1000_0000 read", expected: "ipa 0x80_0000_0010",
      actual: "ipa 0x80_0000_0000"),
    Case(
      check: walk(
        .el1, va: 0x1000, expecting: .translates(to: 0),
        observed: .outcome(
          .faulted(Fault(.translation, level: 1, stage: 2, s1ptw: true, ipa: 0x100_0000)))),
      text:
        "walk el1 0x1000 read: expected pa 0x0, got translation fault, level 1, stage 2, on a stage-1 table walk, IPA 0x100_0000",
      what: "walk el1 0x1000 read", expected: "pa 0x0",
      actual: "translation fault, level 1, stage 2, on a stage-1 table walk, IPA 0x100_0000"),
    // `faults` with nothing named: any fault.
    Case(
      check: walk(
        expecting: .faults(kind: nil, level: nil, stage: nil, s1ptw: false),
        observed: .outcome(translated(0x4000_1000))),
      text: "walk el1 0xffff_0000_0000_1000 read: expected a fault, got pa 0x4000_1000",
      what: "walk el1 0xffff_0000_0000_1000 read", expected: "a fault", actual: "pa 0x4000_1000"),
    Case(
      check: walk(
        expecting: .faults(kind: .permission, level: nil, stage: nil, s1ptw: false),
        observed: .outcome(.faulted(Fault(.translation, level: 3)))),
      text:
        "walk el1 0xffff_0000_0000_1000 read: expected permission fault, got translation fault, level 3, stage 1",
      what: "walk el1 0xffff_0000_0000_1000 read", expected: "permission fault",
      actual: "translation fault, level 3, stage 1"),
    Case(
      check: walk(
        .el0, va: 0x2000, .write,
        expecting: .faults(kind: .accessFlag, level: -1, stage: 2, s1ptw: true),
        observed: .outcome(.faulted(Fault(.translation, level: 3)))),
      text:
        "walk el0 0x2000 write: expected access_flag fault, level -1, stage 2, on a stage-1 table walk, got translation fault, level 3, stage 1",
      what: "walk el0 0x2000 write",
      expected: "access_flag fault, level -1, stage 2, on a stage-1 table walk",
      actual: "translation fault, level 3, stage 1"),
    // A kind left out: the parts named, after `a fault`.
    Case(
      check: walk(
        expecting: .faults(kind: nil, level: 2, stage: nil, s1ptw: true),
        observed: .outcome(.faulted(Fault(.translation, level: 3)))),
      text:
        "walk el1 0xffff_0000_0000_1000 read: expected a fault, level 2, on a stage-1 table walk, got translation fault, level 3, stage 1",
      what: "walk el1 0xffff_0000_0000_1000 read",
      expected: "a fault, level 2, on a stage-1 table walk",
      actual: "translation fault, level 3, stage 1"),
    Case(
      check: walk(
        .el2, va: 0x40_0000, .exec, expecting: .allows,
        observed: .outcome(.faulted(Fault(.permission, level: 2)))),
      text: "walk el2 0x40_0000 exec: expected allowed, got permission fault, level 2, stage 1",
      what: "walk el2 0x40_0000 exec", expected: "allowed",
      actual: "permission fault, level 2, stage 1"),
    Case(
      check: walk(
        .s2, va: 0x8000, .write, expecting: .denies, observed: .outcome(translated(0x9000))),
      text: "walk s2 0x8000 write: expected permission fault, got pa 0x9000",
      what: "walk s2 0x8000 write", expected: "permission fault", actual: "pa 0x9000"),
    Case(
      check: .tlb(
        TLBCheck(
          regime: .el1, va: 0x1000, expected: .hit,
          status: .stale(current: .faulted(Fault(.translation, level: 3))),
          outcome: translated(0x8000_1000))),
      text:
        "tlb el1 0x1000: expected hit, got stale (cached pa 0x8000_1000, tables now translation fault, level 3, stage 1)",
      what: "tlb el1 0x1000", expected: "hit",
      actual: "stale (cached pa 0x8000_1000, tables now translation fault, level 3, stage 1)"),
    Case(
      check: .tlb(
        TLBCheck(
          regime: .el1, va: 0xffff_0000_0020_3008, expected: .miss, status: .conflict(entries: 2),
          outcome: .faulted(Fault(.tlbConflict, level: 0)))),
      text:
        "tlb el1 0xffff_0000_0020_3008: expected miss, got conflict (tlb_conflict fault, level 0, stage 1)",
      what: "tlb el1 0xffff_0000_0020_3008", expected: "miss",
      actual: "conflict (tlb_conflict fault, level 0, stage 1)"),
    // The MMU off: the TLB was not consulted.
    Case(
      check: .tlb(
        TLBCheck(
          regime: .el1, va: 0x1234, expected: .stale, status: .notUsed,
          outcome: translated(0x1234))),
      text: "tlb el1 0x1234: expected stale, got none (pa 0x1234)", what: "tlb el1 0x1234",
      expected: "stale", actual: "none (pa 0x1234)"),
    Case(
      check: .tlb(
        TLBCheck(
          regime: .el2, va: 0x1000, expected: .conflict, status: .miss,
          outcome: translated(0x8000_7000))),
      text: "tlb el2 0x1000: expected conflict, got miss (pa 0x8000_7000)",
      what: "tlb el2 0x1000", expected: "conflict", actual: "miss (pa 0x8000_7000)"),
    Case(
      check: .wx(target: .regime(.el1), wxPages: 1, nonUXNPages: 0),
      text: "check wx el1: expected no W+X and no non-UXN pages, got 1 W+X pages, 0 non-UXN pages",
      what: "check wx el1", expected: "no W+X and no non-UXN pages",
      actual: "1 W+X pages, 0 non-UXN pages"),
    Case(
      check: .aliases(target: .space(name: "k"), count: 1),
      text: "check aliases space k: expected no aliases, got 1 alias",
      what: "check aliases space k", expected: "no aliases", actual: "1 alias"),
    Case(
      check: .aliases(target: .regime(.el1), count: 3),
      text: "check aliases el1: expected no aliases, got 3 aliases", what: "check aliases el1",
      expected: "no aliases", actual: "3 aliases"),
    Case(
      check: .findPA(target: .regime(.el1), address: 0x9000_0000, mappings: 0),
      text: "find pa 0x9000_0000 el1: expected a mapping, got 0 mappings",
      what: "find pa 0x9000_0000 el1", expected: "a mapping", actual: "0 mappings"),
    Case(
      check: .dumpDiff(
        first: .snapshot(name: "before", of: .regime(.el1)), second: .tables(.regime(.el1)),
        rows: 1),
      text: "diff dump snapshot before (el1) el1: expected no difference, got 1 differing row",
      what: "diff dump snapshot before (el1) el1", expected: "no difference",
      actual: "1 differing row"),
    Case(
      check: .dumpDiff(
        first: .tables(.space(name: "u")), second: .tables(.space(name: "k")), rows: 20),
      text: "diff dump space u space k: expected no difference, got 20 differing rows",
      what: "diff dump space u space k", expected: "no difference",
      actual: "20 differing rows"),
    // A block that raised nothing is reported against any error, whatever the text.
    Case(
      check: .expectError(text: "banana", caught: nil),
      text: #"expect error "banana": expected an error, got no error"#,
      what: #"expect error \"banana\""#, expected: "an error", actual: "no error"),
    Case(
      check: .expectError(text: "banana", caught: "division by zero"),
      text: #"expect error "banana": expected banana, got division by zero"#,
      what: #"expect error \"banana\""#, expected: "banana", actual: "division by zero"),
    Case(
      check: .expectError(text: nil, caught: nil),
      text: "expect error: expected an error, got no error", what: "expect error",
      expected: "an error", actual: "no error"),
    Case(
      check: .expectWarning(text: nil, caught: []),
      text: "expect warning: expected a warning, got no warning", what: "expect warning",
      expected: "a warning", actual: "no warning"),
    Case(
      check: .expectWarning(text: "none like it", caught: ["first", "second"]),
      text: #"expect warning "none like it": expected none like it, got first; second"#,
      what: #"expect warning \"none like it\""#, expected: "none like it",
      actual: "first; second"),
  ]

  @Test("a failed check: the text line and the JSON event carry the same words", arguments: cases)
  func failed(_ c: Case) {
    let e = AssertionEvent(passed: false, check: c.check, message: nil, range: Self.at)
    #expect(Self.text(e) == "t.mmu:4:1: assertion failed: " + c.text)
    #expect(Self.json(e) == Self.jsonLine(passed: false, c.what, c.expected, c.actual))
  }

  @Test("every check kind has a case here")
  func everyKindIsCovered() {
    // One entry per AssertionCheck case: a new case without words here fails.
    func kind(_ c: AssertionCheck) -> String {
      switch c {
      case .condition: "condition"
      case .walk: "walk"
      case .tlb: "tlb"
      case .wx: "wx"
      case .aliases: "aliases"
      case .findPA: "findPA"
      case .dumpDiff: "dumpDiff"
      case .expectError: "expectError"
      case .expectWarning: "expectWarning"
      }
    }
    #expect(Set(Self.cases.map { kind($0.check) }).count == 9)
  }

  @Test("a passed check prints nothing as text; JSON records it with the same words")
  func passed() {
    let e = AssertionEvent(
      passed: true, check: Self.walk(expecting: .allows, observed: .address(0x4000_1000)),
      message: nil, range: Self.at)
    #expect(Self.text(e) == "")
    #expect(
      Self.json(e)
        == Self.jsonLine(
          passed: true, "walk el1 0xffff_0000_0000_1000 read", "allowed", "pa 0x4000_1000"))
    let condition = AssertionEvent(passed: true, check: .condition, message: nil, range: Self.at)
    #expect(Self.json(condition) == Self.jsonLine(passed: true, "assert", "true", "true"))
  }

  @Test("the user's message follows the words: after a dash as text, as `message` in JSON")
  func message() {
    let e = AssertionEvent(
      passed: false, check: .condition, message: "one is not two", range: Self.at)
    #expect(
      Self.text(e)
        == "t.mmu:4:1: assertion failed: assert: expected true, got false — one is not two")
    #expect(
      Self.json(e)
        == #"{"type":"assert","location":{"file":"t.mmu","line":4,"column":1},"passed":false,"#
        + #""what":"assert","expected":"true","actual":"false","message":"one is not two"}"#)
  }

  @Test("`set hex_grouping off` reaches the words in text and JSON alike")
  func hexGrouping() {
    let e = AssertionEvent(
      passed: false,
      check: Self.walk(expecting: .translates(to: 0x4000_2000), observed: .address(0x4000_1000)),
      message: nil, range: Self.at)
    #expect(
      Self.text(e, hexGrouping: false)
        == "t.mmu:4:1: assertion failed: walk el1 0xffff000000001000 read: expected pa 0x40002000, got pa 0x40001000"
    )
    #expect(
      Self.json(e, hexGrouping: false)
        == Self.jsonLine(
          passed: false, "walk el1 0xffff000000001000 read", "pa 0x40002000", "pa 0x40001000"))
    // JSON's own fields are plain hex, but the words are the text's: grouped by default.
    #expect(Self.json(e).contains(#""what":"walk el1 0xffff_0000_0000_1000 read""#))
  }
}
