/// What `tlbi` did: nothing yet, architecturally. It is pending until a DSB completes it;
/// `inScope` previews what it would remove from each CPU it reaches if completed now.
public struct TLBIReport: Sendable, Equatable {
  public var tlbi: PendingTLBI
  /// The CPUs it reaches, by index.
  public var targets: [Int]
  public var inScope: [TLBIEffect]
  /// A local EL1 operation made broadcast by HCR_EL2.FB.
  public var upgradedByFB: Bool
  /// An E1 operation executed at EL2 with HCR_EL2.{E2H,TGE}={1,1}: applied to EL2&0.
  public var appliedToEL20: Bool
}
