/// One cached translation, tagged as hardware tags it (§9.1).
public struct TLBEntry: Sendable, Equatable {
  public var regime: Regime
  /// VMID for EL1&0 and stage-2 entries (nil for EL2 / EL2&0).
  public var vmid: UInt64?
  /// ASID for non-global entries of two-range regimes; nil matches every ASID.
  public var asid: UInt64?
  /// The input address aligned to the entry's size (VA, or IPA for stage-2 entries).
  public var inputBase: UInt64
  public var sizeBits: Int
  /// A combined stage 1+2 entry (VA to PA through both stages).
  public var combined: Bool
  public var translation: Translation

  public func covers(_ address: UInt64) -> Bool {
    address & ~lowMask(sizeBits) == inputBase
  }
}

/// How a TLB lookup went.
public enum TLBStatus: Sendable, Equatable {
  /// The TLB was not consulted (`notlb`, or a software walk).
  case notUsed
  case miss
  case hit
  /// A hit whose entry disagrees with what the tables now say; `current` is their answer.
  case stale(current: WalkOutcome)
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

/// A CPU's TLB: cached final translations, looked up before any walk.
public struct TLB: Sendable {
  public private(set) var entries: [TLBEntry] = []
  public init() {}

  /// Entries that match an access's tags and address.
  public func matches(regime: Regime, vmid: UInt64?, asid: UInt64, address: UInt64) -> [TLBEntry] {
    entries.filter {
      $0.regime == regime && $0.vmid == vmid && ($0.asid == nil || $0.asid == asid)
        && $0.covers(address)
    }
  }

  public mutating func insert(_ e: TLBEntry) {
    if let i = entries.firstIndex(of: e) { entries[i] = e } else { entries.append(e) }
  }

  /// Removes every entry `predicate` selects; returns how many.
  @discardableResult
  public mutating func invalidate(where predicate: (TLBEntry) -> Bool) -> Int {
    let before = entries.count
    entries.removeAll(where: predicate)
    return before - entries.count
  }

  public mutating func removeAll() { entries.removeAll() }
}
