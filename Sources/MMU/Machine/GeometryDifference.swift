/// How a space's shape and the registers that walk it disagree (`switch`).
public enum GeometryDifference: Sendable, Equatable {
  case regime(space: Regime, register: Regime)
  /// The half of a two-range space: upper or lower.
  case half(spaceUpper: Bool, registerUpper: Bool)
  /// The registers cannot walk anything: their setup faults.
  case unwalkable(Fault)
  case granule(space: Granule, register: Granule)
  case inputBits(space: Int, register: Int)
  case startLevel(space: Int, register: Int)
  case lpa2(space: Bool, register: Bool)
}
