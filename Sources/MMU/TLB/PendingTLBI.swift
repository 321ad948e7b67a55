/// A TLBI issued and not yet completed: its scope was fixed when it executed.
public struct PendingTLBI: Sendable, Equatable {
  public var operation: TLBIOperation
  public var scope: TLBIScope
  /// The issuing CPU's index.
  public var issuer: Int
  /// Where it reaches: the issuer alone, or every online CPU (IS/OS forms, or a local EL1
  /// operation upgraded by HCR_EL2.FB).
  public var domain: TLBIOperation.Domain
}
