/// A named address that starts a region of Linux's kernel VA map, as arm64's ptdump lists
/// them (`---[ vmalloc() area ]---`). A marker cuts the run it falls in.
public struct PtdumpMarker: Sendable, Equatable {
  public var address: UInt64
  public var name: String

  public init(address: UInt64, name: String) {
    self.address = address
    self.name = name
  }
}
