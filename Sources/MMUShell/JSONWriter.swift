/// JSON written as it is produced: keys in the order the renderer writes them (docs/json.md's
/// fixed order), values straight into a `ByteWriter`, no encoder and no intermediate strings.
///
/// The one piece of state is whether a comma is due: `{` and `[` clear it, a value sets it,
/// so nesting needs no stack.
struct JSONWriter: ~Copyable {
  var out = ByteWriter()
  var comma = false

  mutating func openObject() {
    separator()
    out.byte(UInt8(ascii: "{"))
    comma = false
  }

  mutating func closeObject() {
    out.byte(UInt8(ascii: "}"))
    comma = true
  }

  mutating func openArray(_ k: StaticString) {
    key(k)
    out.byte(UInt8(ascii: "["))
    comma = false
  }

  mutating func closeArray() {
    out.byte(UInt8(ascii: "]"))
    comma = true
  }

  mutating func openObject(_ k: StaticString) {
    key(k)
    openObject()
  }

  /// Ends one JSON line (an event) and starts the next afresh.
  mutating func endLine() {
    out.byte(UInt8(ascii: "\n"))
    comma = false
  }

  mutating func separator() {
    if comma { out.byte(UInt8(ascii: ",")) }
    comma = false
  }

  mutating func key(_ k: StaticString) {
    separator()
    out.byte(UInt8(ascii: "\""))
    out.ascii(k)
    let p = out.reserve(2)
    p[0] = UInt8(ascii: "\"")
    p[1] = UInt8(ascii: ":")
    out.advance(2)
  }

  /// A key made at run time (`tables_translation`); escaped like any string.
  mutating func key(_ k: String) {
    separator()
    Self.quote(k, into: &out)
    out.byte(UInt8(ascii: ":"))
  }

  mutating func string(_ k: StaticString, _ v: String) {
    key(k)
    Self.quote(v, into: &out)
    comma = true
  }

  mutating func string(_ k: StaticString, _ v: StaticString) {
    key(k)
    out.byte(UInt8(ascii: "\""))
    out.ascii(v)
    out.byte(UInt8(ascii: "\""))
    comma = true
  }

  /// A hex string without `_` (the schema's form of addresses and raw values).
  mutating func hex(_ k: StaticString, _ v: UInt64) {
    key(k)
    hexItem(v)
  }

  mutating func int(_ k: StaticString, _ v: Int) {
    key(k)
    out.decimal(v)
    comma = true
  }

  mutating func bool(_ k: StaticString, _ v: Bool) {
    key(k)
    if v { out.ascii("true") } else { out.ascii("false") }
    comma = true
  }

  mutating func null(_ k: StaticString) {
    key(k)
    out.ascii("null")
    comma = true
  }

  /// An array element or value already after its key: a hex string.
  mutating func hexItem(_ v: UInt64) {
    separator()
    out.byte(UInt8(ascii: "\""))
    out.hex(v, grouped: false)
    out.byte(UInt8(ascii: "\""))
    comma = true
  }

  mutating func stringItem(_ v: String) {
    separator()
    Self.quote(v, into: &out)
    comma = true
  }

  mutating func intItem(_ v: Int) {
    separator()
    out.decimal(v)
    comma = true
  }

  mutating func boolItem(_ v: Bool) {
    separator()
    if v { out.ascii("true") } else { out.ascii("false") }
    comma = true
  }

  /// The exclusive end of a range ending at `last`, as a hex string: `0x10000000000000000`
  /// when `last` is the top of the address space.
  mutating func end(_ k: StaticString, _ last: UInt64) {
    key(k)
    out.byte(UInt8(ascii: "\""))
    out.end(last, digits: 1, grouped: false)
    out.byte(UInt8(ascii: "\""))
    comma = true
  }

  /// `s` as a JSON string (RFC 8259 §7): `"` and `\` escaped, `\n` `\t` `\r` by name, other
  /// controls as `\u00xx`; everything else, non-ASCII included, as its UTF-8 bytes. Text
  /// with nothing to escape (nearly all of it) is copied in one go.
  static func quote(_ s: String, into out: inout ByteWriter) {
    let done: Void? = s.utf8.withContiguousStorageIfAvailable { u in
      quote(u, into: &out)
    }
    if done != nil { return }
    var s = s
    s.withUTF8 { quote($0, into: &out) }
  }

  /// One pass: bytes are copied while they need no escape; the first that does hands the
  /// rest to `escaped`.
  static func quote(_ u: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
    let n = u.count
    let p = out.reserve(n + 2)
    p[0] = UInt8(ascii: "\"")
    var i = 0
    while i < n {
      let b = u[i]
      if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") { break }
      p[1 + i] = b
      i += 1
    }
    if i == n {
      p[n + 1] = UInt8(ascii: "\"")
      out.advance(n + 2)
      return
    }
    out.advance(1 + i)
    escaped(UnsafeBufferPointer(rebasing: u[i...]), into: &out)
    out.byte(UInt8(ascii: "\""))
  }

  private static func escaped(_ u: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
    for b in u {
      switch b {
      case UInt8(ascii: "\""): out.ascii("\\\"")
      case UInt8(ascii: "\\"): out.ascii("\\\\")
      case 0x0a: out.ascii("\\n")
      case 0x09: out.ascii("\\t")
      case 0x0d: out.ascii("\\r")
      case 0..<0x20:
        out.ascii("\\u00")
        out.byte(ByteWriter.hexDigit(UInt64(b >> 4)))
        out.byte(ByteWriter.hexDigit(UInt64(b)))
      default: out.byte(b)
      }
    }
  }
}
