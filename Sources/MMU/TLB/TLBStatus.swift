/// How a TLB lookup went.
public enum TLBStatus: Sendable, Equatable {
  /// The TLB was not consulted (`notlb`, MMU off, or a software walk).
  case notUsed
  case miss
  case hit
  /// The answer came from cached state that disagrees with what the tables now say: a TLB
  /// entry, or on a miss a walk-cache or stage-2 entry the walk used. `current` is the
  /// tables' answer.
  indirect case stale(current: WalkOutcome)
  /// More than one entry matched: the access takes a TLB conflict abort.
  case conflict(entries: Int)

  public var name: String {
    switch self {
    case .notUsed: "none"
    case .miss: "miss"
    case .hit: "hit"
    case .stale: "stale"
    case .conflict: "conflict"
    }
  }
}
