/// The AT instructions (architecture.md §9.4): which regime, which stage(s), which access, and
/// whether the permission check includes PSTATE.PAN (S1E1RP/S1E1WP, FEAT_PAN2).
public enum ATOperation: String, Sendable, CaseIterable, Vocabulary {
  case s1e1r, s1e1w, s1e0r, s1e0w, s1e2r, s1e2w, s12e1r, s12e1w, s12e0r, s12e0w
  case s1e1rp, s1e1wp

  public var access: AccessType {
    switch self {
    case .s1e1w, .s1e0w, .s1e2w, .s12e1w, .s12e0w, .s1e1wp: .write
    default: .read
    }
  }
  public var unprivileged: Bool { rawValue.contains("e0") }
  public var bothStages: Bool { rawValue.hasPrefix("s12") }
  public var el2: Bool { self == .s1e2r || self == .s1e2w }
  /// S1E1RP/S1E1WP: the check includes PSTATE.PAN (AT S1E1R/W ignore it).
  public var honoursPAN: Bool { self == .s1e1rp || self == .s1e1wp }
  /// The ID_AA64MMFR1_EL1.PAN level the operation needs (2 for the PAN forms).
  public var requiredPANLevel: Int { honoursPAN ? 2 : 0 }
}
