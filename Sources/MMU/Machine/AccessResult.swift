/// What an access got: the TLB's answer, the table walk, and the outcome the access sees.
///
/// Every access returns one, so its storage is plain data (the outcome, the counts, the
/// reads made) plus one reference to the parts that are usually empty: the traced
/// steps, a walk outcome that differs from the access's, the conflicting entries, the walk
/// cache entries used, warnings. A hit or an untraced miss copies with a few moves and
/// allocates nothing.
public struct AccessResult: Sendable, Equatable {
  /// What the access gets: from the TLB on a hit, from the walk on a miss.
  public var outcome: WalkOutcome {
    didSet {
      // The walk keeps the outcome it had.
      if rare.walkOutcome == nil && oldValue != outcome { rare.walkOutcome = oldValue }
    }
  }
  /// Descriptor reads the access itself made: 0 on a hit.
  public var accesses = 0
  private var address: UInt64
  private var walkAccesses: Int
  private var accessType: AccessType
  private var status: StatusCode
  private var conflictCount: Int32 = 0
  private var box: RareBox?

  private enum StatusCode: UInt8 { case notUsed, miss, hit, stale, conflict }

  /// The rarely non-empty parts, boxed together (nil when all are empty).
  private struct Rare: Sendable, Equatable {
    var steps: [WalkStep] = []
    /// The walk's outcome when it differs from `outcome` (a stale hit, a conflict).
    var walkOutcome: WalkOutcome?
    /// `.stale`'s current outcome.
    var staleCurrent: WalkOutcome?
    var conflicting: [TLBEntry] = []
    var walkCacheUsed: [WalkCacheEntry] = []
    var warnings: [ModelWarning] = []

    var isEmpty: Bool {
      steps.isEmpty && walkOutcome == nil && staleCurrent == nil && conflicting.isEmpty
        && walkCacheUsed.isEmpty && warnings.isEmpty
    }
  }
  private final class RareBox: Sendable {
    let rare: Rare
    init(_ r: Rare) { rare = r }
  }
  private var rare: Rare {
    get { box?.rare ?? Rare() }
    set { box = newValue.isEmpty ? nil : RareBox(newValue) }
  }

  /// How the TLB lookup went.
  public var tlb: TLBStatus {
    get {
      switch status {
      case .notUsed: .notUsed
      case .miss: .miss
      case .hit: .hit
      case .stale: .stale(current: rare.staleCurrent ?? outcome)
      case .conflict: .conflict(entries: Int(conflictCount))
      }
    }
    set {
      var stale: WalkOutcome?
      conflictCount = 0
      switch newValue {
      case .notUsed: status = .notUsed
      case .miss: status = .miss
      case .hit: status = .hit
      case .stale(let current):
        status = .stale
        stale = current
      case .conflict(let n):
        status = .conflict
        conflictCount = Int32(clamping: n)
      }
      if stale != nil || box?.rare.staleCurrent != nil { rare.staleCurrent = stale }
    }
  }

  /// The translation table walk. On a miss: the walk this access made (starting below the
  /// start level when `walkCacheUsed` is not empty). On a hit, stale hit or conflict: what the
  /// tables say now, walked only to compare (no fills, no AF/dirty updates; `steps` when
  /// traced), or, for an untraced hit whose descriptors and registers are provably unchanged
  /// since the fill, the cached outcome with no steps and no accesses.
  public var walk: WalkResult {
    get {
      let r = box?.rare
      return WalkResult(
        inputAddress: address, access: accessType, outcome: r?.walkOutcome ?? outcome,
        steps: r?.steps ?? [], accesses: walkAccesses)
    }
    set {
      address = newValue.inputAddress
      accessType = newValue.access
      walkAccesses = newValue.accesses
      var r = rare
      r.steps = newValue.steps
      r.walkOutcome = newValue.outcome == outcome ? nil : newValue.outcome
      rare = r
    }
  }

  /// The entries that matched together, for a conflict.
  public var conflicting: [TLBEntry] {
    get { box?.rare.conflicting ?? [] }
    set { rare.conflicting = newValue }
  }
  /// Walk-cache entries the walk of a miss started from.
  public var walkCacheUsed: [WalkCacheEntry] {
    get { box?.rare.walkCacheUsed ?? [] }
    set { rare.walkCacheUsed = newValue }
  }
  /// Missing-barrier warnings (with `strictBarriers`).
  public var warnings: [ModelWarning] {
    get { box?.rare.warnings ?? [] }
    set { rare.warnings = newValue }
  }

  public static func == (a: AccessResult, b: AccessResult) -> Bool {
    a.status == b.status && a.conflictCount == b.conflictCount && a.outcome == b.outcome
      && a.accesses == b.accesses && a.address == b.address
      && a.walkAccesses == b.walkAccesses && a.accessType == b.accessType
      && (a.box === b.box || a.rare == b.rare)
  }
}

// The initialisers build the whole value at once through the memberwise initialiser (this
// extension keeps it): a hot path that returns one then moves it, where field-by-field
// stores made the release build copy and destroy it through its value witnesses.
extension AccessResult {
  /// `accesses` defaults to the walk's (a result made for a walk without any TLB).
  init(
    tlb: TLBStatus, walk: WalkResult, outcome: WalkOutcome, accesses: Int? = nil,
    conflicting: [TLBEntry] = [], walkCacheUsed: [WalkCacheEntry] = [],
    warnings: [ModelWarning] = []
  ) {
    self.outcome = outcome
    self.accesses = accesses ?? walk.accesses
    address = walk.inputAddress
    walkAccesses = walk.accesses
    accessType = walk.access
    status = .notUsed
    var r = Rare()
    r.steps = walk.steps
    r.walkOutcome = walk.outcome == outcome ? nil : walk.outcome
    r.conflicting = conflicting
    r.walkCacheUsed = walkCacheUsed
    r.warnings = warnings
    rare = r
    self.tlb = tlb
  }

  /// A walk made without the TLB: its outcome is the access's (nothing to compare).
  @inline(always)
  init(notUsed walk: WalkResult) {
    self.init(
      outcome: walk.outcome, accesses: walk.accesses, address: walk.inputAddress,
      walkAccesses: walk.accesses, accessType: walk.access, status: .notUsed,
      box: walk.steps.isEmpty ? nil : RareBox(Rare(steps: walk.steps)))
  }

  /// An untraced walk made without the TLB, from its parts (no steps).
  @inline(always)
  init(notUsed outcome: WalkOutcome, address: UInt64, access: AccessType, accesses: Int) {
    self.init(
      outcome: outcome, accesses: accesses, address: address, walkAccesses: accesses,
      accessType: access, status: .notUsed, box: nil)
  }

  /// A hit that made no walk: `walk` is the cached outcome with no steps and no accesses.
  @inline(always)
  init(hit address: UInt64, access: AccessType, outcome: WalkOutcome, warnings: [ModelWarning]?) {
    var box: RareBox?
    if let warnings, !warnings.isEmpty { box = RareBox(Rare(warnings: warnings)) }
    self.init(
      outcome: outcome, accesses: 0, address: address, walkAccesses: 0, accessType: access,
      status: .hit, box: box)
  }
}
