/// A translation regime, as hardware tags TLB entries with it (architecture.md §2.7).
public enum Regime: Int, Sendable, CaseIterable, CustomStringConvertible {
  /// EL1&0 stage 1 (TTBR0_EL1/TTBR1_EL1, TCR_EL1): two VA ranges, ASIDs.
  case el10
  /// EL2 without VHE (TTBR0_EL2, TCR_EL2 in its own layout): one range, no ASIDs.
  case el2
  /// EL2&0 with VHE (HCR_EL2.E2H=1): TTBR0_EL2/TTBR1_EL2, TCR_EL2 in the EL1 layout.
  case el20
  /// Stage 2 of the EL1&0 regime (VTTBR_EL2, VTCR_EL2): IPA to PA.
  case stage2

  @inline(__always) public var hasTwoRanges: Bool { self == .el10 || self == .el20 }
  @inline(__always) public var isStage2: Bool { self == .stage2 }
  public var description: String {
    switch self {
    case .el10: "EL1&0"
    case .el2: "EL2"
    case .el20: "EL2&0"
    case .stage2: "stage 2"
    }
  }
}

/// The words a space's `regime` option and `decode` name a table format by: `vhe` is EL2&0.
extension Regime: Vocabulary {
  public static var vocabulary: [Regime] { allCases }
  public var word: String {
    switch self {
    case .el10: "el1"
    case .el2: "el2"
    case .el20: "vhe"
    case .stage2: "s2"
    }
  }
}
