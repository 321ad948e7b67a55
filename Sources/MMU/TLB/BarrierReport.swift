/// What a DSB did.
public struct BarrierReport: Sendable, Equatable {
  public var domain: BarrierDomain
  /// The issuing CPU's TLBIs it completed, oldest first.
  public var completed: [TLBICompletion] = []
  /// The issuing CPU's TLBIs still pending after it.
  public var stillPending: [PendingTLBI] = []
  /// With `strictBarriers`: a DSB that left TLBIs pending.
  public var warnings: [ModelWarning] = []
}
