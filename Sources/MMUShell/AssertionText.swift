import MMU
import MMUScript

/// The words of an assertion (AssertionEvent's check): what was checked, what was expected
/// and what was found. Used by the text renderer's failure line and the JSON `assert` event's
/// `what`, `expected` and `actual` (docs/json.md) alike.
public struct AssertionText: Sendable {
  public var formatter: ValueFormatter
  public init(formatter: ValueFormatter = ValueFormatter()) { self.formatter = formatter }

  /// `walk el1 0x1000 read`, `tlb el1 0x1000`, `check wx el1`, `expect error "text"`…
  public func what(_ c: AssertionCheck) -> String {
    typealias T = ViewTargetText
    return switch c {
    case .condition: "assert"
    case .walk(let w): "walk \(w.regime.rawValue) \(formatter.hex(w.va)) \(w.access)"
    case .tlb(let t): "tlb \(t.regime.rawValue) \(formatter.hex(t.va))"
    case .wx(let target, _, _): "check wx \(T.text(target))"
    case .aliases(let target, _): "check aliases \(T.text(target))"
    case .findPA(let target, let address, _): "find pa \(formatter.hex(address)) \(T.text(target))"
    case .dumpDiff(let first, let second, _): "diff dump \(T.text(first)) \(T.text(second))"
    case .expectError(let text, _): "expect error" + quoted(text)
    case .expectWarning(let text, _): "expect warning" + quoted(text)
    }
  }

  /// What the check expected: `pa 0x…`, `translation fault, level 3`, `hit`, `no aliases`…
  public func expected(_ c: AssertionCheck) -> String {
    switch c {
    case .condition: "true"
    case .walk(let w): expected(w)
    case .tlb(let t): t.expected.rawValue
    case .wx: "no W+X and no non-UXN pages"
    case .aliases: "no aliases"
    case .findPA: "a mapping"
    case .dumpDiff: "no difference"
    // A block that raised nothing is reported against any error, whatever the text.
    case .expectError(let text, let caught): caught == nil ? "an error" : text ?? "an error"
    case .expectWarning(let text, _): text ?? "a warning"
    }
  }

  /// What the check found: `pa 0x…` or the fault, `stale (cached …, tables now …)`, counts,
  /// the caught messages.
  public func actual(_ c: AssertionCheck, passed: Bool) -> String {
    switch c {
    case .condition: passed ? "true" : "false"
    case .walk(let w):
      switch w.observed {
      case .address(let a): address(a, ipa: w.outputIsIPA)
      case .outcome(let o): outcome(o, ipa: w.outputIsIPA)
      }
    case .tlb(let t):
      if case .stale(let current) = t.status {
        "\(t.status.name) (cached \(outcome(t.outcome)), tables now \(outcome(current)))"
      } else {
        "\(t.status.name) (\(outcome(t.outcome)))"
      }
    case .wx(_, let wx, let nonUXN): "\(wx) W+X pages, \(nonUXN) non-UXN pages"
    case .aliases(_, let n): "\(n) alias\(n == 1 ? "" : "es")"
    case .findPA(_, _, let n): "\(n) mapping\(n == 1 ? "" : "s")"
    case .dumpDiff(_, _, let n): "\(n) differing row\(n == 1 ? "" : "s")"
    case .expectError(_, let caught): caught ?? "no error"
    case .expectWarning(_, let caught):
      caught.isEmpty ? "no warning" : caught.joined(separator: "; ")
    }
  }

  /// Worded as the fault formatter words the actual fault: `translation fault, level 3`,
  /// `a fault, stage 2, on a stage-1 table walk`, `a fault` when nothing is named.
  func expected(_ w: WalkCheck) -> String {
    switch w.expectation {
    case .translates(let a): return address(a, ipa: w.outputIsIPA)
    case .allows: return "allowed"
    case .denies: return "permission fault"
    case .faults(let kind, let level, let stage, let s1ptw):
      var parts = [kind.map { "\($0.rawValue) fault" } ?? "a fault"]
      if let level { parts.append("level \(level)") }
      if let stage { parts.append("stage \(stage)") }
      if s1ptw { parts.append("on a stage-1 table walk") }
      return parts.joined(separator: ", ")
    }
  }

  /// The output address, or the fault as every message words it.
  func outcome(_ o: WalkOutcome, ipa: Bool = false) -> String {
    switch o {
    case .translated(let t): address(t.pa, ipa: ipa)
    case .faulted(let f): formatter.fault(f)
    }
  }

  /// `pa 0x…`, or `ipa 0x…` for `s1` under stage 2.
  func address(_ a: UInt64, ipa: Bool) -> String {
    "\(ipa ? "ipa" : "pa") \(formatter.hex(a))"
  }

  /// ` "text"` after `expect …` when the block names one.
  func quoted(_ text: String?) -> String { text.map { " \"\($0)\"" } ?? "" }
}
