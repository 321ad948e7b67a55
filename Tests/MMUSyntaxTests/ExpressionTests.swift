import Testing

@testable import MMUSyntax

@Suite("Expressions")
struct ExpressionTests {
  @Test(
    "precedence, tightest first: unary, * / %, + -, << >>, &, ^, |, comparisons, &&, ||",
    arguments: [
      ("1 + 2 * 3", "(+ 1 (* 2 3))"),
      ("1 * 2 + 3", "(+ (* 1 2) 3)"),
      ("a - b - c", "(- (- a b) c)"),
      ("a / b % c * d", "(* (% (/ a b) c) d)"),
      ("1 << 2 + 3", "(<< 1 (+ 2 3))"),
      ("a & b << 1", "(& a (<< b 1))"),
      ("a ^ b & c", "(^ a (& b c))"),
      ("a | b ^ c", "(| a (^ b c))"),
      ("va & mask == 0", "(== (& va mask) 0)"),
      ("a | b < c | d", "(< (| a b) (| c d))"),
      ("a < b && c >= d", "(&& (< a b) (>= c d))"),
      ("a || b && c", "(|| a (&& b c))"),
      ("a && b || c && d", "(|| (&& a b) (&& c d))"),
      ("-a * b", "(* (- a) b)"),
      ("-x.y", "(- (. x y))"),
      ("!a == b", "(== (! a) b)"),
      ("~0 >> 12", "(>> (~ 0) 12)"),
      ("- -1", "(- (- 1))"),
      ("(1 + 2) * 3", "(* (paren (+ 1 2)) 3)"),
      ("a != b", "(!= a b)"),
      ("a <= b", "(<= a b)"),
      ("a > b", "(> a b)"),
    ])
  func precedence(text: String, tree: String) throws {
    #expect(sx(try expression(text)) == tree)
  }

  @Test("primaries: literals, names, regime words, calls, members")
  func primaries() throws {
    #expect(sx(try expression("0x1000")) == "0x1000")
    #expect(sx(try expression(#""a\tb""#)) == #""a\tb""#)
    #expect(sx(try expression("true")) == "true")
    #expect(sx(try expression("false")) == "false")
    #expect(sx(try expression("el2")) == "%el2")
    #expect(sx(try expression("s1")) == "%s1")
    #expect(sx(try expression("tcr_el1.t0sz")) == "(. tcr_el1 t0sz)")
    #expect(
      sx(try expression("walk(el1, va, \"write\").pa")) == #"(. (call walk %el1 va "write") pa)"#)
    #expect(sx(try expression("f()")) == "(call f)")
    #expect(sx(try expression("max(a,\n  b)")) == "(call max a b)")
    #expect(sx(try expression("bits(x, 47, 39) + 1")) == "(+ (call bits x 47 39) 1)")
  }

  @Test("a call needs the '(' right after the name")
  func callAdjacency() throws {
    // With a space, the name is an operand on its own and the expression ends there.
    #expect(diagnose("print f (1)")?.message == "expected end of statement, found '('")
    #expect(sx(try expression("f(1)")) == "(call f 1)")
  }

  @Test("ranges cover the whole expression")
  func ranges() throws {
    let expr = try expression("  a + f(b).c")
    #expect(span(expr.range) == "1:3-1:13")
    guard case .binary(_, let left, let right) = expr.kind else {
      Issue.record("not binary: \(sx(expr))")
      return
    }
    #expect(span(left.range) == "1:3-1:4")
    #expect(span(right.range) == "1:7-1:13")
  }

  @Test("unary minus is wrapping negation, kept as an operator on the literal")
  func negation() throws {
    let expr = try expression("-1")
    guard case .unary(.negate, let operand) = expr.kind, case .decimal(1) = operand.kind else {
      Issue.record("not a negated literal: \(sx(expr))")
      return
    }
    #expect(span(operand.range) == "1:2-1:3")
  }

  @Test("comparisons do not chain")
  func noChainedComparisons() throws {
    let diagnostic = try #require(diagnose("assert a < b < c"))
    #expect(diagnostic.message == "comparison operators cannot be chained")
    #expect(diagnostic.range.start.column == 14)
    #expect(sx(try expression("(a < b) == c")) == "(== (paren (< a b)) c)")
  }

  @Test("precedence table is the documented order")
  func precedenceOrder() {
    let order: [BinaryOperator] = [
      .or, .and, .equal, .bitOr, .bitXor, .bitAnd, .shiftLeft, .add, .multiply,
    ]
    let levels = order.map(\.precedence)
    #expect(levels == levels.sorted())
    #expect(Set(levels).count == levels.count)
    #expect(BinaryOperator.less.isComparison && !BinaryOperator.bitOr.isComparison)
  }

  @Test("Expr.description is canonical source")
  func description() throws {
    #expect(try expression("va&0xfff==0").description == "va & 0xfff == 0")
    #expect(try expression("-(a+b)").description == "-(a + b)")
    #expect(try expression("f( x ,y ).z").description == "f(x, y).z")
  }
}
