/// What `space` asks for; unset fields come from the current CPU's registers.
public struct SpaceRequest: Sendable {
  public var name: String
  public var regime: Regime = .el10
  public var upper: Bool?
  public var granule: Granule?
  public var inputBits: Int?
  public var ds: Bool?
  public var pool: (base: UInt64, size: UInt64)?
  public var via: String?
  public var root: UInt64?
  public init(name: String) { self.name = name }
}
