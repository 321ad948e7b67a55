import MMU
import MMUScript
import MMUSyntax
import Testing

/// One vocabulary: every instruction, barrier option and regime the model's tables hold is a
/// word the language parses and the interpreter executes, with the model's own meaning.
@Suite("Vocabulary")
struct VocabularyTests {
  /// Every TLBI of the model, at EL2 with operands it takes: it parses to the model's own
  /// operation, executes, and is pending until a DSB completes it.
  @Test(arguments: TLBIOperation.vocabulary)
  func everyTLBIRuns(_ op: TLBIOperation) throws {
    let h = Harness()
    let operand =
      op.isRange ? " 0x40_0000 size 64k" : op.byAddress ? " 0x40_0000" : ""
    let d = h.run("set el 2\ntlbi \(op.word)\(operand)")
    #expect(d == nil, "tlbi \(op.word)\(operand): \(d?.message ?? "")")
    let pending = h.interpreter.machine.cpu.pendingTLBIs
    #expect(pending.map(\.operation) == [op])
  }

  /// Every barrier option parses to the model's own, and completes a pending local TLBI
  /// exactly when the model says it completes TLB maintenance.
  @Test(arguments: BarrierDomain.vocabulary)
  func everyBarrierRuns(_ d: BarrierDomain) throws {
    let h = Harness()
    #expect(h.run("tlbi vmalle1\ndsb \(d.word)") == nil)
    #expect(h.interpreter.machine.cpu.pendingTLBIs.isEmpty == d.completesTLBI)
  }

  /// An Outer Shareable TLBI is completed by `dsb osh` or `dsb sy`, not by `dsb ish` (the
  /// Arm ARM's DSB: the shareability domain a barrier waits for).
  @Test func osFormsCompleteAtOSH() {
    let h = Harness()
    #expect(h.run("tlbi vae1os 0x1000\ndsb ish") == nil)
    #expect(h.interpreter.machine.cpu.pendingTLBIs.count == 1)
    #expect(h.run("dsb osh") == nil)
    #expect(h.interpreter.machine.cpu.pendingTLBIs.isEmpty)
  }

  /// A range TLBI takes its range in address form: a missing size is an error that says how.
  @Test func rangeNeedsASize() throws {
    let d = try #require(Harness().run("tlbi rvae1is 0x1000"))
    #expect(d.message.contains("size SIZE"))
    let wrong = try #require(Harness().run("tlbi vae1 0x1000 size 4k"))
    #expect(wrong.message.contains("only range operations take a size"))
  }

  /// Every AT operation parses to the model's own and runs at EL2.
  @Test(arguments: ATOperation.vocabulary)
  func everyATRuns(_ op: ATOperation) {
    let h = Harness()
    #expect(h.run("set el 2\nat \(op.word) 0x1000") == nil)
  }

  /// Every regime word evaluates to the model's own, and names the context the model gives.
  @Test(arguments: AccessRegime.vocabulary)
  func everyRegimeWord(_ r: AccessRegime) {
    let h = Harness()
    #expect(h.run("print \(r.word)") == nil)
    #expect(h.printed == [r.word])
  }

  /// A typo gets its hint from the model's table, range and OS forms included.
  @Test func hintsComeFromTheTables() throws {
    let t = try #require(Harness().run("tlbi rvae1iz 0x1000 size 4k"))
    #expect(t.hint == "did you mean 'rvae1is'?")
    let d = try #require(Harness().run("dsb oshldd"))
    #expect(d.hint == "did you mean 'oshld'?")
    let s = try #require(Harness().run("space k regime vhee"))
    #expect(s.hint == "did you mean 'vhe'?")
  }
}
