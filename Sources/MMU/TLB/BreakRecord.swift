/// Something a TLB may hold of a descriptor that was made invalid, which a TLBI must remove
/// before a new valid value is written (docs/tlb-model.md): an entry built from the old
/// value, or, when no TLB held one, "whatever hardware may have cached", which the model
/// cannot locate.
enum BreakUse: Equatable {
  /// A leaf entry whose walk read the descriptor.
  case leaf(TLBEntry)
  /// A walk-cache entry whose walk read the descriptor (or that is the descriptor).
  case walk(WalkCacheEntry)
  /// No entry was built from it: a raw write has no VA, ASID or VMID to match, so any
  /// completed TLBI counts.
  case unknown

  /// Whether a TLBI of `scope` removes it. `table`: the old value was a table descriptor a
  /// walk cache held, so only an all-levels operation removes what was built through it.
  func covered(by scope: TLBIScope, table: Bool) -> Bool {
    if scope.empty || (table && scope.lastLevelOnly) { return false }
    switch self {
    case .leaf(let e): return scope.matches(e)
    case .walk(let w): return scope.matches(w)
    case .unknown: return true
    }
  }
}

/// A live descriptor made invalid (the "break"), waiting for the TLBIs that must come before
/// a new valid value is written (docs/tlb-model.md, Break-before-make).
struct BreakRecord {
  var old: UInt64
  /// Each CPU online at the break (with its reset count then): the uses no completed TLBI has
  /// covered on it yet. A CPU reset since holds nothing of the old value.
  var waiting: [(cpu: Int, resets: Int, uses: [BreakUse])]
  /// A walk cache held the old value as a table descriptor: only an all-levels TLBI (not a
  /// last-level one) removes it.
  var table: Bool
  /// The descriptor's level, when a TLB entry says it.
  var level: Int?

  /// Removes, on CPU `cpu`, the uses a completed TLBI of `scope` covered.
  mutating func invalidated(_ scope: TLBIScope, on cpu: Int) {
    for i in waiting.indices where waiting[i].cpu == cpu {
      waiting[i].uses.removeAll { $0.covered(by: scope, table: table) }
    }
  }
}
