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
