/// What a walk returns: the outcome, every step when traced, and the memory accesses made.
public struct WalkResult: Sendable, Equatable {
  public var inputAddress: UInt64
  public var access: AccessType
  public var outcome: WalkOutcome
  /// Filled only when a trace was asked for.
  public var steps: [WalkStep]
  /// Descriptor reads, stage-2 reads for nested walks included.
  public var accesses: Int
}

extension AccessResult {
  /// An access result made outside the machine (a software walk, a stage-1-only AT).
  public init(status: TLBStatus, walk: WalkResult) {
    self.init(tlb: status, walk: walk, outcome: walk.outcome)
  }
}
