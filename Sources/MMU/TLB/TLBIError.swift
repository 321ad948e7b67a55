/// Why a TLBI could not execute. Nothing was issued when one of these is thrown.
public enum TLBIError: Error, Equatable, Sendable {
  /// The operation needs an address (or an `xt` operand).
  case missingAddress(TLBIOperation)
  /// The operation takes no address.
  case unexpectedAddress(TLBIOperation)
  /// A raw operand was given together with an address, ASID, level or size.
  case xtWithOtherOperands
  /// An explicit ASID for an operation that ignores it.
  case asidNotUsed(TLBIOperation)
  /// A TTL hint for an operation without one, or a level no TTL can encode (0...3).
  case badLevel(TLBIOperation, Int)
  /// A range operation in address form needs a size (and only range operations take one).
  case badSize(TLBIOperation)
  /// UNDEFINED at the issuing CPU's exception level.
  case undefinedAtEL(TLBIOperation, el: Int)
  case cpuOffline(Int)
}
