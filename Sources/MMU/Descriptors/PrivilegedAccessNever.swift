/// What PSTATE.PAN takes from a privileged data access (FEAT_PAN, FEAT_PAN3): the
/// restriction AArch64.S1DirectBasePermissions applies to the privileged read and write
/// rights of stage 1 in a regime with EL0 (EL1&0, EL2&0).
///
/// PAN is PSTATE, not a register: TLB entries hold the rights without it, and every check of
/// an access (a walk's leaf, a TLB hit) applies it.
public enum PrivilegedAccessNever: UInt8, Sendable, Equatable {
  /// PAN does not apply: PSTATE.PAN=0, an unprivileged or instruction access, a one-range
  /// regime, an instruction that ignores PAN (AT S1E1R/W), or no FEAT_PAN.
  case none
  /// FEAT_PAN: no privileged data access to memory EL0 can read or write.
  case el0Accessible
  /// FEAT_PAN3 with SCTLR_ELx.EPAN=1: nor to memory EL0 can execute.
  case el0AccessibleOrExecutable

  /// The restriction for an access of `regime` whose instruction honours PSTATE.PAN when
  /// `pan` (PSTATE.PAN=1 and the instruction is a load, store or AT S1E1RP/WP).
  @inline(__always)
  public init(
    _ registers: RegisterFile, regime: Regime, access: AccessType, unprivileged: Bool, pan: Bool
  ) {
    guard Self.applies(access: access, unprivileged: unprivileged, pan: pan) else {
      self = .none
      return
    }
    self.init(registers, regime: regime)
  }

  /// The restriction PSTATE.PAN=1 puts on the privileged data accesses of `regime`.
  @inline(__always)
  public init(_ registers: RegisterFile, regime: Regime) {
    let level = registers.features.pan
    if !regime.hasTwoRanges || level == 0 {
      self = .none
    } else if level >= 3 && registers.sctlr(regime).epan {
      self = .el0AccessibleOrExecutable
    } else {
      self = .el0Accessible
    }
  }

  /// Whether PAN restricts an access at all: a privileged data access, with PSTATE.PAN
  /// honoured (`pan`).
  @inline(__always)
  public static func applies(access: AccessType, unprivileged: Bool, pan: Bool) -> Bool {
    pan && !unprivileged && access != .exec
  }

  /// Whether PAN denies a privileged data access to memory with stage-1 rights `p`. With
  /// WXN an EL0-writable page loses EL0 execute, but it is EL0-readable, so the rights after
  /// WXN give the same answer as UXN alone.
  @inline(__always)
  public func denies(_ p: Permissions) -> Bool {
    switch self {
    case .none: false
    case .el0Accessible: p.el0Read || p.el0Write
    case .el0AccessibleOrExecutable: p.el0Read || p.el0Write || p.el0Exec
    }
  }
}

extension Permissions {
  /// `allows(access, unprivileged:)` with PSTATE.PAN's restriction (none for EL0 accesses
  /// and instruction fetches: `PrivilegedAccessNever.init` gives `.none` for those).
  @inline(__always)
  public func allows(_ access: AccessType, unprivileged: Bool, pan: PrivilegedAccessNever)
    -> Bool
  {
    allows(access, unprivileged: unprivileged) && !pan.denies(self)
  }
}
