/// One TLBI a DSB completed, and what it removed from each CPU.
public struct TLBICompletion: Sendable, Equatable {
  public var tlbi: PendingTLBI
  public var removed: [TLBIEffect]
}
