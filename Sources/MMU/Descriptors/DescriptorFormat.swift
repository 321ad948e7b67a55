/// The descriptor formats: stage 1 of a two-range regime, stage 1 of a one-range regime
/// (EL2 without VHE), and stage 2.
public enum DescriptorFormat: Sendable, Equatable {
  case stage1TwoRange, stage1OneRange, stage2

  public init(regime: Regime) {
    switch regime {
    case .el10, .el20: self = .stage1TwoRange
    case .el2: self = .stage1OneRange
    case .stage2: self = .stage2
    }
  }
}
