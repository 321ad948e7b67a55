import MMU
import MMUScript
import MMUSyntax

/// Renders events as readable text: aligned, hex addresses, one result per statement.
public final class TextRenderer: ShellWordingSink {
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
  @exclusivity(unchecked) public var quiet = false
  /// Looks up a source file for diagnostic excerpts.
  public var source: (String) -> SourceFile? = { _ in nil }
  /// Columns available, when the output is a terminal (measured at each view, so a resized
  /// REPL window is followed); nil lays views out in full. Setting it fixes the width.
  public var width: Int? {
    get {
      if let fixedWidth { return fixedWidth }
      guard let terminal else { return nil }
      return Terminal.columns(of: terminal)
    }
    set {
      fixedWidth = newValue
      terminal = nil
    }
  }
  @exclusivity(unchecked) var fixedWidth: Int?
  /// The output when it is a terminal, found once: a walk line to a file or pipe then costs
  /// no cast and no system call.
  @exclusivity(unchecked) var terminal: StreamOutput?

  public init(
    output: TextOutput, formatter: ValueFormatter = ValueFormatter(),
    style: Style = Style(enabled: false)
  ) {
    self.out = output
    self.terminal = (output as? StreamOutput).flatMap { $0.isTerminal ? $0 : nil }
    self.formatterSource = { formatter }
    self.style = style
  }

  /// The event being rendered: every line goes here and reaches `out` as one write when the
  /// event is done (a dump also every 64 KiB). Unchecked: a dynamic exclusivity check on
  /// every append cost a fifth of a walk line, and nothing else reaches it during one.
  @exclusivity(unchecked) var w = ByteWriter()

  func line(_ s: String) {
    w.text(s)
    w.byte(UInt8(ascii: "\n"))
  }

  /// Hands what is rendered so far to the output.
  func flushLines() { out.write(&w) }

  var text: DescriptorText { DescriptorText(f: formatter) }
  func hex(_ v: UInt64) -> String { formatter.hex(v) }

  public func emit(_ event: ScriptEvent) {
    renderEvent(event)
    flushLines()
  }

  func renderEvent(_ event: ScriptEvent) {
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

  /// `FILE:LINE:COL: assertion failed: WHAT: expected …, got … — MESSAGE`.
  func assertionFailure(_ a: AssertionEvent) -> String {
    let words = AssertionText(formatter: formatter)
    var s = "\(a.range.start): \(style.error("assertion failed")): \(words.what(a.check))"
    s += ": expected \(words.expected(a.check)), got \(words.actual(a.check, passed: a.passed))"
    if let m = a.message { s += " — \(m)" }
    return s
  }

  // MARK: Walks

  func faultText(_ f: Fault) -> String { formatter.fault(f) }

  /// What caused a fault, after the fault's own words.
  static func causeText(_ c: FaultCause) -> StaticString {
    switch c {
    case .privilegedAccessNever: ", by PSTATE.PAN"
    }
  }

  /// Byte offsets in `w` where the fields of the walk line being written begin (each at its
  /// two-space separator): where a narrow terminal may break it. Kept only when the output
  /// has a width (`recordsBreaks`); a line to a file or pipe is never broken.
  @exclusivity(unchecked) var fieldBreaks: [Int] = []
  @exclusivity(unchecked) var recordsBreaks = false

  /// Starts the next field of a walk line: two spaces, a place to break.
  @inline(__always) func nextField() {
    if recordsBreaks { fieldBreaks.append(w.count) }
    w.ascii("  ")
  }

  /// `walk el1 0x… read: pa 0x…  level 3 4K page  normal-wb inner  el0 --- el1 rw-  [tlb miss]`,
  /// written straight into `w`; on a narrow terminal the line breaks between fields.
  func renderWalk(_ e: WalkEvent) {
    let r = e.result
    // Each `r.walk` or `r.tlb` is a copy of the record: taken once.
    let walk = r.walk
    let tlb = r.tlb
    if e.trace {
      TraceText(r: self).lines(walk, outcome: walk.outcome, walkCache: r.walkCacheUsed)
        .forEach(line)
    }
    let f = formatter
    let start = w.count
    let width = self.width
    recordsBreaks = width != nil
    if recordsBreaks { fieldBreaks.removeAll(keepingCapacity: true) }
    w.ascii("walk ")
    w.text(ViewTargetText.text(e.target))
    w.byte(UInt8(ascii: " "))
    w.hex(walk.inputAddress, grouped: f.hexGrouping)
    if let symbol = e.symbol {
      w.ascii(" <")
      w.text(ViewWords.symbol(symbol))
      w.byte(UInt8(ascii: ">"))
    }
    w.byte(UInt8(ascii: " "))
    w.text(walk.access.description)
    // The outcome follows the colon with one space, as it always has.
    w.ascii(": ")
    outcomeFields(r.outcome, f, regime: e.regime, outputIsIPA: e.outputIsIPA)
    if let cause = e.cause { w.ascii(Self.causeText(cause)) }
    switch tlb {
    case .notUsed: break
    case .stale(let current):
      // One field per part, so that a narrow terminal can break between them.
      nextField()
      w.ascii("[tlb stale: the tables now give ")
      outcomeFields(current, f, regime: e.regime, outputIsIPA: e.outputIsIPA)
      w.byte(UInt8(ascii: "]"))
    case .conflict(let n):
      nextField()
      w.ascii("[tlb conflict: ")
      w.decimal(n)
      w.ascii(" entries match]")
    default:
      nextField()
      w.ascii("[tlb ")
      w.text(tlb.name)
      w.byte(UInt8(ascii: "]"))
    }
    if let width { Columns.wrap(&w, from: start, breaks: fieldBreaks, width: width) }
    w.byte(UInt8(ascii: "\n"))
  }

  /// The fields of an outcome, two spaces apart, the first one continuing what is already
  /// written. `outputIsIPA`: the output is stage 1's (`s1` under stage 2, a `via` space), so
  /// it is labelled `ipa`; `regime` decides which ELs the rights are listed for.
  func outcomeFields(
    _ o: WalkOutcome, _ f: ValueFormatter, regime: MMU.Regime?, outputIsIPA: Bool
  ) {
    switch o {
    case .translated(let t):
      w.ascii(outputIsIPA ? "ipa " : "pa ")
      w.hex(t.pa, grouped: f.hexGrouping)
      if let ipa = t.ipa {
        nextField()
        w.ascii("ipa ")
        w.hex(ipa, grouped: f.hexGrouping)
      }
      nextField()
      w.ascii("level ")
      w.decimal(t.level)
      w.byte(UInt8(ascii: " "))
      ViewWords.size(UInt64(1) << UInt64(t.blockBits), into: &w)
      w.ascii(t.level == 3 ? " page" : " block")
      nextField()
      w.text(MemoryAttributes.describe(t.attributes.mair))
      w.byte(UInt8(ascii: " "))
      w.text(t.attributes.shareability.description)
      nextField()
      Self.rights(t.permissions, regime: regime, into: &w)
      if !t.global {
        nextField()
        w.ascii("nG")
      }
    case .faulted(let fault): w.text(f.fault(fault))
    }
  }

  /// A walk's rights: `el0 rwx priv rwx`, or `priv rwx` alone for non-VHE EL2, a one-range
  /// regime without EL0 (its descriptors have no EL0 permission: AP[1] is ignored, one XN).
  static func rights(_ p: Permissions, regime: MMU.Regime?, into w: inout ByteWriter) {
    if regime != .el2 {
      w.ascii("el0 ")
      ViewWords.rwx(p.el0Read, p.el0Write, p.el0Exec, into: &w)
      w.byte(UInt8(ascii: " "))
    }
    w.ascii("priv ")
    ViewWords.rwx(p.privRead, p.privWrite, p.privExec, into: &w)
  }

  // MARK: AT

  /// `at s1e1r 0x…: PAR_EL1 = 0x…  (PA 0x…, ATTR 0xff normal-wb, SH inner, NS 0)`.
  func renderAT(_ a: ATEvent) {
    let g = formatter.hexGrouping
    w.ascii("at ")
    w.text(a.operation.rawValue)
    w.byte(UInt8(ascii: " "))
    w.hex(a.va, grouped: g)
    switch a.result {
    case .par(let par):
      w.ascii(": PAR_EL1 = ")
      w.hex(par, grouped: g)
      if par & 1 == 0 {
        let sh: [StaticString] = ["non-shareable", "reserved", "outer", "inner"]
        w.ascii("  (PA ")
        w.hex(par & bitMask(51, 12), grouped: g)
        w.ascii(", ATTR ")
        w.hex(bitField(par, 63, 56), grouped: g)
        w.byte(UInt8(ascii: " "))
        w.text(MemoryAttributes.describe(UInt8(bitField(par, 63, 56))))
        w.ascii(", SH ")
        w.ascii(sh[Int(bitField(par, 8, 7))])
        w.ascii(", NS ")
        w.decimal(bitField(par, 9, 9))
        w.byte(UInt8(ascii: ")"))
      } else {
        w.ascii("  (F=1, FST ")
        w.hex(bitField(par, 6, 1), grouped: g)
        w.byte(UInt8(ascii: " "))
        if let fault = a.access.outcome.fault { w.text(faultText(fault)) }
        if let cause = a.cause { w.ascii(Self.causeText(cause)) }
        w.ascii(", PTW ")
        w.decimal(bitField(par, 8, 8))
        w.ascii(", S ")
        w.decimal(bitField(par, 9, 9))
        w.byte(UInt8(ascii: ")"))
      }
    case .exceptionToEL2(let f):
      w.ascii(": no PAR update; the access takes a Data Abort to EL2 (")
      w.text(faultText(f))
      w.byte(UInt8(ascii: ")"))
    }
    w.byte(UInt8(ascii: "\n"))
  }
}
