/// A named field of a system register, bits hi...lo.
public struct RegisterField: Sendable, Equatable {
  public let name: String
  public let hi: Int
  public let lo: Int
  public init(_ name: String, _ hi: Int, _ lo: Int) {
    self.name = name
    self.hi = hi
    self.lo = lo
  }
  public var width: Int { hi - lo + 1 }
  public func read(_ value: UInt64) -> UInt64 { bitField(value, hi, lo) }
  public func write(_ value: UInt64, _ field: UInt64) -> UInt64 {
    withBitField(value, hi, lo, field)
  }
}
