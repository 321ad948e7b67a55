/// What an access asks of the MMU: which regime, at which privilege, and whether stage 2
/// applies. This is what the language's `el0 el1 el2 s1 s2` words resolve to.
///
/// One byte (regime [1:0], unprivileged [2], stage 2 [3], PAN [4]): every access passes one,
/// and a TLB hit compares it whole with the context its hit plan was made for.
public struct AccessContext: Sendable, Equatable {
  private var bits: UInt8

  public var regime: Regime {
    @inline(__always) get { Regime(rawValue: Int(bits & 3)) ?? .el10 }
    set { bits.setPackedField(0, 3, UInt8(truncatingIfNeeded: newValue.rawValue)) }
  }
  /// An EL0 (unprivileged) access; EL1/EL2 permissions otherwise.
  public var unprivileged: Bool {
    @inline(__always) get { bits.hasFlag(4) }
    set { bits.setFlag(4, newValue) }
  }
  /// Stage 2 follows stage 1 (EL1&0 with HCR_EL2.VM=1, or DC=1).
  public var stage2: Bool {
    @inline(__always) get { bits.hasFlag(8) }
    set { bits.setFlag(8, newValue) }
  }
  /// PSTATE.PAN is set and the access honours it: a privileged load or store, or AT
  /// S1E1RP/WP (AT S1E1R/W ignore it). Which rights it takes is `PrivilegedAccessNever`.
  public var pan: Bool {
    @inline(__always) get { bits.hasFlag(16) }
    set { bits.setFlag(16, newValue) }
  }
  /// The whole context as one number (equal contexts, equal numbers).
  var packed: UInt8 { @inline(always) get { bits } }

  public init(regime: Regime, unprivileged: Bool = false, stage2: Bool = false, pan: Bool = false) {
    bits = 0
    self.regime = regime
    self.unprivileged = unprivileged
    self.stage2 = stage2
    self.pan = pan
  }
}
