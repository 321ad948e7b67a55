/// JSON written as it is produced: keys in the order the renderer writes them (docs/json.md's
/// fixed order), values straight into a `ByteWriter`, no encoder and no intermediate strings.
///
/// The one piece of state is whether a comma is due: `{` and `[` clear it, a value sets it,
/// so nesting needs no stack.
struct JSONWriter: ~Copyable {
  var out = ByteWriter()
  var comma = false

  @inline(__always)
  mutating func openObject() {
    separator()
    out.byte(UInt8(ascii: "{"))
    comma = false
  }

  @inline(__always)
  mutating func closeObject() {
    out.byte(UInt8(ascii: "}"))
    comma = true
  }

  @inline(__always)
  mutating func openArray(_ k: StaticString) {
    key(k)
    out.byte(UInt8(ascii: "["))
    comma = false
  }

  mutating func closeArray() {
    out.byte(UInt8(ascii: "]"))
    comma = true
  }

  @inline(__always)
  mutating func openObject(_ k: StaticString) {
    key(k)
    openObject()
  }

  /// Ends one JSON line (an event) and starts the next afresh.
  mutating func endLine() {
    out.byte(UInt8(ascii: "\n"))
    comma = false
  }

  @inline(__always)
  mutating func separator() {
    if comma { out.byte(UInt8(ascii: ",")) }
    comma = false
  }

  @inline(__always)
  mutating func key(_ k: StaticString) {
    separator()
    guard k.hasPointerRepresentation else {
      out.byte(UInt8(ascii: "\""))
      out.ascii(k)
      out.ascii("\":")
      return
    }
    // `"name":` with one check for room; inlined, the name's length is a constant.
    let n = k.utf8CodeUnitCount
    let p = out.reserve(n + 3)
    p[0] = UInt8(ascii: "\"")
    ByteWriter.copyBytes(to: p + 1, from: k.utf8Start, n)
    p[n + 1] = UInt8(ascii: "\"")
    p[n + 2] = UInt8(ascii: ":")
    out.advance(n + 3)
  }

  /// A key made at run time (`tables_translation`); escaped like any string.
  mutating func key(_ k: String) {
    separator()
    Self.quote(k, into: &out)
    out.byte(UInt8(ascii: ":"))
  }

  @inline(__always)
  mutating func string(_ k: StaticString, _ v: String) {
    key(k)
    Self.quote(v, into: &out)
    comma = true
  }

  @inline(__always)
  mutating func string(_ k: StaticString, _ v: StaticString) {
    key(k)
    out.byte(UInt8(ascii: "\""))
    out.ascii(v)
    out.byte(UInt8(ascii: "\""))
    comma = true
  }

  /// A hex string without `_` (the schema's form of addresses and raw values).
  @inline(__always)
  mutating func hex(_ k: StaticString, _ v: UInt64) {
    key(k)
    hexItem(v)
  }

  @inline(__always)
  mutating func int(_ k: StaticString, _ v: Int) {
    key(k)
    out.decimal(v)
    comma = true
  }

  @inline(__always)
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
  @inline(__always)
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

  /// Text with nothing to escape (nearly all of it) is checked eight bytes at a time and
  /// copied in one go; the rest goes byte by byte through `escaped`.
  static func quote(_ u: UnsafeBufferPointer<UInt8>, into out: inout ByteWriter) {
    guard let from = u.baseAddress, !needsEscape(u) else {
      out.byte(UInt8(ascii: "\""))
      escaped(u, into: &out)
      out.byte(UInt8(ascii: "\""))
      return
    }
    let n = u.count
    let p = out.reserve(n + 2)
    p[0] = UInt8(ascii: "\"")
    ByteWriter.copyBytes(to: p + 1, from: from, n)
    p[n + 1] = UInt8(ascii: "\"")
    out.advance(n + 2)
  }

  /// Whether any byte is a control, `"` or `\\`: words of eight bytes (overlapping at the
  /// end) tested with `special`.
  static func needsEscape(_ u: UnsafeBufferPointer<UInt8>) -> Bool {
    let n = u.count
    guard let base = u.baseAddress, n > 0 else { return false }
    let raw = UnsafeRawPointer(base)
    if n < 4 {
      for b in u where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
        return true
      }
      return false
    }
    if n < 8 {
      let head = UInt64(raw.loadUnaligned(as: UInt32.self))
      let tail = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      return special(head | tail << 32)
    }
    var i = 0
    while i + 8 <= n {
      if special(raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return true }
      i += 8
    }
    return i < n && special(raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
  }

  /// Whether one of the eight bytes of `x` is below 0x20, `"` or `\\` (the "has a byte less
  /// than" and "has a zero byte" word tests; exact as a yes or no).
  @inline(__always) static func special(_ x: UInt64) -> Bool {
    let ones: UInt64 = 0x0101_0101_0101_0101
    let high: UInt64 = 0x8080_8080_8080_8080
    let control = (x &- ones &* 0x20) & ~x & high
    let q = x ^ (ones &* 0x22)
    let b = x ^ (ones &* 0x5c)
    return (control | ((q &- ones) & ~q & high) | ((b &- ones) & ~b & high)) != 0
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
