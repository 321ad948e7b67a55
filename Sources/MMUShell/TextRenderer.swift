import MMU
import MMUScript
import MMUSyntax

/// Renders events as readable text: aligned, hex addresses, one result per statement.
public final class TextRenderer: EventSink {
  let out: TextOutput
  /// How values and addresses print: the interpreter's formatter as it is at each event, so
  /// `set hex_grouping` reaches every rendering from the next statement on.
  public var formatter: ValueFormatter {
    get { formatterSource() }
    set { formatterSource = { newValue } }
  }
  /// Where `formatter` comes from (the runner binds it to the running interpreter).
  public var formatterSource: () -> ValueFormatter
  public var style: Style
  /// Suppresses results (not failures, warnings or errors): `--quiet`.
  public var quiet = false
  /// Looks up a source file for diagnostic excerpts.
  public var source: (String) -> SourceFile? = { _ in nil }
  /// Columns available, when the output is a terminal (measured at each view, so a resized
  /// REPL window is followed); nil lays views out in full. Setting it fixes the width.
  public var width: Int? {
    get { fixedWidth ?? (measuresTerminal ? Terminal.columns(of: out) : nil) }
    set {
      fixedWidth = newValue
      measuresTerminal = false
    }
  }
  var fixedWidth: Int?
  var measuresTerminal = true

  public init(
    output: TextOutput, formatter: ValueFormatter = ValueFormatter(),
    style: Style = Style(enabled: false)
  ) {
    self.out = output
    self.formatterSource = { formatter }
    self.style = style
  }

  func line(_ s: String) { out.write(s + "\n") }
  var text: DescriptorText { DescriptorText(f: formatter) }
  func hex(_ v: UInt64) -> String { formatter.hex(v) }

  public func message(for warning: ModelWarning, formatter: ValueFormatter) -> String {
    WarningText(formatter: formatter).message(warning)
  }

  public func emit(_ event: ScriptEvent) {
    switch event {
    case .assertion(let a):
      if !a.passed { line(assertionFailure(a)) }
      return
    case .warning(let d, _):
      line(style.warning(diagnosticText(d)))
      return
    default: break
    }
    if quiet { return }
    switch event {
    case .print(let values, _): line(values.map(formatter.format).joined(separator: " "))
    case .echo(let s, _): line(s)
    case .walk(let w): renderWalk(w)
    case .at(let a): renderAT(a)
    case .memRead(let address, let values, _):
      for (i, v) in values.enumerated() {
        line("\(hex(address &+ UInt64(i) &* 8)): \(hex(v))")
      }
    case .decode(let d): text.fields(d).forEach(line)
    case .show(let s): ShowText(r: self).render(s)
    case .explain(let e): ExplainText(r: self).render(e)
    case .dump(let d): ViewText(r: self).dump(d)
    case .layout(let l): ViewText(r: self).layout(l)
    case .graph(let g): ViewText(r: self).graph(g)
    case .ptdump(let e): PtdumpText(r: self).ptdump(e)
    case .wxCheck(let e): PtdumpText(r: self).wx(e)
    case .aliasCheck(let e): PtdumpText(r: self).aliases(e)
    case .findPA(let e): PtdumpText(r: self).findPA(e)
    case .dumpDiff(let e): PtdumpText(r: self).diff(e)
    // Maintenance prints nothing: the walks after it show its effect (JSON logs it).
    case .tlb: break
    case .live(let l): LiveText.lines(l).forEach(line)
    case .core(let c): CoreText.summary(c.state).forEach(line)
    case .symbols(let s): line("symbols \(s.path): \(s.count) symbols")
    case .assertion, .warning: break
    }
  }

  /// A diagnostic with its source excerpt when the file is known.
  public func diagnosticText(_ d: Diagnostic) -> String {
    if let f = source(d.range.start.file) { return render(d, source: f) }
    return d.description + (d.hint.map { "\nhint: " + $0 } ?? "")
  }

  func assertionFailure(_ a: AssertionEvent) -> String {
    var s = "\(a.range.start): \(style.error("assertion failed")): \(a.what)"
    if let e = a.expected, let got = a.actual { s += ": expected \(e), got \(got)" }
    if let m = a.message { s += " — \(m)" }
    return s
  }

  // MARK: Walks

  func faultText(_ f: Fault) -> String { formatter.fault(f) }

  /// What caused a fault, after the fault's own words.
  func causeText(_ c: FaultCause) -> String {
    switch c {
    case .privilegedAccessNever: ", by PSTATE.PAN"
    }
  }

  /// `outputIsIPA`: the output is stage 1's (`s1` under stage 2, a `via` space), so it is
  /// labelled `ipa`. `regime` decides which ELs the rights are listed for.
  func translationText(_ t: Translation, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> String
  {
    translationFields(t, regime: regime, outputIsIPA: outputIsIPA).joined(separator: "  ")
  }

  /// The fields of a translation, as `walk` prints them two spaces apart.
  func translationFields(_ t: Translation, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> [String]
  {
    var parts = [outputIsIPA ? "ipa \(hex(t.pa))" : "pa \(hex(t.pa))"]
    if let ipa = t.ipa { parts.append("ipa \(hex(ipa))") }
    parts.append(
      "level \(t.level) \(ViewWords.size(UInt64(1) << UInt64(t.blockBits))) \(t.level == 3 ? "page" : "block")"
    )
    parts.append(
      MemoryAttributes.describe(t.attributes.mair) + " " + t.attributes.shareability.description)
    parts.append(Self.rightsText(t.permissions, regime: regime))
    if !t.global { parts.append("nG") }
    return parts
  }

  func outcomeFields(_ o: WalkOutcome, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> [String]
  {
    switch o {
    case .translated(let t): return translationFields(t, regime: regime, outputIsIPA: outputIsIPA)
    case .faulted(let f): return [faultText(f)]
    }
  }

  /// A walk's rights: `el0 rwx priv rwx`, or `priv rwx` alone for non-VHE EL2, a one-range
  /// regime without EL0 (its descriptors have no EL0 permission: AP[1] is ignored, one XN).
  static func rightsText(_ p: Permissions, regime: MMU.Regime?) -> String {
    let priv = ViewWords.rwx(p.privRead, p.privWrite, p.privExec)
    if regime == .el2 { return "priv \(priv)" }
    return "el0 \(ViewWords.rwx(p.el0Read, p.el0Write, p.el0Exec)) priv \(priv)"
  }

  func outcomeText(_ o: WalkOutcome, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> String
  {
    switch o {
    case .translated(let t):
      return translationText(t, regime: regime, outputIsIPA: outputIsIPA)
    case .faulted(let f): return faultText(f)
    }
  }

  func renderWalk(_ w: WalkEvent) {
    let r = w.result
    if w.trace {
      TraceText(r: self).lines(r.walk, outcome: r.walk.outcome, walkCache: r.walkCacheUsed)
        .forEach(line)
    }
    // Fields two spaces apart; on a narrow terminal a line breaks between them.
    let symbol = w.symbol.map { " <\($0)>" } ?? ""
    var fields = ["walk \(w.label) \(hex(r.walk.inputAddress))\(symbol) \(r.walk.access):"]
    fields += outcomeFields(r.outcome, regime: w.regime, outputIsIPA: w.outputIsIPA)
    if let cause = w.cause { fields[fields.count - 1] += causeText(cause) }
    switch r.tlb {
    case .notUsed: break
    case .stale(let current):
      // One field per part, so that a narrow terminal can break between them.
      var parts = outcomeFields(current, regime: w.regime, outputIsIPA: w.outputIsIPA)
      parts[0] = "[tlb stale: the tables now give " + parts[0]
      parts[parts.count - 1] += "]"
      fields += parts
    case .conflict(let n): fields.append("[tlb conflict: \(n) entries match]")
    default: fields.append("[tlb \(r.tlb.name)]")
    }
    // The outcome follows the colon with one space, as it always has.
    let joined = [fields[0] + " " + fields[1]] + fields.dropFirst(2)
    Columns.wrap(joined, width: width).forEach(line)
  }

  // MARK: AT

  func renderAT(_ a: ATEvent) {
    switch a.result {
    case .par(let par):
      var s = "at \(a.operation.rawValue) \(hex(a.va)): PAR_EL1 = \(hex(par))"
      if par & 1 == 0 {
        let sh = ["non-shareable", "reserved", "outer", "inner"][Int(bitField(par, 8, 7))]
        s +=
          "  (PA \(hex(par & bitMask(51, 12))), ATTR \(hex(bitField(par, 63, 56))) \(MemoryAttributes.describe(UInt8(bitField(par, 63, 56)))), SH \(sh), NS \(bitField(par, 9, 9)))"
      } else {
        s +=
          "  (F=1, FST \(hex(bitField(par, 6, 1))) \(a.access.outcome.fault.map(faultText) ?? "")\(a.cause.map(causeText) ?? ""), PTW \(bitField(par, 8, 8)), S \(bitField(par, 9, 9)))"
      }
      line(s)
    case .exceptionToEL2(let f):
      line(
        "at \(a.operation.rawValue) \(hex(a.va)): no PAR update; the access takes a Data Abort to EL2 (\(faultText(f)))"
      )
    }
  }
}
