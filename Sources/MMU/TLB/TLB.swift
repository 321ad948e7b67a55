/// A CPU's TLB: leaf entries (final translations, architecture.md §10.1) and walk-cache entries
/// (table descriptors per level, for both stages), each found by a hash of (regime, tags, page) so
/// a lookup costs one probe per block size in use, not a scan.
///
/// It only stores and finds; what fills it (an access's walk, `tlb fill`, speculation) and
/// what empties it (TLBIs completed by a DSB, a CPU going offline) live in `Machine`.
///
/// The model runs on one thread and no TLB method calls out while it mutates (predicates
/// are evaluated before anything is removed), so the stored properties opt out of dynamic
/// exclusivity checks, which would otherwise dominate a TLB hit.
public final class TLB {
  let leaves = TLBLeafStore()
  @exclusivity(unchecked) var walks = WalkCacheStore<WalkCacheEntry>()
  /// Bit n set: some leaf entry covers 2^n bytes (only these sizes are probed).
  @exclusivity(unchecked) private(set) var leafSizes: UInt64 = 0
  /// The last address-only hit's plan (`TLBHitPlan`).
  @exclusivity(unchecked) var hitPlan = TLBHitPlan()
  /// Bit (level + 1) set: some walk-cache entry is at that level.
  @exclusivity(unchecked) private(set) var walkLevels: UInt64 = 0

  public init() {}

  /// Leaf entries held.
  public var count: Int { leaves.count }
  /// Walk-cache entries held.
  public var walkCount: Int { walks.count }
  public var isEmpty: Bool { leaves.count == 0 && walks.count == 0 }

  /// Every leaf entry, sorted by regime, stage, VMID, ASID (globals first), address, size.
  public var entries: [TLBEntry] { leaves.elements.map(\.entry).sorted(by: Self.ordered) }
  /// Every walk-cache entry, sorted by regime, VMID, ASID, level, address.
  public var walkEntries: [WalkCacheEntry] { walks.elements.sorted(by: Self.ordered) }

  public func removeAll() {
    leaves.removeAll()
    walks.removeAll()
    leafSizes = 0
    walkLevels = 0
  }

  // MARK: Keys

  /// Walk-cache tags: regime [1:0], nested [2], level+1 [5:3], size [12:6], granule bits
  /// [17:13], VMID+1 [34:18].
  @inline(always)
  static func walkTag(
    regime: Regime, nested: Bool, vmid: UInt64?, level: Int, sizeBits: Int, granule: Granule
  ) -> UInt64 {
    UInt64(truncatingIfNeeded: regime.rawValue & 3) | (nested ? 4 : 0)
      | UInt64(truncatingIfNeeded: (level + 1) & 7) << 3
      | UInt64(truncatingIfNeeded: sizeBits & 127) << 6
      | UInt64(truncatingIfNeeded: granule.bits & 31) << 13
      | (vmid.map { (($0 & 0xffff) &+ 1) << 18 } ?? 0)
  }

  static func key(_ w: WalkCacheEntry) -> WalkCacheKey {
    WalkCacheKey(
      tag: walkTag(
        regime: w.regime, nested: w.nested, vmid: w.vmid, level: w.level, sizeBits: w.sizeBits,
        granule: w.granule),
      base: w.inputBase, asid: w.asid ?? WalkCacheStore<WalkCacheEntry>.noASID)
  }

  // MARK: Leaf entries

  typealias LeafMatches = TLBLeafStore.Matches

  /// Entries matching an access's tags that cover `address`: same regime and stage, same
  /// VMID (nil for EL2 regimes), and global or of the current ASID.
  @inline(always)
  func lookup(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, asid: UInt64, address: UInt64
  ) -> LeafMatches {
    lookup(
      group: TLBLeafStore.group(regime: regime, stage: stage, vmidTag: TLBLeafStore.vmidTag(vmid)),
      asid: asid, address: address)
  }

  /// Entries of the tags `group` (`TLBLeafStore.group`), global or of `asid`, that cover
  /// `address`.
  @inline(always)
  func lookup(group: UInt64, asid: UInt64, address: UInt64) -> LeafMatches {
    leaves.matches(
      group: group, sizes: leafSizes, address: address,
      numbers: leaves.contextNumbers(group: group, asid: asid))
  }

  @inline(always)
  func entry(_ slot: Int) -> TLBEntry? { leaves.entry(slot) }

  /// The general hit path: the slot of the one entry of the tags `group`, global or of
  /// `asid`, that covers `address`, when exactly one does. nil sends the access the long way
  /// (no entry, or a conflict).
  @inline(always)
  func onlyMatch(group: UInt64, asid: UInt64, address: UInt64) -> Int? {
    leaves.soleMatch(
      group: group, sizes: leafSizes, address: address,
      numbers: leaves.contextNumbers(group: group, asid: asid))
  }

  /// Every entry an access with these tags would match at `address`, sorted.
  public func matching(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, asid: UInt64, address: UInt64
  ) -> [TLBEntry] {
    leaves.elements.map(\.entry).filter {
      $0.regime == regime && $0.stage == stage && $0.vmid == vmid
        && ($0.asid == nil || $0.asid == asid) && $0.covers(address)
    }.sorted(by: Self.ordered)
  }

  /// Adds an entry, replacing one with identical tags, address and size (or, with `replace`
  /// false, keeping that one). An entry of another size covering the same address is kept:
  /// the two then conflict, as in hardware. `path` is the (PA, value) pairs of the
  /// descriptors it was built from; `leaf`, for a stage-2 entry, the walker's leaf.
  public func insert(_ e: TLBEntry, replace: Bool = true) {
    insert(e, path: [], leaf: nil, replace: replace)
  }

  func insert(
    _ e: TLBEntry, path: [UInt64], leaf: StageLeaf?, verified: UInt64 = .max,
    replace: Bool = true
  ) {
    // `verified`: the memory generation at which the path was read, under the registers of
    // the fill (the entry's stamp).
    let checked =
      verified == .max ? 0 : leaves.currentEpoch(memory: verified, registers: e.stamp)
    leaves.insert(
      e, cold: TLBLeafStore.Cold(path: path, leaf: leaf), checked: checked, replace: replace)
    leafSizes |= bit(e.sizeBits)
  }

  /// Removes the leaf entries `predicate` selects and returns them, sorted.
  @discardableResult
  public func removeEntries(where predicate: (TLBEntry) -> Bool) -> [TLBEntry] {
    let removed = leaves.remove(where: predicate)
    if !removed.isEmpty {
      leafSizes = leaves.elements.reduce(0) { $0 | bit($1.entry.sizeBits) }
    }
    return removed.sorted(by: Self.ordered)
  }

  /// Removes the leaf entries `predicate` selects at once, bypassing TLBI and DSB semantics
  /// (a model-level reset of part of the TLB); returns how many. Scripts use `Machine.tlbi`.
  @discardableResult
  public func invalidate(where predicate: (TLBEntry) -> Bool) -> Int {
    removeEntries(where: predicate).count
  }

  // MARK: Walk-cache entries

  /// The deepest walk-cache entry usable to walk `address` in `geometry`: same tags, a level
  /// from the start level to 2 whose region size agrees with the geometry now in force (an
  /// entry from another granule or layout is never used).
  func lookupWalk(
    regime: Regime, nested: Bool, vmid: UInt64?, asid: UInt64?, address: UInt64,
    geometry g: Geometry
  ) -> WalkCacheEntry? {
    guard walkLevels != 0 else { return nil }
    let asidKey = asid ?? WalkCacheStore<WalkCacheEntry>.noASID
    var level = 2
    while level >= g.startLevel {
      if walkLevels & bit(level + 1) != 0 {
        let shift = g.levelShift(level)
        var m = WalkCacheStore<WalkCacheEntry>.Matches()
        walks.find(
          tag: Self.walkTag(
            regime: regime, nested: nested, vmid: vmid, level: level, sizeBits: shift,
            granule: g.granule),
          base: address & ~lowMask(shift), asid: asidKey, globals: false, into: &m)
        if m.count > 0, let w = walks.element(m.first) { return w }
      }
      level -= 1
    }
    return nil
  }

  /// Adds a walk-cache entry, replacing one with identical tags, level and address unless
  /// `replace` is false.
  public func insertWalk(_ w: WalkCacheEntry, replace: Bool = true) {
    walks.insert(w, key: Self.key(w), replace: replace)
    walkLevels |= bit(w.level + 1)
  }

  /// Removes the walk-cache entries `predicate` selects and returns them, sorted.
  @discardableResult
  public func removeWalkEntries(where predicate: (WalkCacheEntry) -> Bool) -> [WalkCacheEntry] {
    let removed = walks.remove(slots: walks.slots(where: predicate))
    if !removed.isEmpty { walkLevels = walks.elements.reduce(0) { $0 | bit($1.level + 1) } }
    return removed.sorted(by: Self.ordered)
  }

  /// The values of the descriptor at `pa` that entries were built from (their paths), in
  /// no particular order.
  func cachedDescriptors(at pa: UInt64) -> [UInt64] {
    var out: [UInt64] = []
    func scan(_ p: [UInt64]) {
      var i = 0
      while i + 1 < p.count {
        if p[i] == pa { out.append(p[i + 1]) }
        i += 2
      }
    }
    for e in leaves.elements { scan(e.cold.path) }
    for w in walks.slots { if let w { scan(w.path) } }
    return out
  }

  /// Whether an entry was built from a descriptor in the 4K page of `pa` (a table page).
  func holdsDescriptor(inPageOf pa: UInt64) -> Bool {
    let page = pa & ~0xfff
    func scan(_ p: [UInt64]) -> Bool {
      var i = 0
      while i + 1 < p.count {
        if p[i] & ~0xfff == page { return true }
        i += 2
      }
      return false
    }
    for e in leaves.elements where scan(e.cold.path) { return true }
    for w in walks.slots { if let w, scan(w.path) { return true } }
    return false
  }

  // MARK: Order

  /// nil (global, or untagged) sorts first.
  static func rank(_ x: UInt64?) -> (Int, UInt64) { (x == nil ? 0 : 1, x ?? 0) }

  static func ordered(_ a: TLBEntry, _ b: TLBEntry) -> Bool {
    if a.regime != b.regime { return a.regime.rawValue < b.regime.rawValue }
    if a.stage != b.stage { return a.stage < b.stage }
    if a.vmid != b.vmid { return rank(a.vmid) < rank(b.vmid) }
    if a.asid != b.asid { return rank(a.asid) < rank(b.asid) }
    if a.inputBase != b.inputBase { return a.inputBase < b.inputBase }
    return a.sizeBits > b.sizeBits
  }

  static func ordered(_ a: WalkCacheEntry, _ b: WalkCacheEntry) -> Bool {
    if a.regime != b.regime { return a.regime.rawValue < b.regime.rawValue }
    if a.nested != b.nested { return !a.nested }
    if a.vmid != b.vmid { return rank(a.vmid) < rank(b.vmid) }
    if a.asid != b.asid { return rank(a.asid) < rank(b.asid) }
    if a.level != b.level { return a.level < b.level }
    return a.inputBase < b.inputBase
  }
}
