/// The DSB options of `dsb` (bare `dsb` is `sy`).
public enum BarrierDomain: String, Sendable, CaseIterable, Vocabulary {
  case sy, st, ld, ish, ishst, ishld, osh, oshst, oshld, nsh, nshst, nshld

  public init?(name: String) {
    let n = name.lowercased()
    if n.isEmpty {
      self = .sy
      return
    }
    guard let d = BarrierDomain(rawValue: n) else { return nil }
    self = d
  }

  /// Only a DSB that waits for both loads and stores completes TLB maintenance: the `st`
  /// and `ld` forms complete nothing.
  public var completesTLBI: Bool {
    switch self {
    case .sy, .ish, .osh, .nsh: true
    default: false
    }
  }

  /// The widest maintenance it completes: `nsh` the issuer's local operations, `ish` also
  /// Inner Shareable broadcasts, `osh` and `sy` Outer Shareable ones too.
  public var reach: TLBIOperation.Domain {
    switch self {
    case .nsh, .nshst, .nshld: .local
    case .ish, .ishst, .ishld: .inner
    default: .outer
    }
  }
}
