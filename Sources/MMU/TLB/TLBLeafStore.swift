/// A CPU's leaf TLB entries in an open-addressing hash table (linear probing, load at most
/// one half, tombstones for removals).
///
/// A hit is the TLB's hot path: 262,144 cached translations are tens of MB, far beyond the
/// host's caches, so what counts is cache lines touched. Each entry is split in three parallel
/// arrays indexed by slot: the hot slot (48 bytes: key, input and output base, the register
/// generation it was filled under, the memory generation at which its path last held, the
/// rights hits have found), which is all a lookup and an address-only hit read; the whole
/// `TLBEntry` (plain data), which a hit that reports the translation copies; and the cold
/// part (descriptor path, stage-2 leaf), which only misses, TLBIs and the checks read.
///
/// Entries that differ only in ASID hash alike (the ASID is compared, not hashed), so a
/// lookup finds every entry that matches an access (two or more are a TLB conflict).
///
/// The arrays are plain data in memory this object owns: a lookup reads them in place, with
/// no array to retain or bounds to check (indices are masked to the power-of-two capacity).
/// The model runs on one thread and nothing here calls out while mutating, so the properties
/// opt out of dynamic exclusivity checks.
final class TLBLeafStore {
  typealias Slot = TLBLeafSlot

  /// What only misses, TLBIs and the checks read.
  ///
  /// Two words a slot (the table keeps one per slot, used or not): the path, and the
  /// stage-2 leaf boxed, since only stage-2 entries have one.
  struct Cold {
    /// The descriptor reads the entry was built from, as (PA, value) pairs.
    var path: [UInt64] = []
    private var leafBox: LeafBox?

    init(path: [UInt64] = [], leaf: StageLeaf? = nil) {
      self.path = path
      leafBox = leaf.map(LeafBox.init)
    }

    /// For stage-2 entries: the leaf as the walker uses it when a stage-2 lookup hits.
    var leaf: StageLeaf? { leafBox?.leaf }
  }
  final class LeafBox {
    let leaf: StageLeaf
    init(_ leaf: StageLeaf) { self.leaf = leaf }
  }

  @exclusivity(unchecked) private(set) var slots: UnsafeMutablePointer<Slot>
  /// The whole entry of each slot (meaningful where the slot is full).
  @exclusivity(unchecked) private(set) var entries: UnsafeMutablePointer<TLBEntry>
  @exclusivity(unchecked) private(set) var capacity = 0
  @exclusivity(unchecked) private var colds: [Cold] = []
  @exclusivity(unchecked) private(set) var count = 0
  @exclusivity(unchecked) private var removed = 0
  /// Set when `slots` (and `entries`) live in huge-page mappings rather than the heap.
  @exclusivity(unchecked) private var mapping: HugePageMapping?
  @exclusivity(unchecked) private var entryMapping: HugePageMapping?
  /// Counts the (memory generation, register generation) pairs lookups have seen: a slot
  /// checked in the current epoch is current without reading anything more. Starts at 1 (a
  /// slot's 0 is "never checked").
  /// (Internal-settable so that a test can start it near the wrap.)
  @exclusivity(unchecked) var epoch: UInt32 = 1
  @exclusivity(unchecked) private var epochMemory: UInt64 = .max
  @exclusivity(unchecked) private var epochRegisters: UInt64 = .max

  init() {
    slots = .allocate(capacity: 0)
    entries = .allocate(capacity: 0)
  }
  deinit { freeSlots() }

  /// The epoch of the memory and register generations now: the same as the last lookup's, or
  /// a new one.
  @inline(__always)
  func currentEpoch(memory: UInt64, registers: UInt64) -> UInt32 {
    if memory == epochMemory && registers == epochRegisters { return epoch }
    return advanceEpoch(memory: memory, registers: registers)
  }

  private func advanceEpoch(memory: UInt64, registers: UInt64) -> UInt32 {
    epochMemory = memory
    epochRegisters = registers
    if epoch == .max {
      // After 2^32 epochs: no slot may keep a number the counter will reach again.
      for i in 0..<capacity { slots[i].checked = 0 }
      epoch = 1
    } else {
      epoch &+= 1
    }
    return epoch
  }

  /// Tables of 2 MiB and more are mapped for huge pages (see `HugePageMapping`).
  private static func allocate<T>(_: T.Type, _ n: Int) -> (
    UnsafeMutablePointer<T>, HugePageMapping?
  ) {
    let (bytes, overflow) = n.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
    if !overflow && bytes >= HugePageMapping.hugePageSize, let m = HugePageMapping(bytes: bytes) {
      return (m.base.bindMemory(to: T.self, capacity: n), m)
    }
    return (.allocate(capacity: n), nil)
  }

  private func freeSlots() {
    if let m = mapping { m.release() } else { slots.deallocate() }
    if let m = entryMapping { m.release() } else { entries.deallocate() }
    mapping = nil
    entryMapping = nil
  }

  /// The packed tags an entry is hashed and matched by: regime [1:0], stage [3:2], size
  /// [10:4], VMID+1 [27:11] (0: none).
  @inline(__always)
  static func tag(regime: Regime, stage: TLBEntryStage, vmid: UInt64?, sizeBits: Int) -> UInt64 {
    UInt64(truncatingIfNeeded: regime.rawValue & 3)
      | UInt64(truncatingIfNeeded: stage.rawValue & 3) << 2
      | UInt64(truncatingIfNeeded: sizeBits & 127) << 4
      | (vmid.map { (($0 & 0xffff) &+ 1) << 11 } ?? 0)
  }

  @inline(__always)
  static func tag(_ e: TLBEntry) -> UInt64 {
    tag(regime: e.regime, stage: e.stage, vmid: e.vmid, sizeBits: e.sizeBits)
  }

  /// The home slot: eight consecutive pages (or blocks) of one size and tags share a group of
  /// eight consecutive slots, and groups are spread by a full-avalanche mix (the splitmix64
  /// finalizer). A scan of consecutive addresses then touches consecutive slots (the host's
  /// prefetcher follows), while runs of mapped pages cannot pile up into one long cluster
  /// that a miss would have to probe to its end.
  @inline(__always)
  static func home(tag: UInt64, base: UInt64, mask: Int) -> Int {
    let page = base >> ((tag >> 4) & 127)
    var z = ((page >> 3) ^ (tag &* 0xD6E8_FEB8_6659_FD93)) &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z = (z ^ (z >> 31)) << 3 | (page & 7)
    return Int(truncatingIfNeeded: z) & mask
  }

  /// The result of a search: how many slots matched, and the first two.
  struct Matches {
    var count = 0
    var first = -1
    var second = -1
  }

  /// Adds the slots whose entry has these tags and base and is global or of `asid`.
  @inline(__always)
  func find(tag: UInt64, base: UInt64, asid: UInt64, into m: inout Matches) {
    guard capacity > 0 else { return }
    let mask = capacity &- 1
    var i = Self.home(tag: tag, base: base, mask: mask)
    // Load at most one half: an empty slot always ends the cluster.
    for _ in 0..<capacity {
      let s = slots + i
      if s.pointee.matches(tag: tag, base: base, asid: asid) {
        if m.count == 0 { m.first = i } else if m.count == 1 { m.second = i }
        m.count &+= 1
        // Only an entry of the same tags and base can match too, and it would be a twin.
        if !s.pointee.twin { return }
      } else if s.pointee.state == .empty {
        return
      }
      i = (i &+ 1) & mask
    }
  }

  /// The one slot matching an access whose tags (size 0) are `tag0`, over the leaf sizes in
  /// `sizes` (bit n: entries of 2^n bytes exist), when exactly one matches. nil: none, or
  /// more than one (the full access reports the conflict). The lookup of every hit's fast
  /// path (`TLB.onlyMatch`): `find` without the counting.
  @inline(__always)
  func soleMatch(tag0: UInt64, sizes: UInt64, address: UInt64, asid: UInt64) -> Int? {
    guard capacity > 0 else { return nil }
    let mask = capacity &- 1
    var found = -1
    var rest = sizes
    while rest != 0 {
      let size = rest.trailingZeroBitCount
      rest &= rest &- 1
      let tag = tag0 | UInt64(truncatingIfNeeded: size & 127) << 4
      let base = address & ~lowMask(size)
      var i = Self.home(tag: tag, base: base, mask: mask)
      for _ in 0..<capacity {
        let s = slots + i
        if s.pointee.matches(tag: tag, base: base, asid: asid) {
          if found >= 0 { return nil }
          found = i
          // Only a twin (same tags and base, another ASID) can match too.
          if !s.pointee.twin { break }
        }
        if s.pointee.state == .empty { break }
        i = (i &+ 1) & mask
      }
    }
    return found >= 0 ? found : nil
  }

  /// The slot holding exactly this entry's key (tags, base, ASID), if any.
  private func slot(matchingKeyOf e: TLBEntry) -> Int? {
    guard capacity > 0 else { return nil }
    let mask = capacity &- 1
    let tag = Self.tag(e)
    var i = Self.home(tag: tag, base: e.inputBase, mask: mask)
    for _ in 0..<capacity {
      let s = slots[i]
      if s.state == .empty { return nil }
      if s.hasKey(tag: tag, base: e.inputBase, asid: e.asid) { return i }
      i = (i &+ 1) & mask
    }
    return nil
  }

  @inline(__always)
  func contains(_ slot: Int) -> Bool {
    slot >= 0 && slot < capacity && slots[slot].isFull
  }

  @inline(__always)
  func entry(_ slot: Int) -> TLBEntry? { contains(slot) ? entries[slot] : nil }

  func cold(_ slot: Int) -> Cold? { contains(slot) ? colds[slot] : nil }

  /// Records that the entry in `slot` was found current in `epoch`.
  @inline(__always)
  func markChecked(_ slot: Int, epoch: UInt32) {
    if contains(slot) { slots[slot].checked = epoch }
  }

  /// Stores `e` (with its path and leaf), overwriting an entry with the same key, or with
  /// `replace` false keeping that one. `checked`: the epoch in which it is known current
  /// (0: to be checked at its first hit).
  func insert(_ e: TLBEntry, cold: Cold, checked: UInt32 = 0, replace: Bool = true) {
    if let i = slot(matchingKeyOf: e) {
      if replace {
        slots[i] = Slot(e, checked: checked, twin: slots[i].twin)
        entries[i] = e
        colds[i] = cold
      }
      return
    }
    if (count &+ removed &+ 1) &* 2 > capacity { rehash() }
    let mask = capacity &- 1
    let tag = Self.tag(e)
    var i = Self.home(tag: tag, base: e.inputBase, mask: mask)
    // The whole cluster: the first free slot takes the entry, and every entry with the same
    // tags and base (other ASIDs) becomes its twin.
    var free = -1
    var twin = false
    for _ in 0..<capacity {
      let state = slots[i].state
      if state == .empty { break }
      if state == .removed {
        if free < 0 { free = i }
      } else if slots[i].base == e.inputBase && slots[i].tag == tag {
        slots[i].twin = true
        twin = true
      }
      i = (i &+ 1) & mask
    }
    if free < 0 { free = i }
    if slots[free].state == .removed { removed &-= 1 }
    slots[free] = Slot(e, checked: checked, twin: twin)
    entries[free] = e
    colds[free] = cold
    count &+= 1
  }

  /// Removes the entries `predicate` selects, returning them in slot order.
  func remove(where predicate: (TLBEntry) -> Bool) -> [TLBEntry] {
    var out: [TLBEntry] = []
    for i in 0..<capacity where slots[i].isFull && predicate(entries[i]) {
      out.append(entries[i])
      slots[i].state = .removed
      colds[i] = Cold()
      count &-= 1
      removed &+= 1
    }
    // Many removals leave long runs of tombstones for lookups to step over.
    if removed > capacity / 4 { rehash() }
    return out
  }

  func removeAll() {
    freeSlots()
    slots = .allocate(capacity: 0)
    entries = .allocate(capacity: 0)
    capacity = 0
    colds = []
    count = 0
    removed = 0
  }

  /// Every entry with its path, in slot order.
  var elements: [(entry: TLBEntry, cold: Cold)] {
    (0..<capacity).compactMap { slots[$0].isFull ? (entries[$0], colds[$0]) : nil }
  }

  /// Rebuilds the table without tombstones, sized for the live entries alone: a full table
  /// doubles (its load is then between a quarter and a half), and one emptied by TLBIs
  /// shrinks, so that a TLBI, which scans every slot, costs what the TLB holds rather than
  /// what it once held.
  private func rehash() {
    var newCapacity = 64
    while (count &+ 1) &* 2 > newCapacity { newCapacity &*= 2 }
    let old = slots
    let oldEntries = entries
    let oldCapacity = capacity
    let oldColds = colds
    let oldMapping = mapping
    let oldEntryMapping = entryMapping
    (slots, mapping) = Self.allocate(Slot.self, newCapacity)
    (entries, entryMapping) = Self.allocate(TLBEntry.self, newCapacity)
    for i in 0..<newCapacity {
      (slots + i).initialize(to: Slot())
      (entries + i).initialize(to: Self.emptyEntry)
    }
    colds = Array(repeating: Cold(), count: newCapacity)
    capacity = newCapacity
    removed = 0
    let mask = newCapacity &- 1
    for j in 0..<oldCapacity where old[j].isFull {
      var i = Self.home(tag: old[j].tag, base: old[j].base, mask: mask)
      while slots[i].isFull { i = (i &+ 1) & mask }
      slots[i] = old[j]
      entries[i] = oldEntries[j]
      colds[i] = oldColds[j]
    }
    if let m = oldMapping { m.release() } else { old.deallocate() }
    if let m = oldEntryMapping { m.release() } else { oldEntries.deallocate() }
  }

  private static let emptyEntry = TLBEntry(
    regime: .el10, stage: .stage1, vmid: nil, asid: nil, inputBase: 0, sizeBits: 0,
    granule: .k4,
    translation: Translation(
      inputAddress: 0, ipa: nil, pa: 0, level: 0, blockBits: 0, descriptor: 0,
      stage2Level: nil, stage2BlockBits: nil, stage2Descriptor: nil, stage1Permissions: nil,
      stage2Permissions: nil, attributes: MemoryAttributes(mair: 0, shareability: .none),
      global: true, contiguous: false), speculative: false, stamp: 0)
}
