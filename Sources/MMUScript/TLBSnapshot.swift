import MMU

/// What `tlb show` lists for one CPU: its cached translations, its walk-cache (table)
/// entries, and the TLBIs it issued that no DSB has completed yet.
public struct TLBSnapshot: Sendable {
  public var cpu: Int
  public var entries: [TLBEntry]
  public var walkEntries: [WalkCacheEntry]
  public var pending: [PendingTLBI]
}

extension Interpreter {
  /// With `set tlb_speculative on`, a CPU may have fetched any translation the tables allow
  /// at any time: cache them on every online CPU before the tables change.
  func speculateBeforeTableChange() {
    guard machine.options.tlbSpeculative else { return }
    for c in machine.onlineCPUs {
      _ = machine.speculateTranslations(cpu: c)
      // A pass walks every leaf it reaches (bounded per range), each now in the TLB.
      addWork(1 + min(c.tlb.count, 5 * Machine.speculationLeafLimit))
    }
  }

  func tlbSnapshot(cpu n: Int) -> TLBSnapshot {
    let c = machine.cpus[n]
    return TLBSnapshot(
      cpu: n, entries: c.tlb.entries, walkEntries: c.tlb.walkEntries, pending: c.pendingTLBIs)
  }
}
