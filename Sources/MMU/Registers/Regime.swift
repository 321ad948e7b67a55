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

/// The kind of memory access being translated.
public enum AccessType: Int, Sendable, CaseIterable, CustomStringConvertible {
  case read, write, exec
  public var description: String {
    switch self {
    case .read: "read"
    case .write: "write"
    case .exec: "exec"
    }
  }
}

/// What an access asks of the MMU: which regime, at which privilege, and whether stage 2
/// applies. This is what the language's `el0 el1 el2 s1 s2` words resolve to.
public struct AccessContext: Sendable, Equatable {
  public var regime: Regime
  /// An EL0 (unprivileged) access; EL1/EL2 permissions otherwise.
  public var unprivileged: Bool
  /// Stage 2 follows stage 1 (EL1&0 with HCR_EL2.VM=1, or DC=1).
  public var stage2: Bool
  /// PSTATE.PAN is set and the access honours it: a privileged load or store, or AT
  /// S1E1RP/WP (AT S1E1R/W ignore it). Which rights it takes is `PrivilegedAccessNever`.
  public var pan: Bool
  public init(regime: Regime, unprivileged: Bool = false, stage2: Bool = false, pan: Bool = false) {
    self.regime = regime
    self.unprivileged = unprivileged
    self.stage2 = stage2
    self.pan = pan
  }
}
