import MMU
import Testing

@testable import MMUSyntax

@Suite("Translation, TLB, checking and view statements")
struct TranslationStatementTests {
  @Test("walk: optional regime, options in any order")
  func walk() throws {
    let w = try parsed("walk el1 0xffff_0000_0000_1000 write trace notlb", as: WalkStmt.self)
    #expect(sx(w.regime) == "%el1" && sx(w.va) == "0xffff_0000_0000_1000")
    #expect(w.access == .write && w.trace && w.noTLB)
    let bare = try parsed("walk va", as: WalkStmt.self)
    #expect(
      bare.regime == nil && sx(bare.va) == "va" && bare.access == nil && !bare.trace && !bare.noTLB)
    let reordered = try parsed("walk s2 ipa notlb exec", as: WalkStmt.self)
    #expect(sx(reordered.regime) == "%s2" && reordered.access == .exec && reordered.noTLB)
    // A regime held in a variable: two operands, so the first is the regime.
    let variable = try parsed("walk r base + 8 read", as: WalkStmt.self)
    #expect(sx(variable.regime) == "r" && sx(variable.va) == "(+ base 8)")
    // With a space before `(`, `walk` is the command and `(va)` its operand.
    let paren = try parsed("walk (va)", as: WalkStmt.self)
    #expect(paren.regime == nil && sx(paren.va) == "(paren va)")
  }

  @Test func at() throws {
    for operation in ATOperation.vocabulary {
      let a = try parsed("at \(operation.word) 0x1000", as: ATStmt.self)
      #expect(a.operation == operation && sx(a.va) == "0x1000")
    }
  }

  @Test func explain() throws {
    let e = try parsed("explain 0xffff_8000_0000_0000 for el2", as: ExplainStmt.self)
    #expect(sx(e.va) == "0xffff_8000_0000_0000" && sx(e.regime) == "%el2")
    #expect(try parsed("explain va", as: ExplainStmt.self).regime == nil)
  }

  @Test("tlbi: every operation the model implements, optional address, asid, level, xt")
  func tlbi() throws {
    // 21 bases (13 classic, 8 FEAT_TLBIRANGE), each local, IS and OS.
    #expect(TLBIOperation.vocabulary.count == 63)
    for operation in TLBIOperation.vocabulary {
      let t = try parsed("tlbi \(operation.word)", as: TLBIStmt.self)
      #expect(t.operation == operation && t.address == nil)
    }
    let t = try parsed("tlbi vae1is 0x40_0000 asid 5 level 3", as: TLBIStmt.self)
    #expect(t.operation == TLBIOperation(.vae1, .inner) && t.operation.broadcast)
    #expect(sx(t.address) == "0x40_0000" && sx(t.asid) == "5" && sx(t.level) == "3" && t.xt == nil)
    let x = try parsed("tlbi vale1 xt (5 << 48) | (va >> 12)", as: TLBIStmt.self)
    #expect(x.address == nil && sx(x.xt) == "(| (paren (<< 5 48)) (paren (>> va 12)))")
    let a = try parsed("tlbi aside1 asid 7", as: TLBIStmt.self)
    #expect(a.address == nil && sx(a.asid) == "7")
    #expect(!TLBIOperation(.vale1).broadcast)
    let os = try parsed("tlbi vae1os 0x1000", as: TLBIStmt.self)
    #expect(os.operation == TLBIOperation(.vae1, .outer) && sx(os.address) == "0x1000")
  }

  /// Range operations (FEAT_TLBIRANGE) take ADDR size SIZE, or the raw xt.
  @Test func rangeTLBI() throws {
    let r = try parsed("tlbi rvae1is 0x40_0000 size 64k asid 5 level 3", as: TLBIStmt.self)
    #expect(r.operation == TLBIOperation(.rvae1, .inner) && r.operation.isRange)
    #expect(sx(r.address) == "0x40_0000" && sx(r.size) == "0x1_0000")
    #expect(sx(r.asid) == "5" && sx(r.level) == "3")
    let s2 = try parsed("tlbi ripas2e1is 0x8000 size 2M", as: TLBIStmt.self)
    #expect(s2.operation == TLBIOperation(.ripas2e1, .inner) && sx(s2.size) == "0x20_0000")
    let x = try parsed("tlbi rvaale1 xt (1 << 46) | 4", as: TLBIStmt.self)
    #expect(x.operation == TLBIOperation(.rvaale1) && x.size == nil && x.address == nil)
    #expect(sx(x.xt) == "(| (paren (<< 1 46)) 4)")
    #expect(diagnose("tlbi rvae1 0x1000 size 4k size 8k") != nil)
  }

  @Test("dsb: every domain; bare dsb is sy")
  func dsb() throws {
    #expect(BarrierDomain.vocabulary.count == 12)
    for domain in BarrierDomain.vocabulary {
      #expect(try parsed("dsb \(domain.word)", as: DSBStmt.self).domain == domain)
    }
    #expect(try parsed("dsb oshld", as: DSBStmt.self).domain == .oshld)
    #expect(try parsed("dsb nshld", as: DSBStmt.self).domain == .nshld)
    #expect(try parsed("dsb", as: DSBStmt.self).domain == .sy)
    #expect(span(try parsed("isb", as: ISBStmt.self).range) == "1:1-1:4")
  }

  @Test func tlbFill() throws {
    let f = try parsed("tlb fill el1 0x1000", as: TLBFillStmt.self)
    #expect(sx(f.regime) == "%el1" && sx(f.va) == "0x1000")
  }

  func walkAssertion(_ text: String) throws -> (WalkAssertion, Expr?) {
    let a = try parsed(text, as: AssertStmt.self)
    guard case .walk(let walk) = a.condition else {
      throw UnexpectedShape(description: "not an assert walk: \(a.condition)")
    }
    return (walk, a.message)
  }

  @Test("assert walk == PA")
  func assertWalkTranslates() throws {
    let (w, message) = try walkAssertion(#"assert walk el1 va + 8 write notlb == pa | 8, "mapped""#)
    #expect(sx(w.regime) == "%el1" && sx(w.va) == "(+ va 8)" && w.access == .write && w.noTLB)
    guard case .translates(let pa) = w.expectation else {
      Issue.record("translates")
      return
    }
    #expect(sx(pa) == "(| pa 8)")
    #expect(sx(message) == #""mapped""#)
    let (bare, none) = try walkAssertion("assert walk 0x1000 == 0x2000")
    #expect(bare.regime == nil && bare.access == nil && !bare.noTLB && none == nil)
  }

  @Test("assert walk faults, with kind, level, stage and s1ptw")
  func assertWalkFaults() throws {
    let (w, _) = try walkAssertion("assert walk el1 va exec faults permission level 3 stage 1")
    #expect(w.access == .exec)
    guard case .faults(let kind, let level, let stage, let s1ptw) = w.expectation else {
      Issue.record("faults")
      return
    }
    #expect(kind == .permission && sx(level) == "3" && sx(stage) == "1" && !s1ptw)
    for fault in MMUSyntax.FaultKind.allCases {
      let (f, _) = try walkAssertion("assert walk va faults \(fault.rawValue)")
      #expect(f.expectation == .faults(kind: fault, level: nil, stage: nil, s1ptw: false))
    }
    let (p, message) = try walkAssertion(
      #"assert walk va faults s1ptw stage 2 translation level -1, "ptw""#)
    guard case .faults(.translation, let l, let s, true) = p.expectation else {
      Issue.record("s1ptw")
      return
    }
    #expect(sx(l) == "(- 1)" && sx(s) == "2" && sx(message) == #""ptw""#)
    let (any, _) = try walkAssertion("assert walk va faults")
    #expect(any.expectation == .faults(kind: nil, level: nil, stage: nil, s1ptw: false))
  }

  @Test("assert walk allows and denies")
  func assertWalkPermissions() throws {
    let (a, _) = try walkAssertion("assert walk el0 va allows read")
    #expect(sx(a.regime) == "%el0" && a.expectation == .allows(.read) && a.access == nil)
    let (d, _) = try walkAssertion("assert walk va denies exec")
    #expect(d.regime == nil && d.expectation == .denies(.exec))
  }

  @Test("assert tlb: every state, optional regime")
  func assertTLB() throws {
    for state in TLBState.allCases {
      let a = try parsed("assert tlb \(state.rawValue) el1 0x1000", as: AssertStmt.self)
      guard case .tlb(let found, let regime, let va) = a.condition else {
        Issue.record("tlb form")
        return
      }
      #expect(found == state && sx(regime) == "%el1" && sx(va) == "0x1000")
    }
    let bare = try parsed("assert tlb miss va", as: AssertStmt.self)
    guard case .tlb(.miss, nil, let va) = bare.condition else {
      Issue.record("tlb without regime")
      return
    }
    #expect(sx(va) == "va")
  }

  @Test("assert EXPR, with a message; a walk() call is an expression")
  func assertExpression() throws {
    let a = try parsed(#"assert levels(el1) == 4, "four levels""#, as: AssertStmt.self)
    #expect(a.condition == .expr(try #require(exprOf(a))))
    #expect(sx(exprOf(a)) == "(== (call levels %el1) 4)" && sx(a.message) == #""four levels""#)
    let call = try parsed("assert walk(el1, va).ok", as: AssertStmt.self)
    #expect(sx(exprOf(call)) == "(. (call walk %el1 va) ok)")
    let tlbVariable = try parsed("assert tlb == 3", as: AssertStmt.self)
    #expect(sx(exprOf(tlbVariable)) == "(== tlb 3)")
    let parenthesised = try parsed("assert (a == b)", as: AssertStmt.self)
    #expect(sx(exprOf(parenthesised)) == "(paren (== a b))")
  }

  func exprOf(_ a: AssertStmt) -> Expr? {
    if case .expr(let e) = a.condition { return e }
    return nil
  }

  @Test func expect() throws {
    let w = try parsed(
      "expect warning \"break-before-make\" {\n  map 0 -> 0 size 4k force\n}", as: ExpectStmt.self)
    #expect(w.severity == .warning && sx(w.text) == #""break-before-make""# && w.body.count == 1)
    let e = try parsed("expect error { map 0 -> 0 size 4k }", as: ExpectStmt.self)
    #expect(e.severity == .error && e.text == nil && e.body.count == 1)
  }

  @Test("dump: nothing, a target, a window, or both")
  func dump() throws {
    let bare = try parsed("dump", as: DumpStmt.self)
    #expect(bare.target == nil && bare.window == nil)
    let target = try parsed("dump kern", as: DumpStmt.self)
    #expect(sx(target.target) == "kern" && target.window == nil)
    let regime = try parsed("dump el2", as: DumpStmt.self)
    #expect(sx(regime.target) == "%el2")
    let window = try parsed("dump 0xffff_0000_0000_0000 size 1G", as: DumpStmt.self)
    #expect(window.target == nil && sx(window.window?.va) == "0xffff_0000_0000_0000")
    #expect(sx(window.window?.size) == "0x4000_0000")
    let both = try parsed("dump kern base size 2M", as: DumpStmt.self)
    #expect(
      sx(both.target) == "kern" && sx(both.window?.va) == "base"
        && sx(both.window?.size) == "0x20_0000")
  }

  @Test func layoutAndGraph() throws {
    #expect(try parsed("layout", as: LayoutStmt.self).regime == nil)
    #expect(sx(try parsed("layout el2", as: LayoutStmt.self).regime) == "%el2")
    let g = try parsed(#"graph "tables.dot""#, as: GraphStmt.self)
    #expect(g.space == nil && sx(g.file) == #""tables.dot""#)
    let s = try parsed(#"graph kern dir + "/k.dot""#, as: GraphStmt.self)
    #expect(sx(s.space) == "kern" && sx(s.file) == #"(+ dir "/k.dot")"#)
  }
}
