/// Rendered output under construction, as UTF-8 bytes in one reusable buffer.
///
/// The renderers of walks, `at`, dump rows and JSON events append to it directly: literal
/// words, hex and decimal digits, padding and JSON escapes are written byte by byte, with no
/// `String` built per field. A renderer hands the bytes to its `TextOutput` once per event
/// (a dump: once per 64 KiB), so a log of a million walks costs what the walks cost plus a
/// few hundred bytes each (Benchmarks/README.md, the rendering scenarios).
struct ByteWriter {
  var bytes: [UInt8] = []

  init(capacity: Int = 4096) { bytes.reserveCapacity(capacity) }

  var count: Int { bytes.count }
  var isEmpty: Bool { bytes.isEmpty }

  /// Empties the buffer, keeping its storage for the next event.
  mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

  mutating func byte(_ b: UInt8) { bytes.append(b) }

  /// A literal word (every literal in the renderers is ASCII or UTF-8 source text).
  mutating func ascii(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  mutating func text(_ s: String) { bytes.append(contentsOf: s.utf8) }
  mutating func text(_ s: Substring) { bytes.append(contentsOf: s.utf8) }
  mutating func append(_ other: ByteWriter) { bytes.append(contentsOf: other.bytes) }

  /// `n` copies of `b` (padding); nothing when `n` is not positive.
  mutating func repeated(_ b: UInt8, _ n: Int) {
    if n > 0 { bytes.append(contentsOf: repeatElement(b, count: n)) }
  }

  /// Drops spaces at the end (no line ends in spaces: `Columns`).
  mutating func trimTrailingSpaces(downTo start: Int = 0) {
    while bytes.count > start, bytes[bytes.count - 1] == 0x20 { bytes.removeLast() }
  }

  /// A signed decimal, as `String(Int)` writes it.
  mutating func decimal(_ v: Int) {
    if v < 0 {
      byte(UInt8(ascii: "-"))
      decimal(UInt64(v.magnitude))
    } else {
      decimal(UInt64(v))
    }
  }

  mutating func decimal(_ v: UInt64) {
    let start = bytes.count
    var x = v
    repeat {
      bytes.append(UInt8(truncatingIfNeeded: x % 10) &+ 0x30)
      x /= 10
    } while x != 0
    bytes[start...].reverse()
  }

  static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

  /// `0x` and `v` in at least `digits` lower-case hex digits, grouped by four from the right
  /// with `_` when `grouped` and more than four: `ValueFormatter.hex(_:digits:)`'s form.
  mutating func hex(_ v: UInt64, digits: Int = 1, grouped: Bool) {
    let needed = max(1, (64 - v.leadingZeroBitCount + 3) / 4)
    hexBody(v, topBit: false, count: max(needed, digits), grouped: grouped)
  }

  /// The exclusive end of a range ending at `last`: 2^64 (17 digits) when `last` is the top;
  /// `ValueFormatter.end(_:digits:)`'s form.
  mutating func end(_ last: UInt64, digits: Int, grouped: Bool) {
    if last == .max {
      hexBody(0, topBit: true, count: max(17, digits), grouped: grouped)
    } else {
      hex(last &+ 1, digits: digits, grouped: grouped)
    }
  }

  /// `0x` and `count` digits of the 65-bit value `topBit:v`, most significant first.
  private mutating func hexBody(_ v: UInt64, topBit: Bool, count n: Int, grouped: Bool) {
    byte(UInt8(ascii: "0"))
    byte(UInt8(ascii: "x"))
    let group = grouped && n > 4
    var i = n - 1
    while i >= 0 {
      let nibble: Int
      if i < 16 {
        nibble = Int(truncatingIfNeeded: (v >> UInt64(4 * i)) & 0xf)
      } else {
        nibble = i == 16 && topBit ? 1 : 0
      }
      bytes.append(Self.hexDigits[nibble])
      if group && i > 0 && i % 4 == 0 { byte(UInt8(ascii: "_")) }
      i -= 1
    }
  }

  /// Characters from `start` to the end: UTF-8 lead bytes, which is `String.count` for the
  /// text the renderers write (ASCII, and symbols without combining marks).
  func characters(from start: Int, to end: Int? = nil) -> Int {
    var n = 0
    for i in start..<(end ?? bytes.count) where bytes[i] & 0xc0 != 0x80 { n += 1 }
    return n
  }
}
