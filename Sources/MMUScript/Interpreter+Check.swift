import MMU
import MMUSyntax

extension Interpreter {
  func executeAssert(_ s: AssertStmt) throws {
    let message = try s.message.map { formatter.format(try evaluate($0)) }
    switch s.condition {
    case .expr(let e):
      let ok = try truth(evaluate(e), e.range)
      try record(
        AssertionEvent(
          passed: ok, what: "assert", expected: "true", actual: ok ? "true" : "false",
          message: message, range: s.range))
    case .walk(let w):
      try assertWalk(w, message: message, range: s.range)
    case .table(let t):
      try assertTable(t, message: message, range: s.range)
    case .tlb(let state, let r, let vaExpr):
      let reg = try regime(r)
      let va = try integer(vaExpr)
      let a = probeAccess(reg, va: va, range: s.range)
      let actual = a.tlb.name
      var detail = actual
      if case .stale(let current) = a.tlb {
        detail += " (cached \(outcomeText(a.outcome)), tables now \(outcomeText(current)))"
      } else {
        detail += " (\(outcomeText(a.outcome)))"
      }
      try record(
        AssertionEvent(
          passed: actual == state.rawValue, what: "tlb \(reg.rawValue) \(formatter.hex(va))",
          expected: state.rawValue, actual: detail, message: message, range: s.range))
    }
  }

  func outcomeText(_ o: WalkOutcome, ipa: Bool = false) -> String {
    switch o {
    case .translated(let t): return addressText(t.pa, ipa: ipa)
    case .faulted(let f): return formatter.fault(f)
    }
  }

  /// "pa 0x…", or "ipa 0x…" for `s1` under stage 2.
  func addressText(_ address: UInt64, ipa: Bool = false) -> String {
    "\(ipa ? "ipa" : "pa") \(formatter.hex(address))"
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
    let what = "walk \(r.rawValue) \(formatter.hex(va)) \(access)"
    // An address or a permission is all these ask: a plain TLB hit answers them.
    switch w.expectation {
    case .translates, .allows:
      if let got = hitAddress(r, va: va, access: access, useTLB: !w.noTLB) {
        let actual = addressText(got)
        var expected = "allowed"
        var ok = true
        if case .translates(let e) = w.expectation {
          let pa = try integer(e)
          expected = addressText(pa)
          ok = got == pa
        }
        try record(
          AssertionEvent(
            passed: ok, what: what, expected: expected, actual: actual, message: message,
            range: range))
        return
      }
    case .faults, .denies: break
    }
    let a = performAccess(
      r, va: va, access: access, trace: false, useTLB: !w.noTLB, range: range)
    // `s1` under stage 2 outputs an IPA: the texts say so.
    let ipa = outputIsIPA(r, context(r, cpu: machine.cpu))
    let actual = outcomeText(a.outcome, ipa: ipa)
    switch w.expectation {
    case .translates(let e):
      let pa = try integer(e)
      let ok = a.outcome.translation?.pa == pa
      try record(
        AssertionEvent(
          passed: ok, what: what, expected: addressText(pa, ipa: ipa),
          actual: actual, message: message, range: range))
    case .faults(let kind, let level, let stage, let s1ptw):
      var expected = "a fault"
      var ok = false
      if let f = a.outcome.fault {
        ok = true
        if let kind {
          ok = ok && f.kind.rawValue == kind.rawValue
        }
        if let level {
          let l = try smallInt(level, "level", in: -1...3)
          ok = ok && f.level == l
        }
        if let stage {
          let st = try smallInt(stage, "stage", in: 1...2)
          ok = ok && f.stage == st
        }
        if s1ptw { ok = ok && f.s1ptw }
      }
      // Worded as the fault formatter words the actual fault.
      var parts: [String] = [kind.map { "\($0.rawValue) fault" } ?? "a fault"]
      if let level { parts.append("level \(try smallInt(level, "level", in: -1...3))") }
      if let stage { parts.append("stage \(try smallInt(stage, "stage", in: 1...2))") }
      if s1ptw { parts.append("on a stage-1 table walk") }
      if parts.count > 1 || kind != nil { expected = parts.joined(separator: ", ") }
      try record(
        AssertionEvent(
          passed: ok, what: what, expected: expected, actual: actual, message: message, range: range
        ))
    case .allows:
      let ok = a.outcome.translation != nil
      try record(
        AssertionEvent(
          passed: ok, what: what, expected: "allowed", actual: actual, message: message,
          range: range))
    case .denies:
      // Denied means a permission fault: a walk that does not translate at all is not a
      // statement about permissions.
      let ok = a.outcome.fault?.kind == .permission
      try record(
        AssertionEvent(
          passed: ok, what: what, expected: "permission fault", actual: actual, message: message,
          range: range))
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
    let kind = s.severity == .error ? "error" : "warning"
    let what = "expect \(kind)" + (text.map { " \"\($0)\"" } ?? "")
    if s.severity == .error {
      do {
        _ = try executeScoped(s.body)
        try record(
          AssertionEvent(
            passed: false, what: what, expected: "an error", actual: "no error", message: nil,
            range: s.range))
      } catch let d as Diagnostic {
        try record(
          AssertionEvent(
            passed: matches(d.message), what: what, expected: text ?? "an error", actual: d.message,
            message: nil, range: s.range))
      }
      return
    }
    warningCaptures.append([])
    let flow: Result<Flow, Error>
    do { flow = .success(try executeScoped(s.body)) } catch { flow = .failure(error) }
    let caught = warningCaptures.removeLast()
    if case .failure(let e) = flow { throw e }
    let ok = caught.contains(where: matches)
    try record(
      AssertionEvent(
        passed: ok, what: what, expected: text ?? "a warning",
        actual: caught.isEmpty ? "no warning" : caught.joined(separator: "; "), message: nil,
        range: s.range))
  }
}
