/// A CPU's TLB: leaf entries (final translations, §9.1) and walk-cache entries (table
/// descriptors per level, for both stages), each found by a hash of (regime, tags, page) so
/// a lookup costs one probe per block size in use, not a scan.
///
/// It only stores and finds; what fills it (an access's walk, `tlb fill`, speculation) and
/// what empties it (TLBIs completed by a DSB, a CPU going offline) live in `Machine`.
public final class TLB {
  var leaves = TLBStore<TLBEntry>()
  var walks = TLBStore<WalkCacheEntry>()
  /// Bit n set: some leaf entry covers 2^n bytes (only these sizes are probed).
  private(set) var leafSizes: UInt64 = 0
  /// Bit (level + 1) set: some walk-cache entry is at that level.
  private(set) var walkLevels: UInt64 = 0

  public init() {}

  /// Leaf entries held.
  public var count: Int { leaves.count }
  /// Walk-cache entries held.
  public var walkCount: Int { walks.count }
  public var isEmpty: Bool { leaves.count == 0 && walks.count == 0 }

  /// Every leaf entry, sorted by regime, stage, VMID, ASID (globals first), address, size.
  public var entries: [TLBEntry] { leaves.elements.sorted(by: Self.ordered) }
  /// Every walk-cache entry, sorted by regime, VMID, ASID, level, address.
  public var walkEntries: [WalkCacheEntry] { walks.elements.sorted(by: Self.ordered) }

  public func removeAll() {
    leaves.removeAll()
    walks.removeAll()
    leafSizes = 0
    walkLevels = 0
  }

  // MARK: Keys

  @inline(__always)
  static func leafKey(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, sizeBits: Int, base: UInt64
  ) -> UInt64 {
    let tags =
      UInt64(truncatingIfNeeded: regime.rawValue) << 8 | UInt64(truncatingIfNeeded: stage.rawValue)
      << 12 | UInt64(truncatingIfNeeded: sizeBits & 63) | (vmid.map { ($0 &+ 1) << 16 } ?? 0)
    return TLBStore<TLBEntry>.mix(base ^ TLBStore<TLBEntry>.mix(tags))
  }

  @inline(__always)
  static func walkKey(
    regime: Regime, nested: Bool, vmid: UInt64?, asid: UInt64?, level: Int, base: UInt64
  ) -> UInt64 {
    let tags =
      UInt64(truncatingIfNeeded: regime.rawValue) << 8 | (nested ? 1 << 12 : 0)
      | UInt64(truncatingIfNeeded: (level + 1) & 7) | (vmid.map { ($0 &+ 1) << 16 } ?? 0)
      ^ (asid.map { ($0 &+ 1) << 40 } ?? 0)
    return TLBStore<WalkCacheEntry>.mix(base ^ TLBStore<WalkCacheEntry>.mix(tags))
  }

  // MARK: Leaf entries

  /// The result of a leaf lookup: how many entries matched, and the first two.
  struct LeafMatches {
    var count = 0
    var first: Int32 = -1
    var second: Int32 = -1
  }

  /// Entries matching an access's tags that cover `address`: same regime and stage, same
  /// VMID (nil for EL2 regimes), and global or of the current ASID.
  func lookup(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, asid: UInt64, address: UInt64
  ) -> LeafMatches {
    var m = LeafMatches()
    var sizes = leafSizes
    while sizes != 0 {
      let s = sizes.trailingZeroBitCount
      sizes &= sizes &- 1
      let base = address & ~lowMask(s)
      let key = Self.leafKey(regime: regime, stage: stage, vmid: vmid, sizeBits: s, base: base)
      var i = leaves.head(key)
      while i >= 0 {
        if leaves.key(i) == key, let e = leaves.element(i), e.inputBase == base,
          e.sizeBits == s, e.regime == regime, e.stage == stage, e.vmid == vmid,
          e.asid == nil || e.asid == asid
        {
          if m.count == 0 { m.first = i } else if m.count == 1 { m.second = i }
          m.count += 1
        }
        i = leaves.next(i)
      }
    }
    return m
  }

  func entry(_ slot: Int32) -> TLBEntry? { leaves.element(slot) }

  /// Every entry an access with these tags would match at `address`, sorted.
  public func matching(
    regime: Regime, stage: TLBEntryStage, vmid: UInt64?, asid: UInt64, address: UInt64
  ) -> [TLBEntry] {
    leaves.elements.filter {
      $0.regime == regime && $0.stage == stage && $0.vmid == vmid
        && ($0.asid == nil || $0.asid == asid) && $0.covers(address)
    }.sorted(by: Self.ordered)
  }

  /// Adds an entry, replacing one with identical tags, address and size (or, with `replace`
  /// false, keeping that one). An entry of another size covering the same address is kept:
  /// the two then conflict, as in hardware.
  public func insert(_ e: TLBEntry, replace: Bool = true) {
    let key = Self.leafKey(
      regime: e.regime, stage: e.stage, vmid: e.vmid, sizeBits: e.sizeBits, base: e.inputBase)
    leaves.insert(e, key: key, replace: replace) {
      $0.inputBase == e.inputBase && $0.sizeBits == e.sizeBits && $0.regime == e.regime
        && $0.stage == e.stage && $0.vmid == e.vmid && $0.asid == e.asid
    }
    leafSizes |= bit(e.sizeBits)
  }

  /// Removes the leaf entries `predicate` selects and returns them, sorted.
  @discardableResult
  public func removeEntries(where predicate: (TLBEntry) -> Bool) -> [TLBEntry] {
    let removed = leaves.remove(where: predicate)
    if !removed.isEmpty { leafSizes = leaves.elements.reduce(0) { $0 | bit($1.sizeBits) } }
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
    var level = 2
    while level >= g.startLevel {
      if walkLevels & bit(level + 1) != 0 {
        let shift = g.levelShift(level)
        let base = address & ~lowMask(shift)
        let key = Self.walkKey(
          regime: regime, nested: nested, vmid: vmid, asid: asid, level: level, base: base)
        var i = walks.head(key)
        while i >= 0 {
          if walks.key(i) == key, let w = walks.element(i), w.inputBase == base,
            w.level == level, w.sizeBits == shift, w.granule == g.granule, w.regime == regime,
            w.nested == nested, w.vmid == vmid, w.asid == asid
          {
            return w
          }
          i = walks.next(i)
        }
      }
      level -= 1
    }
    return nil
  }

  /// Adds a walk-cache entry, replacing one with identical tags, level and address unless
  /// `replace` is false.
  public func insertWalk(_ w: WalkCacheEntry, replace: Bool = true) {
    let key = Self.walkKey(
      regime: w.regime, nested: w.nested, vmid: w.vmid, asid: w.asid, level: w.level,
      base: w.inputBase)
    walks.insert(w, key: key, replace: replace) {
      $0.inputBase == w.inputBase && $0.level == w.level && $0.regime == w.regime
        && $0.nested == w.nested && $0.vmid == w.vmid && $0.asid == w.asid
    }
    walkLevels |= bit(w.level + 1)
  }

  /// Removes the walk-cache entries `predicate` selects and returns them, sorted.
  @discardableResult
  public func removeWalkEntries(where predicate: (WalkCacheEntry) -> Bool) -> [WalkCacheEntry] {
    let removed = walks.remove(where: predicate)
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
    for e in leaves.slots { if let e { scan(e.path) } }
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
    for e in leaves.slots { if let e, scan(e.path) { return true } }
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
