/// An address as the nearest kernel symbol at or below it and the distance from it
/// (`load symbols`): walks and dump rows carry it; the shell words it as Linux does
/// (`_stext+0x10`).
public struct SymbolicAddress: Sendable, Equatable {
  public var name: String
  public var offset: UInt64

  public init(name: String, offset: UInt64) {
    self.name = name
    self.offset = offset
  }
}
