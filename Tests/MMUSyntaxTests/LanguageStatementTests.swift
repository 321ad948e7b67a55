import Testing

@testable import MMUSyntax

@Suite("Language statements")
struct LanguageStatementTests {
  @Test func letBinding() throws {
    let s = try parsed("let x = 1 + 2", as: LetStmt.self)
    #expect(s.name.text == "x")
    #expect(span(s.name.range) == "1:5-1:6")
    #expect(sx(s.value) == "(+ 1 2)")
    #expect(span(s.range) == "1:1-1:14")
  }

  @Test func assignment() throws {
    let s = try parsed("x = x << 1", as: AssignStmt.self)
    #expect(s.name.text == "x")
    #expect(sx(s.value) == "(<< x 1)")
    // Command words are not reserved: followed by `=`, they are assigned.
    let w = try parsed("walk = 3", as: AssignStmt.self)
    #expect(w.name.text == "walk")
  }

  @Test func procedure() throws {
    let s = try parsed(
      "proc page(va, size) {\n  map va -> va size size\n  return va\n}", as: ProcStmt.self)
    #expect(s.name.text == "page")
    #expect(s.parameters.map(\.text) == ["va", "size"])
    #expect(s.body.count == 2)
    if case .return(let r) = s.body.last {
      #expect(sx(r.value) == "va")
    } else {
      Issue.record("last statement is not return")
    }
    #expect(span(s.range) == "1:1-4:2")
    let empty = try parsed("proc nothing() {}", as: ProcStmt.self)
    #expect(empty.parameters.isEmpty && empty.body.isEmpty)
  }

  @Test func callStatement() throws {
    let s = try parsed("setup(0x4000_0000, el1)", as: CallStmt.self)
    #expect(s.callee.text == "setup")
    #expect(s.arguments.map(sx) == ["0x4000_0000", "%el1"])
    // A command word immediately followed by `(` is a call, not the command.
    let w = try parsed("walk(el1, va)", as: CallStmt.self)
    #expect(w.callee.text == "walk")
    #expect(w.arguments.count == 2)
  }

  @Test func returns() throws {
    let s = try parsed("proc f() { return }", as: ProcStmt.self)
    guard case .return(let r) = s.body.first else {
      Issue.record("not a return")
      return
    }
    #expect(r.value == nil)
    let v = try parsed("proc f() { return 1 }", as: ProcStmt.self)
    guard case .return(let rv) = v.body.first else {
      Issue.record("not a return")
      return
    }
    #expect(sx(rv.value) == "1")
  }

  @Test func ifElseChain() throws {
    let s = try parsed(
      "if a == 1 {\n  print 1\n} else if a == 2 {\n  print 2\n}\nelse {\n  print 3\n}",
      as: IfStmt.self)
    #expect(s.branches.map { sx($0.condition) } == ["(== a 1)", "(== a 2)"])
    #expect(s.branches.map(\.body.count) == [1, 1])
    #expect(s.elseBody?.count == 1)
    #expect(span(s.range) == "1:1-8:2")
    let bare = try parsed("if x { }", as: IfStmt.self)
    #expect(bare.branches.count == 1 && bare.elseBody == nil)
  }

  @Test("else may follow the closing brace on a later line, but only after an if")
  func elseOnNextLine() throws {
    let statements = try program("if x {\n}\n\nelse {\n  print 1\n}\nprint 2")
    #expect(statements.count == 2)
    let d = try #require(diagnose("print 1\nelse {\n}"))
    #expect(d.message == "'else' without a matching 'if'")
  }

  @Test func forLoops() throws {
    let s = try parsed("for i in 0 ..< n step 2 {\n  print i\n}", as: ForStmt.self)
    #expect(s.variable.text == "i")
    #expect(sx(s.from) == "0")
    #expect(sx(s.to) == "n")
    #expect(!s.inclusive)
    #expect(sx(s.step) == "2")
    #expect(s.body.count == 1)
    let inclusive = try parsed("for l in start_level(el1) ... 3 { }", as: ForStmt.self)
    #expect(inclusive.inclusive)
    #expect(inclusive.step == nil)
    #expect(sx(inclusive.from) == "(call start_level %el1)")
    // `step` is not reserved.
    let named = try parsed("for step in 0..<4 { print step }", as: ForStmt.self)
    #expect(named.variable.text == "step")
  }

  @Test func importAndInclude() throws {
    let i = try parsed(#"import "linux/arm64""#, as: ImportStmt.self)
    #expect(i.path == "linux/arm64")
    #expect(span(i.pathRange) == "1:8-1:21")
    let c = try parsed(#"include "../common.mmu""#, as: IncludeStmt.self)
    #expect(c.path == "../common.mmu")
  }

  @Test func printAndEcho() throws {
    let p = try parsed(#"print va, levels(el1), "x" + hex(1)"#, as: PrintStmt.self)
    #expect(p.values.map(sx) == ["va", "(call levels %el1)", #"(+ "x" (call hex 1))"#])
    let e = try parsed(#"echo "hello""#, as: EchoStmt.self)
    #expect(sx(e.value) == #""hello""#)
    let blank = try parsed("echo", as: EchoStmt.self)
    #expect(blank.value == nil)
  }

  @Test func reset() throws {
    let r = try parsed("reset", as: ResetStmt.self)
    #expect(span(r.range) == "1:1-1:6")
  }

  @Test("statements end at a line break, at ';', or before '}'")
  func terminators() throws {
    let statements = try program("print 1; print 2\n\n;;print 3\nif x { print 4; print 5 }")
    #expect(statements.count == 4)
    guard case .if(let s) = statements.last else {
      Issue.record("not an if")
      return
    }
    #expect(s.branches[0].body.count == 2)
    #expect(try program("").isEmpty)
    #expect(try program("\n# only a comment\n;\n").isEmpty)
  }

  @Test("a line continuation joins two lines into one statement")
  func continuedStatement() throws {
    let m = try parsed("map 0x1000 \\\n    -> 0x2000 size 4k \\\n    rw", as: MapStmt.self)
    #expect(sx(m.pa) == "0x2000")
    #expect(m.attributes.map(\.kind) == [.rw])
  }

  @Test("statement ranges cover first word to last token")
  func statementRanges() throws {
    let statements = try program("let a = 1\n  walk el1 a trace ; isb")
    #expect(statements.map { span($0.range) } == ["1:1-1:10", "2:3-2:19", "2:22-2:25"])
  }
}
