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
