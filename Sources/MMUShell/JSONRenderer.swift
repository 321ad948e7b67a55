import MMU
import MMUScript
import MMUSyntax

/// A JSON object under construction; keys keep their insertion order so output is stable.
struct JSONObject {
  var parts: [String] = []
  mutating func add(_ key: String, _ value: String) {
    parts.append("\(JSONObject.quote(key)):\(value)")
  }
  mutating func string(_ key: String, _ v: String) { add(key, JSONObject.quote(v)) }
  mutating func hex(_ key: String, _ v: UInt64) { string(key, ValueFormatter.plain.hex(v)) }
  mutating func int(_ key: String, _ v: Int) { add(key, String(v)) }
  mutating func bool(_ key: String, _ v: Bool) { add(key, v ? "true" : "false") }
  mutating func null(_ key: String) { add(key, "null") }
  mutating func object(_ key: String, _ o: JSONObject) { add(key, o.text) }
  mutating func array(_ key: String, _ items: [String]) {
    add(key, "[" + items.joined(separator: ",") + "]")
  }
  var text: String { "{" + parts.joined(separator: ",") + "}" }

  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 {
          out += "\\u" + String(u.value, radix: 16).leftPadded(4, "0")
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

/// Renders each event as one JSON object per line (schema: docs/json.md). Integers that are
/// addresses or raw values are hex strings; levels and counts are numbers.
public final class JSONRenderer: EventSink {
  let out: TextOutput
  /// Fields are hex without `_` (the schema); text fields print as the text renderer would,
  /// with the interpreter's formatter as it is at each event.
  var formatter: ValueFormatter { .plain }
  public var formatterSource: () -> ValueFormatter = { ValueFormatter() }

  public init(output: TextOutput) { self.out = output }

  func emitObject(_ o: JSONObject) { out.write(o.text + "\n") }

  func location(_ r: SourceRange) -> JSONObject {
    var o = JSONObject()
    o.string("file", r.start.file)
    o.int("line", r.start.line)
    o.int("column", r.start.column)
    return o
  }

  func base(_ type: String, _ r: SourceRange) -> JSONObject {
    var o = JSONObject()
    o.string("type", type)
    o.object("location", location(r))
    return o
  }

  func value(_ v: Value) -> String {
    switch v {
    case .int(let x, .hex): return JSONObject.quote(formatter.hex(x))
    case .int(let x, .decimal): return String(Int64(bitPattern: x))
    case .bool(let b): return b ? "true" : "false"
    default: return JSONObject.quote(formatter.format(v))
    }
  }

  func fault(_ f: Fault) -> JSONObject {
    var o = JSONObject()
    o.string("kind", f.kind.rawValue)
    o.int("level", f.level)
    o.int("stage", f.stage)
    o.bool("s1ptw", f.s1ptw)
    if let ipa = f.ipa { o.hex("ipa", ipa) }
    o.hex("fsc", f.statusCode)
    return o
  }

  /// `outputIsIPA`: the output is stage 1's, given as `ipa` (no `pa`). `regime`: non-VHE EL2
  /// has no EL0, so its `permissions` list the privileged rights alone.
  func translation(_ t: Translation, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> JSONObject
  {
    var o = JSONObject()
    if outputIsIPA {
      o.hex("ipa", t.pa)
    } else {
      o.hex("pa", t.pa)
      if let ipa = t.ipa { o.hex("ipa", ipa) }
    }
    o.int("level", t.level)
    o.hex("size", UInt64(1) << UInt64(t.blockBits))
    o.hex("descriptor", t.descriptor)
    if let l = t.stage2Level { o.int("s2_level", l) }
    if let d = t.stage2Descriptor { o.hex("s2_descriptor", d) }
    o.hex("attr", UInt64(t.attributes.mair))
    o.string("memory", MemoryAttributes.describe(t.attributes.mair))
    o.string("shareability", t.attributes.shareability.description)
    o.string("permissions", TextRenderer.rightsText(t.permissions, regime: regime))
    o.bool("global", t.global)
    return o
  }

  func outcome(_ w: WalkOutcome, regime: MMU.Regime? = nil, outputIsIPA: Bool = false)
    -> (String, JSONObject)
  {
    switch w {
    case .translated(let t):
      return ("translation", translation(t, regime: regime, outputIsIPA: outputIsIPA))
    case .faulted(let f): return ("fault", fault(f))
    }
  }

  func steps(_ s: [WalkStep]) -> [String] {
    s.map { st in
      var o = JSONObject()
      o.int("stage", st.stage)
      o.int("level", st.level)
      o.int("index", st.index)
      o.hex("table", st.tableAddress)
      o.hex("entry", st.entryAddress)
      o.hex("entry_pa", st.entryPA)
      o.hex("descriptor", st.descriptor)
      o.string("kind", st.kind.rawValue)
      if let c = st.decoding {
        let d = Descriptor(st.descriptor)
        switch st.kind {
        case .table:
          o.hex("next", d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits))
        case .block, .page:
          o.hex(
            "output",
            d.address(granule: c.granule, ds: c.ds, outputBits: c.outputBits, level: st.level))
          o.hex("size", UInt64(1) << UInt64(c.granule.levelShift(st.level)))
        case .invalid, .reserved: break
        }
      }
      if !st.stage2Steps.isEmpty { o.array("s2_steps", steps(st.stage2Steps)) }
      return o.text
    }
  }

  public func message(for warning: ModelWarning, formatter: ValueFormatter) -> String {
    WarningText(formatter: formatter).message(warning)
  }

  public func emit(_ event: ScriptEvent) {
    switch event {
    case .print(let values, let r):
      var o = base("print", r)
      o.array("values", values.map(value))
      o.string("text", values.map(formatterSource().format).joined(separator: " "))
      emitObject(o)
    case .echo(let s, let r):
      var o = base("echo", r)
      o.string("text", s)
      emitObject(o)
    case .walk(let w):
      var o = base("walk", w.range)
      o.string("regime", w.label)
      o.int("cpu", w.cpu)
      o.hex("va", w.result.walk.inputAddress)
      o.string("access", w.result.walk.access.description)
      o.string("tlb", w.result.tlb.name)
      var (k, v) = outcome(w.result.outcome, regime: w.regime, outputIsIPA: w.outputIsIPA)
      if let cause = w.cause { v.string("cause", cause.rawValue) }
      o.object(k, v)
      if case .stale(let current) = w.result.tlb {
        let (k2, v2) = outcome(current, regime: w.regime, outputIsIPA: w.outputIsIPA)
        o.object("tables_" + k2, v2)
      }
      o.int("accesses", w.result.walk.accesses)
      if let symbol = w.symbol { o.string("symbol", symbol) }
      if w.trace { o.array("steps", steps(w.result.walk.steps)) }
      emitObject(o)
    case .at(let a):
      var o = base("at", a.range)
      o.string("op", a.operation.rawValue)
      o.hex("va", a.va)
      switch a.result {
      case .par(let p): o.hex("par", p)
      case .exceptionToEL2(let f):
        o.null("par")
        o.object("exception", fault(f))
      }
      if let cause = a.cause { o.string("cause", cause.rawValue) }
      emitObject(o)
    case .assertion(let a):
      var o = base("assert", a.range)
      o.bool("passed", a.passed)
      o.string("what", a.what)
      if let e = a.expected { o.string("expected", e) }
      if let g = a.actual { o.string("actual", g) }
      if let m = a.message { o.string("message", m) }
      emitObject(o)
    case .warning(let d, let m):
      var o = base("diagnostic", d.range)
      o.string("severity", d.severity.rawValue)
      o.string("message", d.message)
      if let m { warningFields(m, &o) }
      emitObject(o)
    case .memRead(let address, let values, let r):
      var o = base("mem", r)
      o.hex("address", address)
      o.array("values", values.map { JSONObject.quote(formatter.hex($0)) })
      emitObject(o)
    case .decode(let d): emitObject(decodeObject(d))
    case .show(let s): emitObject(showObject(s))
    case .dump(let d): dumpObjects(d).forEach(emitObject)
    case .explain(let e): emitObject(explainObject(e))
    case .layout(let l): emitObject(layoutObject(l))
    case .graph(let g): emitObject(graphObject(g))
    case .ptdump(let e): ptdumpObjects(e).forEach(emitObject)
    case .wxCheck(let e): emitObject(wxObject(e))
    case .aliasCheck(let e): emitObject(aliasObject(e))
    case .findPA(let e): emitObject(findPAObject(e))
    case .dumpDiff(let e): emitObject(diffObject(e))
    case .tlb(let t): emitObject(maintenanceObject(t))
    case .live(let l):
      var o = base("live", l.range)
      o.string("host", l.host)
      switch l.kind {
      case .attached(let cpus), .refreshed(let cpus):
        o.string("event", l.first ? "attached" : "refreshed")
        o.array(
          "cpus",
          cpus.map {
            var c = JSONObject()
            c.string("thread", $0.thread)
            c.int("el", $0.el)
            return c.text
          })
      case .detached(let halted):
        o.string("event", "detached")
        o.bool("halted", halted)
      }
      o.string("text", LiveText.lines(l).joined(separator: "\n"))
      emitObject(o)
    case .core(let c): emitObject(coreObject(c))
    case .symbols(let s):
      var o = base("symbols", s.range)
      o.string("file", s.path)
      o.int("count", s.count)
      emitObject(o)
    }
  }

  /// A diagnostic that stopped the run.
  public func diagnostic(_ d: Diagnostic) {
    var o = base("diagnostic", d.range)
    o.string("severity", d.severity.rawValue)
    o.string("message", d.message)
    if let h = d.hint { o.string("hint", h) }
    emitObject(o)
  }

  public func summary(passed: Int, failed: Int) {
    var o = JSONObject()
    o.string("type", "summary")
    o.int("passed", passed)
    o.int("failed", failed)
    emitObject(o)
  }
}
