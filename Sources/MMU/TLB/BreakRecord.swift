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
