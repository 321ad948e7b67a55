import MMU
import MMUSyntax

extension Interpreter {
  func executeAssert(_ s: AssertStmt) throws {
    let message = try s.message.map { formatter.format(try evaluate($0)) }
    switch s.condition {
    case .expr(let e):
      let ok = try truth(evaluate(e), e.range)
      try record(AssertionEvent(passed: ok, check: .condition, message: message, range: s.range))
    case .walk(let w):
      try assertWalk(w, message: message, range: s.range)
    case .table(let t):
      try assertTable(t, message: message, range: s.range)
    case .tlb(let state, let r, let vaExpr):
      let reg = try regime(r)
      let va = try integer(vaExpr)
      let a = probeAccess(reg, va: va, range: s.range)
      let tlb = a.tlb
      let check = TLBCheck(
        regime: reg, va: va, expected: state, status: tlb, outcome: a.outcome)
      try record(
        AssertionEvent(
          passed: tlb.name == state.rawValue, check: .tlb(check), message: message,
          range: s.range))
    }
  }

  func assertWalk(_ w: WalkAssertion, message: String?, range: SourceRange) throws {
    let r = try regime(w.regime)
    let va = try integer(w.va)
    var access = accessType(w.access)
    if case .allows(let k) = w.expectation { access = accessType(k) }
    if case .denies(let k) = w.expectation { access = accessType(k) }
    if translationObserver != nil {
      let ctx = context(r, cpu: machine.cpu)
      observe(
        .assertWalk, context: ctx, stage1Only: outputIsIPA(r, ctx), access: access, va: va,
        range: range)
    }
    /// Records the check with this statement's access and message.
    func report(
      _ passed: Bool, _ expectation: WalkCheck.Expectation, _ observed: WalkCheck.Observed,
      ipa: Bool
    ) throws {
      let check = WalkCheck(
        regime: r, va: va, access: access, expectation: expectation, observed: observed,
        outputIsIPA: ipa)
      try record(
        AssertionEvent(passed: passed, check: .walk(check), message: message, range: range))
    }
    // An address or a permission is all these ask: a plain TLB hit answers them (never an
    // IPA: `s1` under stage 2 uses no TLB).
    switch w.expectation {
    case .translates, .allows:
      if let got = hitAddress(r, va: va, access: access, useTLB: !w.noTLB) {
        if case .translates(let e) = w.expectation {
          let pa = try integer(e)
          try report(got == pa, .translates(to: pa), .address(got), ipa: false)
        } else {
          try report(true, .allows, .address(got), ipa: false)
        }
        return
      }
    case .faults, .denies: break
    }
    let a = performAccess(
      r, va: va, access: access, trace: false, useTLB: !w.noTLB, range: range)
    // `s1` under stage 2 outputs an IPA: the check says so.
    let ipa = outputIsIPA(r, context(r, cpu: machine.cpu))
    let observed = WalkCheck.Observed.outcome(a.outcome)
    switch w.expectation {
    case .translates(let e):
      let pa = try integer(e)
      try report(a.outcome.translation?.pa == pa, .translates(to: pa), observed, ipa: ipa)
    case .faults(let kind, let levelExpr, let stageExpr, let s1ptw):
      let level = try levelExpr.map { try smallInt($0, "level", in: -1...3) }
      let stage = try stageExpr.map { try smallInt($0, "stage", in: 1...2) }
      var ok = false
      if let f = a.outcome.fault {
        ok = kind.map { f.kind.rawValue == $0.rawValue } ?? true
        if let level { ok = ok && f.level == level }
        if let stage { ok = ok && f.stage == stage }
        if s1ptw { ok = ok && f.s1ptw }
      }
      try report(
        ok, .faults(kind: kind, level: level, stage: stage, s1ptw: s1ptw), observed, ipa: ipa)
    case .allows:
      try report(a.outcome.translation != nil, .allows, observed, ipa: ipa)
    case .denies:
      // Denied means a permission fault: a walk that does not translate at all is not a
      // statement about permissions.
      try report(a.outcome.fault?.kind == .permission, .denies, observed, ipa: ipa)
    }
  }

  /// `expect warning|error ["text"] { … }`: passes when the block reports it. A caught error
  /// ends the block (its statement did not happen); warnings are printed as they happen, then
  /// checked.
  func executeExpect(_ s: ExpectStmt) throws {
    let text = try s.text.map { formatter.format(try evaluate($0)) }
    func matches(_ m: String) -> Bool {
      guard let text else { return true }
      return m.lowercased().contains(text.lowercased())
    }
    if s.severity == .error {
      do {
        _ = try executeScoped(s.body)
        try record(
          AssertionEvent(
            passed: false, check: .expectError(text: text, caught: nil), message: nil,
            range: s.range))
      } catch let d as Diagnostic {
        try record(
          AssertionEvent(
            passed: matches(d.message), check: .expectError(text: text, caught: d.message),
            message: nil, range: s.range))
      }
      return
    }
    warningCaptures.append([])
    let flow: Result<Flow, Error>
    do { flow = .success(try executeScoped(s.body)) } catch { flow = .failure(error) }
    let caught = warningCaptures.removeLast()
    if case .failure(let e) = flow { throw e }
    try record(
      AssertionEvent(
        passed: caught.contains(where: matches), check: .expectWarning(text: text, caught: caught),
        message: nil, range: s.range))
  }
}
