/// Why a space could not be made.
public enum SpaceError: Error, Equatable, Sendable {
  case duplicate(String)
  case inputBits(Int, granule: Granule, allowed: ClosedRange<Int>, stage2: Bool)
  case granuleNotImplemented(Granule)
  case noSuchSpace(String)
  case viaNotStage2(String)
  case viaOnlyForEL1
  case rootMisaligned(UInt64, alignment: UInt64)
  case rootNotMapped(UInt64)
  case pool(PoolError)
  case stage2Start(ipaBits: Int, granule: Granule)
}
