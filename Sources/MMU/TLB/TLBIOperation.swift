/// A TLBI instruction (architecture.md §10.3): the operation and its shareability. `vae1` is local,
/// `vae1is` broadcast to the Inner Shareable domain (every online CPU), `vae1os` to the Outer
/// Shareable domain (also every online CPU, but only `dsb osh`/`dsb sy` complete it).
public struct TLBIOperation: Sendable, Hashable, CustomStringConvertible, Vocabulary {
  /// The operation without its shareability suffix.
  public enum Base: String, Sendable, CaseIterable {
    case vmalle1, vae1, vale1, vaae1, vaale1, aside1
    case vmalls12e1, alle1, ipas2e1, ipas2le1
    case alle2, vae2, vale2
    case rvae1, rvale1, rvaae1, rvaale1, ripas2e1, ripas2le1, rvae2, rvale2
  }

  /// Which entries an operation is about.
  public enum Target: Sendable, Equatable {
    /// EL1&0 stage-1 and combined entries of the current VMID (op1=0). Executed at EL2 with
    /// HCR_EL2.{E2H,TGE}={1,1}, EL2&0 entries instead.
    case el1Stage1
    /// Stage-2 entries of the current VMID (IPA operations).
    case stage2
    /// EL1&0 entries of every stage (VMALLS12E1: current VMID; ALLE1: every VMID).
    case el1AllStages
    /// EL2 and EL2&0 entries.
    case el2
  }

  public enum Domain: Int, Sendable, Comparable {
    case local, inner, outer
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  }

  public var base: Base
  public var domain: Domain

  public init(_ base: Base, _ domain: Domain = .local) {
    self.base = base
    self.domain = domain
  }

  /// Parses `vae1`, `vae1is`, `vae1os`, … (any case).
  public init?(name: String) {
    let n = name.lowercased()
    if let b = Base(rawValue: n) {
      self.init(b)
      return
    }
    for (suffix, d) in [("is", Domain.inner), ("os", Domain.outer)] where n.hasSuffix(suffix) {
      if let b = Base(rawValue: String(n.dropLast(2))) {
        self.init(b, d)
        return
      }
    }
    return nil
  }

  /// Every operation, local then IS then OS forms of each base, in a fixed order.
  public static var all: [TLBIOperation] {
    Base.allCases.flatMap { b in [Domain.local, .inner, .outer].map { TLBIOperation(b, $0) } }
  }

  public var name: String {
    base.rawValue + (domain == .inner ? "is" : domain == .outer ? "os" : "")
  }
  public var description: String { name }
  public static var vocabulary: [TLBIOperation] { all }
  public var word: String { name }

  /// Broadcast to every online CPU (IS/OS forms).
  public var broadcast: Bool { domain != .local }

  /// The exception level the instruction needs: EL1 ops (op1=0) are UNDEFINED at EL0, EL2
  /// ops (op1=4) below EL2.
  public var requiredEL: Int {
    switch base {
    case .vmalle1, .vae1, .vale1, .vaae1, .vaale1, .aside1, .rvae1, .rvale1, .rvaae1, .rvaale1:
      1
    default: 2
    }
  }

  public var target: Target {
    switch base {
    case .vmalle1, .vae1, .vale1, .vaae1, .vaale1, .aside1, .rvae1, .rvale1, .rvaae1, .rvaale1:
      .el1Stage1
    case .ipas2e1, .ipas2le1, .ripas2e1, .ripas2le1: .stage2
    case .vmalls12e1, .alle1: .el1AllStages
    case .alle2, .vae2, .vale2, .rvae2, .rvale2: .el2
    }
  }

  /// Only stage-2 entries: IPAS2E1 and friends leave combined entries (architecture.md §10.3).
  public var stage2Only: Bool { target == .stage2 }

  /// The operand is a VA, or an IPA for the stage-2 operations.
  public var byAddress: Bool {
    switch base {
    case .vmalle1, .aside1, .vmalls12e1, .alle1, .alle2: false
    default: true
    }
  }

  /// The operand is an IPA.
  public var byIPA: Bool { target == .stage2 }

  /// A range operation (FEAT_TLBIRANGE): a base address and a length in granules.
  public var isRange: Bool { base.rawValue.hasPrefix("r") }

  /// Last level only: leaf entries of any size are removed, walk-cache entries stay.
  public var lastLevel: Bool {
    switch base {
    case .vale1, .vaale1, .ipas2le1, .vale2, .rvale1, .rvaale1, .ripas2le1, .rvale2: true
    default: false
    }
  }

  /// The operand's ASID matters: VAE1/VALE1 (+range), ASIDE1, and VAE2/VALE2 (+range) when
  /// HCR_EL2.E2H makes the EL2 regime EL2&0.
  public var takesASID: Bool {
    switch base {
    case .vae1, .vale1, .aside1, .rvae1, .rvale1, .vae2, .vale2, .rvae2, .rvale2: true
    default: false
    }
  }

  /// Every ASID: VAAE1, VAALE1 and their range forms.
  public var anyASID: Bool {
    switch base {
    case .vaae1, .vaale1, .rvaae1, .rvaale1: true
    default: false
    }
  }
}
