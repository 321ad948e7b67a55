import MMU
import MMUScript
import MMUSyntax

/// Renders each event as one JSON object per line (schema: docs/json.md). Integers that are
/// addresses or raw values are hex strings; levels and counts are numbers.
///
/// Every event streams into one reusable `JSONWriter`, member by member, and reaches the
/// output as one write of bytes (a view's rows: one write per 64 KiB).
public final class JSONRenderer: ShellWordingSink {
  let out: TextOutput
  /// The event being written. Unchecked: a dynamic exclusivity check on every member cost
  /// more than writing it, and nothing else reaches it during an event.
  @exclusivity(unchecked) var j = JSONWriter()
  /// Fields are hex without `_` (the schema); text fields print as the text renderer would,
  /// with the interpreter's formatter as it is at each event.
  var formatter: ValueFormatter { .plain }
  public var formatterSource: () -> ValueFormatter = { ValueFormatter() }

  public init(output: TextOutput) { self.out = output }

  /// Opens an event: `{"type":…,"location":{"file":…,"line":…,"column":…}`.
  func open(_ type: StaticString, _ r: SourceRange) {
    j.openObject()
    j.string("type", type)
    j.openObject("location")
    j.string("file", r.start.file)
    j.int("line", r.start.line)
    j.int("column", r.start.column)
    j.closeObject()
  }

  /// Closes the event opened by `open` and writes its line; `batched`: the line waits
  /// with the next ones until 64 KiB are written (a view's rows), the last one flushes.
  func close(batched: Bool = false) {
    j.closeObject()
    j.endLine()
    if !batched || j.out.count >= 1 << 16 { out.write(&j.out) }
  }

  /// A print's value: hex integers and other values as the strings the formatter gives,
  /// decimal integers and booleans as JSON numbers and literals.
  func value(_ v: Value) {
    switch v {
    case .int(let x, .hex): j.stringItem(formatter.hex(x))
    case .int(let x, .decimal): j.intItem(Int(Int64(bitPattern: x)))
    case .bool(let b): j.boolItem(b)
    default: j.stringItem(formatter.format(v))
    }
  }

  public func emit(_ event: ScriptEvent) {
    switch event {
    case .print(let values, let r):
      open("print", r)
      j.openArray("values")
      for v in values { value(v) }
      j.closeArray()
      j.string("text", values.map(formatterSource().format).joined(separator: " "))
      close()
    case .echo(let s, let r):
      open("echo", r)
      j.string("text", s)
      close()
    case .walk(let w): walk(w)
    case .at(let a):
      open("at", a.range)
      j.string("op", a.operation.rawValue)
      j.hex("va", a.va)
      switch a.result {
      case .par(let p): j.hex("par", p)
      case .exceptionToEL2(let f):
        j.null("par")
        j.openObject("exception")
        j.fault(f)
        j.closeObject()
      }
      if let cause = a.cause { j.string("cause", cause.rawValue) }
      close()
    case .assertion(let a):
      open("assert", a.range)
      j.bool("passed", a.passed)
      // Worded as the text renderer words them, with the interpreter's formatter.
      let words = AssertionText(formatter: formatterSource())
      j.string("what", words.what(a.check))
      j.string("expected", words.expected(a.check))
      j.string("actual", words.actual(a.check, passed: a.passed))
      if let m = a.message { j.string("message", m) }
      close()
    case .warning(let d, let m):
      open("diagnostic", d.range)
      j.string("severity", d.severity.rawValue)
      j.string("message", d.message)
      if let m { j.warningFields(m) }
      close()
    case .memRead(let address, let values, let r):
      open("mem", r)
      j.hex("address", address)
      j.openArray("values")
      for v in values { j.hexItem(v) }
      j.closeArray()
      close()
    case .decode(let d): decode(d)
    case .show(let s): show(s)
    case .dump(let d): dump(d)
    case .explain(let e): explain(e)
    case .layout(let l): layout(l)
    case .graph(let g): graph(g)
    case .ptdump(let e): ptdump(e)
    case .wxCheck(let e): wx(e)
    case .aliasCheck(let e): aliases(e)
    case .findPA(let e): findPA(e)
    case .dumpDiff(let e): diff(e)
    case .tlb(let t): maintenance(t)
    case .live(let l):
      open("live", l.range)
      j.string("host", l.host)
      switch l.kind {
      case .attached(let cpus), .refreshed(let cpus):
        j.string("event", l.first ? "attached" : "refreshed")
        j.openArray("cpus")
        for c in cpus {
          j.openObject()
          j.string("thread", c.thread)
          j.int("el", c.el)
          j.closeObject()
        }
        j.closeArray()
      case .detached(let halted):
        j.string("event", "detached")
        j.bool("halted", halted)
      }
      j.string("text", LiveText.lines(l).joined(separator: "\n"))
      close()
    case .core(let c): core(c)
    case .symbols(let s):
      open("symbols", s.range)
      j.string("file", s.path)
      j.int("count", s.count)
      close()
    }
  }

  /// A walk event: the most frequent line of a JSON log, written field by field.
  func walk(_ w: WalkEvent) {
    let r = w.result
    // Each `r.walk` or `r.tlb` is a copy of the record: taken once.
    let walk = r.walk
    let tlb = r.tlb
    open("walk", w.range)
    j.string("regime", ViewTargetText.text(w.target))
    j.int("cpu", w.cpu)
    j.hex("va", walk.inputAddress)
    j.string("access", walk.access.description)
    j.string("tlb", tlb.name)
    j.outcome(
      r.outcome, stale: false, regime: w.regime, outputIsIPA: w.outputIsIPA, cause: w.cause)
    if case .stale(let current) = tlb {
      j.outcome(current, stale: true, regime: w.regime, outputIsIPA: w.outputIsIPA)
    }
    j.int("accesses", walk.accesses)
    if let symbol = w.symbol { j.string("symbol", ViewWords.symbol(symbol)) }
    if w.trace {
      j.openArray("steps")
      j.steps(walk.steps)
      j.closeArray()
    }
    close()
  }

  /// A diagnostic that stopped the run.
  public func diagnostic(_ d: Diagnostic) {
    open("diagnostic", d.range)
    j.string("severity", d.severity.rawValue)
    j.string("message", d.message)
    if let h = d.hint { j.string("hint", h) }
    close()
  }

  public func summary(passed: Int, failed: Int) {
    j.openObject()
    j.string("type", "summary")
    j.int("passed", passed)
    j.int("failed", failed)
    close()
  }
}

/// The members of the walk records, in docs/json.md's order.
extension JSONWriter {
  mutating func fault(_ f: Fault) {
    string("kind", f.kind.rawValue)
    int("level", f.level)
    int("stage", f.stage)
    bool("s1ptw", f.s1ptw)
    if let ipa = f.ipa { hex("ipa", ipa) }
    hex("fsc", f.statusCode)
  }

  /// `outputIsIPA`: the output is stage 1's, given as `ipa` (no `pa`). `regime`: non-VHE EL2
  /// has no EL0, so its `permissions` list the privileged rights alone.
  mutating func translation(_ t: Translation, regime: MMU.Regime?, outputIsIPA: Bool) {
    if outputIsIPA {
      hex("ipa", t.pa)
    } else {
      hex("pa", t.pa)
      if let ipa = t.ipa { hex("ipa", ipa) }
    }
    int("level", t.level)
    hex("size", UInt64(1) << UInt64(t.blockBits))
    hex("descriptor", t.descriptor)
    if let l = t.stage2Level { int("s2_level", l) }
    if let d = t.stage2Descriptor { hex("s2_descriptor", d) }
    hex("attr", UInt64(t.attributes.mair))
    string("memory", MemoryAttributes.describe(t.attributes.mair))
    string("shareability", t.attributes.shareability.description)
    key("permissions")
    out.byte(UInt8(ascii: "\""))
    TextRenderer.rights(t.permissions, regime: regime, into: &out)
    out.byte(UInt8(ascii: "\""))
    comma = true
    bool("global", t.global)
  }

  /// `"translation":{…}` or `"fault":{…}`; `stale`: the tables' answer beside a stale TLB
  /// entry's (`tables_translation`, `tables_fault`).
  /// `cause`: what made the access fault (`"cause":"pan"`), after the outcome's own members.
  mutating func outcome(
    _ w: WalkOutcome, stale: Bool, regime: MMU.Regime?, outputIsIPA: Bool,
    cause: FaultCause? = nil
  ) {
    switch w {
    case .translated(let t):
      openObject(stale ? "tables_translation" : "translation")
      translation(t, regime: regime, outputIsIPA: outputIsIPA)
    case .faulted(let f):
      openObject(stale ? "tables_fault" : "fault")
      fault(f)
    }
    if let cause { string("cause", cause.rawValue) }
    closeObject()
  }

  /// The descriptor reads of a traced walk, each with its stage-2 reads nested.
  mutating func steps(_ s: [WalkStep]) {
    for st in s {
      openObject()
      int("stage", st.stage)
      int("level", st.level)
      int("index", st.index)
      hex("table", st.tableAddress)
      hex("entry", st.entryAddress)
      hex("entry_pa", st.entryPA)
      hex("descriptor", st.descriptor)
      string("kind", st.kind.rawValue)
      if let c = st.decoding {
        let d = Descriptor(st.descriptor)
        switch st.kind {
        case .table:
          hex("next", d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits))
        case .block, .page:
          hex(
            "output",
            d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits, level: st.level))
          hex("size", UInt64(1) << UInt64(c.granule.levelShift(st.level)))
        case .invalid, .reserved: break
        }
      }
      if !st.stage2Steps.isEmpty {
        openArray("s2_steps")
        steps(st.stage2Steps)
        closeArray()
      }
      closeObject()
    }
  }
}
