/// How a size is written, decided in one place for every renderer, diagnostic and `human()`:
/// one unit when exact and below 1024 of it (`4K`, `2M`, `256T`), else two exact terms
/// (`4M+16K`, `1G+64K`, `4K+1`), else an approximation in the largest unit (`~16E`, `~1.5G`).
/// Units are powers of 1024, as the language reads them (docs/reference.md).
public enum SizeTerms: Equatable, Sendable {
  /// Below 1K: plain bytes.
  case bytes(UInt64)
  /// `whole` units of 2^`shift`.
  case exact(whole: UInt64, shift: Int)
  /// `whole` units of 2^`shift` plus `rest` units of 2^`restShift` (0: bytes).
  case sum(whole: UInt64, shift: Int, rest: UInt64, restShift: Int)
  /// About `tenths`/10 units of 2^`shift` (whole units from 10 on).
  case about(tenths: Int, shift: Int)

  // Inlinable: dump rows and walk lines (MMUShell) write a size each.
  @inlinable
  public init(_ x: UInt64) {
    // The largest unit of which `x` holds at least one.
    let shift = x == 0 ? 0 : min((63 - x.leadingZeroBitCount) / 10 * 10, 60)
    guard shift > 0 else {
      self = .bytes(x)
      return
    }
    let whole = x >> UInt64(shift)
    let rest = x & ((1 << UInt64(shift)) - 1)
    if rest == 0 {
      self = .exact(whole: whole, shift: shift)
      return
    }
    // The rest in the largest unit that divides it exactly (below `shift`, as `rest` is),
    // if it is a small number of it.
    let s2 = rest.trailingZeroBitCount / 10 * 10
    if rest >> UInt64(s2) < 1024 {
      self = .sum(whole: whole, shift: shift, rest: rest >> UInt64(s2), restShift: s2)
      return
    }
    let value = Double(x) / Double(UInt64(1) << UInt64(shift))
    self = .about(
      tenths: value >= 10 ? Int(value.rounded()) * 10 : Int((value * 10).rounded()),
      shift: shift)
  }

  /// The letter of the unit 2^`shift` (a multiple of 10 up to 60) as an ASCII byte, for
  /// renderers that write bytes; nil for bytes.
  @inlinable
  public static func unitByte(_ shift: Int) -> UInt8? {
    switch shift {
    case 60: UInt8(ascii: "E")
    case 50: UInt8(ascii: "P")
    case 40: UInt8(ascii: "T")
    case 30: UInt8(ascii: "G")
    case 20: UInt8(ascii: "M")
    case 10: UInt8(ascii: "K")
    default: nil
    }
  }

  /// `unitByte` as a character.
  public static func unit(_ shift: Int) -> Character? {
    unitByte(shift).map { Character(Unicode.Scalar($0)) }
  }

  /// The words, e.g. `2M`, `1G+64K`, `~1.5G`.
  public var text: String {
    func term(_ n: UInt64, _ shift: Int) -> String {
      Self.unit(shift).map { "\(n)\($0)" } ?? "\(n)"
    }
    switch self {
    case .bytes(let n): return "\(n)"
    case .exact(let whole, let shift): return term(whole, shift)
    case .sum(let whole, let shift, let rest, let restShift):
      return term(whole, shift) + "+" + term(rest, restShift)
    case .about(let tenths, let shift):
      let tenth = tenths % 10 != 0 ? ".\(tenths % 10)" : ""
      return "~\(tenths / 10)\(tenth)" + (Self.unit(shift).map { String($0) } ?? "")
    }
  }
}

extension ValueFormatter {
  /// A size as every view and message writes it (`SizeTerms`).
  public func size(_ x: UInt64) -> String { SizeTerms(x).text }
}
