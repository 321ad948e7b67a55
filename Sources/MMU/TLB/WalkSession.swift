/// What a walk needs to consult and fill a CPU's TLB — the TLB and the tags current on that
/// CPU — and what the walk learns on the way. Only walks made by accesses (and `tlb fill`,
/// speculation, probes) have one; `notlb`, software and comparison walks do not, so their
/// path carries no TLB state at all.
final class WalkSession {
  let tlb: TLB
  /// VTTBR_EL2.VMID: tags EL1&0 and stage-2 entries.
  let vmid: UInt64
  /// The ASID of the stage-1 regime walked (TTBR per TCR.A1, 8 or 16 bits per TCR.AS).
  let asid: UInt64
  /// The CPU's register generation, stamped on every entry filled.
  let stamp: UInt64
  let speculative: Bool
  /// False for a probe: entries are used but nothing is inserted.
  let fills: Bool
  /// The descriptor reads the result depends on, as (PA, value) pairs, those of the
  /// walk-cache and stage-2 entries used included.
  var path: [UInt64] = []
  /// Walk-cache entries the walk started from.
  var walkCacheUsed: [WalkCacheEntry] = []
  /// A walk-cache or stage-2 entry answered part of the walk: the outcome may be stale.
  var usedCache = false
  /// Stage-2 entries that matched one IPA together (the walk took a TLB conflict abort).
  var conflicts: [TLBEntry] = []

  init(tlb: TLB, vmid: UInt64, asid: UInt64, stamp: UInt64, speculative: Bool, fills: Bool) {
    self.tlb = tlb
    self.vmid = vmid
    self.asid = asid
    self.stamp = stamp
    self.speculative = speculative
    self.fills = fills
  }

  /// The tags an entry of `regime` carries (architecture.md §10.1): VMID for EL1&0 and stage 2, the
  /// ASID for the stage-1 walk caches of two-range regimes.
  func tags(_ regime: Regime) -> (vmid: UInt64?, asid: UInt64?) {
    switch regime {
    case .el10: (vmid, asid)
    case .el20: (nil, asid)
    case .el2: (nil, nil)
    case .stage2: (vmid, nil)
    }
  }

  /// The path from index `start` on.
  func path(from start: Int) -> [UInt64] {
    Array(path[min(max(start, 0), path.count)...])
  }
}
