/// Shareability domains (SH[1:0]): 00 non-shareable, 10 outer, 11 inner; 01 is reserved.
public enum Shareability: UInt64, Sendable, CustomStringConvertible {
  case none = 0
  case reserved = 1
  case outer = 2
  case inner = 3

  /// `Shareability(rawValue: field) ?? .none`, inlined: the walker derives one per leaf.
  @inline(always)
  static func field(_ v: UInt64) -> Shareability {
    switch v {
    case 1: .reserved
    case 2: .outer
    case 3: .inner
    default: .none
    }
  }
  public var description: String {
    switch self {
    case .none: "non-shareable"
    case .reserved: "reserved"
    case .outer: "outer-shareable"
    case .inner: "inner-shareable"
    }
  }
}
