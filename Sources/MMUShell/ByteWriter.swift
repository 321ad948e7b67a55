/// Rendered output under construction, as UTF-8 bytes in one reusable buffer.
///
/// The renderers of walks, `at`, dump rows and JSON events append to it directly: literal
/// words, hex and decimal digits, padding and JSON escapes are written byte by byte, with no
/// `String` built per field. A renderer hands the bytes to its `TextOutput` once per event
/// (a dump: once per 64 KiB), so a log of a million walks costs what the walks cost plus a
/// few hundred bytes each (Benchmarks/README.md, the rendering scenarios).
///
/// The buffer is its own allocation, not an `Array`: an append checks the room left and
/// stores, with no uniqueness check and no bounds check per byte (an `[UInt8]` spent more
/// on those than on the bytes). Non-copyable, so two writers never share one buffer.
struct ByteWriter: ~Copyable {
  private var base: UnsafeMutablePointer<UInt8>
  private(set) var count = 0
  private var capacity: Int

  init(capacity: Int = 4096) {
    self.capacity = max(capacity, 64)
    base = .allocate(capacity: self.capacity)
  }

  deinit { base.deallocate() }

  var isEmpty: Bool { count == 0 }

  /// The bytes written, as an array (tests, and the rare layouts that move a line).
  var bytes: [UInt8] { Array(UnsafeBufferPointer(start: base, count: count)) }

  /// The bytes written, as text.
  var string: String {
    String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
  }

  subscript(i: Int) -> UInt8 {
    precondition(i >= 0 && i < count, "ByteWriter index out of range")
    return base[i]
  }

  /// The bytes in `range` (which must lie within `0..<count`).
  func slice(_ range: Range<Int>) -> [UInt8] {
    precondition(range.lowerBound >= 0 && range.upperBound <= count, "ByteWriter slice")
    return Array(UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
  }

  func withUnsafeBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    body(UnsafeBufferPointer(start: base, count: count))
  }

  /// Empties the buffer, keeping its storage for the next event (unless one event made it
  /// large: a long `print` does not pin a megabyte for the rest of the run).
  mutating func removeAll() {
    count = 0
    if capacity > 1 << 20 {
      base.deallocate()
      capacity = 4096
      base = .allocate(capacity: capacity)
    }
  }

  /// Drops the bytes from `end` on.
  mutating func truncate(to end: Int) {
    precondition(end >= 0 && end <= count, "ByteWriter truncate")
    count = end
  }

  /// Where the next `n` bytes go, with room for them; `advance(n)` counts them written.
  @inline(__always) mutating func reserve(_ n: Int) -> UnsafeMutablePointer<UInt8> {
    if capacity &- count < n { grow(n) }
    return base + count
  }

  @inline(__always) mutating func advance(_ n: Int) { count &+= n }

  @inline(never) mutating func grow(_ n: Int) {
    let needed = count + n
    var c = capacity * 2
    while c < needed { c *= 2 }
    let new = UnsafeMutablePointer<UInt8>.allocate(capacity: c)
    new.initialize(from: base, count: count)
    base.deallocate()
    base = new
    capacity = c
  }

  @inline(__always)
  mutating func byte(_ b: UInt8) {
    reserve(1).pointee = b
    count &+= 1
  }

  /// Bytes copied in one go.
  @inline(__always)
  mutating func raw(_ b: UnsafeBufferPointer<UInt8>) {
    guard let from = b.baseAddress, b.count > 0 else { return }
    copy(from, b.count)
  }

  /// `n` bytes from `from`: most words and keys are at most 16 bytes, copied inline with two
  /// overlapping loads and stores instead of a `memcpy` call.
  @inline(__always) mutating func copy(_ from: UnsafePointer<UInt8>, _ n: Int) {
    Self.copyBytes(to: reserve(n), from: from, n)
    count &+= n
  }

  @inline(__always) static func copyBytes(
    to p: UnsafeMutablePointer<UInt8>, from: UnsafePointer<UInt8>, _ n: Int
  ) {
    let src = UnsafeRawPointer(from)
    let dst = UnsafeMutableRawPointer(p)
    if n > 16 {
      dst.copyMemory(from: src, byteCount: n)
    } else if n >= 8 {
      let head = src.loadUnaligned(as: UInt64.self)
      let tail = src.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      dst.storeBytes(of: head, as: UInt64.self)
      dst.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 {
      let head = src.loadUnaligned(as: UInt32.self)
      let tail = src.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
      dst.storeBytes(of: head, as: UInt32.self)
      dst.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
    } else {
      for i in 0..<n { p[i] = from[i] }
    }
  }

  /// A literal word (every literal in the renderers is ASCII or UTF-8 source text).
  @inline(__always)
  mutating func ascii(_ s: StaticString) {
    if s.hasPointerRepresentation {
      copy(s.utf8Start, s.utf8CodeUnitCount)
    } else {
      s.withUTF8Buffer { raw($0) }
    }
  }

  @inline(__always)
  mutating func text(_ s: String) {
    if s.utf8.withContiguousStorageIfAvailable({ raw($0) }) != nil { return }
    var s = s
    s.withUTF8 { raw($0) }
  }

  mutating func text(_ s: Substring) {
    var s = s
    s.withUTF8 { raw($0) }
  }

  mutating func append(_ b: [UInt8]) { b.withUnsafeBufferPointer { raw($0) } }
  mutating func append(_ b: ArraySlice<UInt8>) { b.withUnsafeBufferPointer { raw($0) } }

  /// Bytes `range` of another writer.
  mutating func append(_ other: borrowing ByteWriter, _ range: Range<Int>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= other.count, "ByteWriter append")
    raw(UnsafeBufferPointer(start: other.base + range.lowerBound, count: range.count))
  }

  /// `n` copies of `b` (padding); nothing when `n` is not positive.
  mutating func repeated(_ b: UInt8, _ n: Int) {
    if n <= 0 { return }
    reserve(n).initialize(repeating: b, count: n)
    count &+= n
  }

  /// Drops spaces at the end (no line ends in spaces: `Columns`).
  mutating func trimTrailingSpaces(downTo start: Int = 0) {
    while count > start, base[count - 1] == 0x20 { count -= 1 }
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
    if v < 10 {
      byte(UInt8(truncatingIfNeeded: v) &+ 0x30)
      return
    }
    var n = 1
    var x = v
    while x >= 10 {
      x /= 10
      n += 1
    }
    let p = reserve(n)
    x = v
    for i in stride(from: n - 1, through: 0, by: -1) {
      p[i] = UInt8(truncatingIfNeeded: x % 10) &+ 0x30
      x /= 10
    }
    count &+= n
  }

  /// The lower-case hex digit of the nibble `n` (0...15).
  @inline(__always) static func hexDigit(_ n: UInt64) -> UInt8 {
    let d = UInt8(truncatingIfNeeded: n & 0xf)
    return d < 10 ? d &+ 0x30 : d &+ 0x57
  }

  /// `0x` and `v` in at least `digits` lower-case hex digits, grouped by four from the right
  /// with `_` when `grouped` and more than four: `ValueFormatter.hex(_:digits:)`'s form.
  ///
  /// Up to 16 digits (every address but a padded 2^64) come from `asciiNibbles`, all of
  /// them at once, and are copied in whole groups.
  mutating func hex(_ v: UInt64, digits: Int = 1, grouped: Bool) {
    let needed = max(1, (64 - v.leadingZeroBitCount + 3) / 4)
    let n = max(needed, digits)
    if n > 16 {
      hexBody(v, topBit: false, count: n, grouped: grouped)
      return
    }
    var block = (
      Self.asciiNibbles(UInt32(truncatingIfNeeded: v >> 32)).littleEndian,
      Self.asciiNibbles(UInt32(truncatingIfNeeded: v)).littleEndian
    )
    Swift.withUnsafeBytes(of: &block) { all in
      // The last `n` of the 16 digits.
      let d = all.baseAddress!.assumingMemoryBound(to: UInt8.self) + (16 - n)
      if !grouped || n <= 4 {
        let p = reserve(n + 2)
        p[0] = UInt8(ascii: "0")
        p[1] = UInt8(ascii: "x")
        Self.copyBytes(to: p + 2, from: d, n)
        count &+= n + 2
        return
      }
      let separators = (n - 1) >> 2
      let first = n - 4 * separators
      let p = reserve(2 + n + separators)
      p[0] = UInt8(ascii: "0")
      p[1] = UInt8(ascii: "x")
      Self.copyBytes(to: p + 2, from: d, first)
      var at = 2 + first
      var from = first
      for _ in 0..<separators {
        p[at] = UInt8(ascii: "_")
        UnsafeMutableRawPointer(p + at + 1).storeBytes(
          of: UnsafeRawPointer(d + from).loadUnaligned(as: UInt32.self), as: UInt32.self)
        at += 5
        from += 4
      }
      count &+= at
    }
  }

  /// The eight hex digits of `h`, most significant first in memory once stored little-endian:
  /// each nibble spread into a byte of its own, then made a digit, all eight at once.
  @inline(__always) static func asciiNibbles(_ h: UInt32) -> UInt64 {
    var x = UInt64(h)
    x = (x | (x << 16)) & 0x0000_ffff_0000_ffff
    x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff
    x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f
    // Byte k holds nibble k; the most significant digit goes first.
    x = x.byteSwapped
    // 0x27 more for the nibbles from 10 up: `0x3a` + 0x27 = `a`.
    let letters = ((x &+ 0x0606_0606_0606_0606) >> 4) & 0x0101_0101_0101_0101
    return x &+ 0x3030_3030_3030_3030 &+ letters &* 0x27
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

  /// `0x` and `n` digits of the 65-bit value `topBit:v`, written from the last digit back
  /// (past the 16th, `v` has been shifted to 0 and the digits are zeros).
  private mutating func hexBody(_ v: UInt64, topBit: Bool, count n: Int, grouped: Bool) {
    let group = grouped && n > 4
    let length = 2 + n + (group ? (n - 1) >> 2 : 0)
    let p = reserve(length)
    p[0] = UInt8(ascii: "0")
    p[1] = UInt8(ascii: "x")
    var q = p + length
    var x = v
    for i in 0..<n {
      if group && i != 0 && i & 3 == 0 {
        q -= 1
        q.pointee = UInt8(ascii: "_")
      }
      q -= 1
      q.pointee = Self.hexDigit(x)
      x >>= 4
    }
    // 2^64: the 17th digit from the right, after its four separators when grouped.
    if topBit { p[length - 17 - (group ? 4 : 0)] = UInt8(ascii: "1") }
    count &+= length
  }

  /// Characters from `start` to the end: UTF-8 lead bytes, which is `String.count` for the
  /// text the renderers write (ASCII, and symbols without combining marks).
  func characters(from start: Int, to end: Int? = nil) -> Int {
    var n = 0
    for i in start..<(end ?? count) where base[i] & 0xc0 != 0x80 { n += 1 }
    return n
  }
}
