/// Decoding one Unicode scalar at a byte offset, tolerating ill-formed UTF-8.
///
/// The lexer, `SourceFile.location(at:)` and the diagnostic renderer all count columns in
/// Unicode scalars, so they must agree on how many scalars a run of bytes holds, even when
/// the bytes are not valid UTF-8. This is the one place that decides: an ill-formed sequence
/// counts as one scalar per *maximal subpart* (Unicode §3.9, the same rule Swift's
/// `String(decoding:as:)` uses when it substitutes U+FFFD).
enum UTF8Scanner {
  /// One decoded step: how many bytes it spans and the scalar, or nil when ill-formed.
  struct Step: Equatable {
    var length: Int
    var scalar: Unicode.Scalar?
  }

  /// The scalar starting at `offset`; `offset` must be a valid index of `bytes`.
  static func step(_ bytes: [UInt8], at offset: Int) -> Step {
    let lead = bytes[offset]
    if lead < 0x80 { return Step(length: 1, scalar: Unicode.Scalar(lead)) }
    // Expected length and the allowed range of the second byte (Unicode Table 3-7).
    let length: Int
    var secondLow: UInt8 = 0x80
    var secondHigh: UInt8 = 0xBF
    switch lead {
    case 0xC2...0xDF: length = 2
    case 0xE0:
      length = 3
      secondLow = 0xA0
    case 0xE1...0xEC, 0xEE...0xEF: length = 3
    case 0xED:
      length = 3
      secondHigh = 0x9F
    case 0xF0:
      length = 4
      secondLow = 0x90
    case 0xF1...0xF3: length = 4
    case 0xF4:
      length = 4
      secondHigh = 0x8F
    default: return Step(length: 1, scalar: nil)
    }
    var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
    var consumed = 1
    while consumed < length {
      let index = offset + consumed
      guard index < bytes.count else { return Step(length: consumed, scalar: nil) }
      let byte = bytes[index]
      let low = consumed == 1 ? secondLow : 0x80
      let high = consumed == 1 ? secondHigh : 0xBF
      guard byte >= low && byte <= high else { return Step(length: consumed, scalar: nil) }
      value = (value << 6) | (UInt32(byte) & 0x3F)
      consumed += 1
    }
    return Step(length: length, scalar: Unicode.Scalar(value))
  }

  /// How a scalar is shown inside a message: itself when printable, else `U+XXXX`.
  static func describe(_ scalar: Unicode.Scalar) -> String {
    if scalar.value < 0x20 || scalar.value == 0x7F || (scalar.value >= 0x80 && scalar.value < 0xA0)
    {
      let hex = String(scalar.value, radix: 16, uppercase: true)
      return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
    return String(Character(scalar))
  }
}
