/// A CPU's leaf TLB entries in an open-addressing hash table (linear probing, load at most
/// one half, tombstones for removals).
///
/// A hit is the TLB's hot path: 262,144 cached translations are tens of MB, far beyond the
/// host's caches, so what counts is cache lines touched. Each entry is split in three parallel
/// arrays indexed by slot: the hot slot (`TLBLeafSlot`, 16 bytes: key and value words), which
/// is all a lookup and an address-only hit read; the whole `TLBEntry` (plain data), which a
/// hit that reports the translation copies; and the cold part (descriptor path, stage-2
/// leaf), which only misses, TLBIs and the checks read.
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
  /// `homeShift(capacity:)`, kept with the capacity (64 or more once a slot exists).
  @exclusivity(unchecked) private(set) var homeShift: UInt64 = 58
  @exclusivity(unchecked) private var colds: [Cold] = []
  @exclusivity(unchecked) private(set) var count = 0
  @exclusivity(unchecked) private var removed = 0
  @exclusivity(unchecked) private(set) var contexts: TLBLeafContexts
  /// Set when `slots` (and `entries`) live in huge-page mappings rather than the heap.
  @exclusivity(unchecked) private var mapping: HugePageMapping?
  @exclusivity(unchecked) private var entryMapping: HugePageMapping?
  /// Counts the (memory generation, register generation) pairs lookups have seen, modulo the
  /// slot's nine bits: a slot checked in the current epoch is current without reading anything
  /// more. Starts at 1 (a slot's 0 is "never checked").
  /// (Internal-settable so that a test can start it near the wrap.)
  @exclusivity(unchecked) var epoch: UInt32 = 1
  /// Counts changes a `TLBHitPlan` depends on: entries, sizes, context numbers, the table,
  /// the epoch.
  @exclusivity(unchecked) private(set) var version: UInt64 = 0
  @exclusivity(unchecked) private var epochMemory: UInt64 = .max
  @exclusivity(unchecked) private var epochRegisters: UInt64 = .max

  /// `contextLimit`: the most context numbers in use at once (tests of the renumbering).
  init(contextLimit: UInt64 = TLBLeafContexts.maxNumber) {
    slots = .allocate(capacity: 0)
    entries = .allocate(capacity: 0)
    contexts = TLBLeafContexts(limit: contextLimit)
  }
  deinit { freeSlots() }

  /// The epoch of the memory and register generations now: the same as the last lookup's, or
  /// a new one.
  @inline(always)
  func currentEpoch(memory: UInt64, registers: UInt64) -> UInt32 {
    if memory == epochMemory && registers == epochRegisters { return epoch }
    return advanceEpoch(memory: memory, registers: registers)
  }

  private func advanceEpoch(memory: UInt64, registers: UInt64) -> UInt32 {
    epochMemory = memory
    epochRegisters = registers
    version &+= 1
    if epoch >= Slot.maxEpoch {
      // After 511 epochs: no slot may keep a number the counter will reach again. The clear
      // costs what the table holds, once in 511 changes of generation.
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

  /// The packed tags an entry is hashed by: regime [1:0], stage [3:2], size [10:4], VMID+1
  /// [27:11] (0: none). With size 0, the group of tags its context is numbered in.
  @inline(always)
  static func tag(regime: Regime, stage: TLBEntryStage, vmid: UInt64?, sizeBits: Int) -> UInt64 {
    tag(group: group(regime: regime, stage: stage, vmidTag: vmidTag(vmid)), sizeBits: sizeBits)
  }

  /// The tags of the entries of 2^`sizeBits` bytes in `group`.
  @inline(always)
  static func tag(group: UInt64, sizeBits: Int) -> UInt64 {
    group | UInt64(truncatingIfNeeded: sizeBits & 127) << 4
  }

  /// A VMID's bits in a tag: VMID+1 in [27:11], 0 for none (EL2 regimes).
  @inline(always)
  static func vmidTag(_ vmid: UInt64?) -> UInt64 {
    vmid.map { (($0 & 0xffff) &+ 1) << 11 } ?? 0
  }

  /// The tags of an entry but its size: what its context is numbered in.
  @inline(always)
  static func group(regime: Regime, stage: TLBEntryStage, vmidTag: UInt64) -> UInt64 {
    UInt64(truncatingIfNeeded: regime.rawValue & 3)
      | UInt64(truncatingIfNeeded: stage.rawValue & 3) << 2 | vmidTag
  }

  @inline(always)
  static func tag(_ e: TLBEntry) -> UInt64 {
    tag(regime: e.regime, stage: e.stage, vmid: e.vmid, sizeBits: e.sizeBits)
  }

  @inline(always)
  static func group(_ e: TLBEntry) -> UInt64 {
    group(regime: e.regime, stage: e.stage, vmidTag: vmidTag(e.vmid))
  }

  /// The home slot: Fibonacci hashing (the high bits of the page number times 2^64 / phi,
  /// after the tags and the high half are folded in). Pages a constant stride apart, as a
  /// mapping lays them out (runs, one page a block, the kernel and user halves), land far
  /// apart without colliding: hits take 1.0-1.8 probes where a random hash takes 1.5 and,
  /// for runs, 3-5. One multiplication after the fold: the hash is on every hit's path.
  @inline(always)
  static func home(tag: UInt64, base: UInt64, shift: UInt64) -> Int {
    home(tag: tag, page: base >> ((tag >> 4) & 127), shift: shift)
  }

  /// `home` of the page (or block) number `page`: the base shifted by the size in `tag`.
  @inline(always)
  static func home(tag: UInt64, page: UInt64, shift: UInt64) -> Int {
    var z = page ^ (tag &* 0xD6E8_FEB8_6659_FD93)
    z ^= z >> 32
    return Int(truncatingIfNeeded: (z &* 0x9E37_79B9_7F4A_7C15) >> shift)
  }

  /// The shift that leaves log2(capacity) bits of a product (`home`).
  static func homeShift(capacity: Int) -> UInt64 {
    UInt64(truncatingIfNeeded: 64 &- capacity.trailingZeroBitCount)
  }

  @inline(always)
  func home(tag: UInt64, base: UInt64) -> Int {
    Self.home(tag: tag, base: base, shift: homeShift)
  }

  /// The slot key of an entry whose context has number `n`.
  @inline(always)
  static func key(_ e: TLBEntry, number n: UInt64) -> UInt64 {
    Slot.rangeCode(base: e.inputBase, sizeBits: e.sizeBits) | n << Slot.contextShift
  }

  /// The numbers of an access's contexts (its ASID's, and global) in its group of tags.
  @inline(always)
  func contextNumbers(group: UInt64, asid: UInt64) -> (asid: UInt64, global: UInt64) {
    contexts.lookup(group: group, asid: asid)
  }

  /// The result of a search: how many slots matched, and the first two.
  struct Matches {
    var count = 0
    var first = -1
    var second = -1
  }

  /// Where a lookup of `address` at 2^`sizeBits` bytes in group `group` starts, and the keys
  /// of a matching slot in either of the access's contexts (`numbers`).
  struct Probe {
    var home: Int
    var asidKey: UInt64
    var globalKey: UInt64
  }

  @inline(always)
  func probe(
    group: UInt64, sizeBits: Int, address: UInt64, numbers: (asid: UInt64, global: UInt64)
  ) -> Probe {
    let base = address & ~lowMask(sizeBits)
    let range = Slot.rangeCode(base: base, sizeBits: sizeBits)
    return Probe(
      home: home(tag: Self.tag(group: group, sizeBits: sizeBits), base: base),
      asidKey: range | numbers.asid << Slot.contextShift,
      globalKey: range | numbers.global << Slot.contextShift)
  }

  /// Adds the slots whose entry covers `address` at 2^`sizeBits` bytes in group `group`, in
  /// either of an access's contexts (`numbers`).
  @inline(always)
  func find(
    group: UInt64, sizeBits: Int, address: UInt64, numbers: (asid: UInt64, global: UInt64),
    into m: inout Matches
  ) {
    guard capacity > 0, Slot.canonical(address), Slot.isCoded(sizeBits: sizeBits) else { return }
    let mask = capacity &- 1
    let p = probe(group: group, sizeBits: sizeBits, address: address, numbers: numbers)
    var i = p.home
    // At least half the slots are empty (`insert` keeps live and removed slots to a half):
    // an empty slot always ends the cluster.
    while true {
      let s = slots + i
      let key = s.pointee.key
      if key == p.asidKey || key == p.globalKey {
        if m.count == 0 { m.first = i } else if m.count == 1 { m.second = i }
        m.count &+= 1
        // Only an entry of the same range in the other context can match too: a twin.
        if !s.pointee.twin { return }
      } else if key == 0 {
        return
      }
      i = (i &+ 1) & mask
    }
  }

  /// The slots matching an access in group `group` of its contexts `numbers`, over the leaf
  /// sizes in `sizes` (bit n: entries of 2^n bytes exist).
  @inline(always)
  func matches(
    group: UInt64, sizes: UInt64, address: UInt64, numbers: (asid: UInt64, global: UInt64)
  ) -> Matches {
    var m = Matches()
    var rest = sizes & Slot.codedSizes
    while rest != 0 {
      let size = rest.trailingZeroBitCount
      rest &= rest &- 1
      find(group: group, sizeBits: size, address: address, numbers: numbers, into: &m)
    }
    return m
  }

  /// The one slot matching an access (`matches`), when exactly one matches. nil: none, or
  /// more than one (the full access reports the conflict).
  @inline(always)
  func soleMatch(
    group: UInt64, sizes: UInt64, address: UInt64, numbers: (asid: UInt64, global: UInt64)
  ) -> Int? {
    let m = matches(group: group, sizes: sizes, address: address, numbers: numbers)
    return m.count == 1 ? m.first : nil
  }

  /// The slot holding exactly this entry's key (tags, range, ASID), if any.
  private func slot(matchingKeyOf e: TLBEntry) -> Int? {
    guard capacity > 0,
      let n = contexts.existing(group: Self.group(e), asid: e.asid)
    else { return nil }
    let mask = capacity &- 1
    let key = Self.key(e, number: n)
    var i = home(tag: Self.tag(e), base: e.inputBase)
    for _ in 0..<capacity {
      let k = slots[i].key
      if k == 0 { return nil }
      if k == key { return i }
      i = (i &+ 1) & mask
    }
    return nil
  }

  @inline(always)
  func contains(_ slot: Int) -> Bool {
    slot >= 0 && slot < capacity && slots[slot].isFull
  }

  @inline(always)
  func entry(_ slot: Int) -> TLBEntry? { contains(slot) ? entries[slot] : nil }

  func cold(_ slot: Int) -> Cold? { contains(slot) ? colds[slot] : nil }

  /// Records that the entry in `slot` was found current in `epoch`.
  @inline(always)
  func markChecked(_ slot: Int, epoch: UInt32) {
    if contains(slot) { slots[slot].checked = epoch }
  }

  /// Records the kinds of access (`TLBRights`) the entry in `slot` allows.
  func recordRights(_ slot: Int, allowed: UInt64) {
    guard contains(slot) else { return }
    slots[slot].value |= allowed & Slot.rightsMask | Slot.rightsKnown
  }

  /// Stores `e` (with its path and leaf), overwriting an entry with the same key, or with
  /// `replace` false keeping that one. `checked`: the epoch in which it is known current
  /// (0: to be checked at its first hit).
  ///
  /// An entry no walk gives (a range without a code: `TLBLeafSlot.encodable`) is not stored,
  /// nor one of a new context when 524,286 contexts have entries (`TLBLeafContexts`): a TLB may always drop an
  /// entry, and the access that would have hit walks again.
  func insert(_ e: TLBEntry, cold: Cold, checked: UInt32 = 0, replace: Bool = true) {
    guard Slot.encodable(base: e.inputBase, sizeBits: e.sizeBits) else { return }
    version &+= 1
    let fullPathOnly = e.translation.hasContiguousBit
    if let i = slot(matchingKeyOf: e) {
      if replace {
        slots[i] = Slot(
          key: slots[i].key, output: e.translation.pa, fullPathOnly: fullPathOnly,
          twin: slots[i].twin, epoch: checked)
        entries[i] = e
        colds[i] = cold
      }
      return
    }
    guard let n = number(group: Self.group(e), asid: e.asid) else { return }
    if (count &+ removed &+ 1) &* 2 > capacity { rehash() }
    let mask = capacity &- 1
    let tag = Self.tag(e)
    var i = home(tag: tag, base: e.inputBase)
    // The whole cluster: the first free slot takes the entry, and every entry with the same
    // tags and range (other ASIDs) becomes its twin.
    var free = -1
    var twin = false
    for _ in 0..<capacity {
      let s = slots[i]
      if s.isEmpty { break }
      if s.isRemoved {
        if free < 0 { free = i }
      } else if entries[i].inputBase == e.inputBase && Self.tag(entries[i]) == tag {
        slots[i].twin = true
        twin = true
      }
      i = (i &+ 1) & mask
    }
    if free < 0 { free = i }
    if slots[free].isRemoved { removed &-= 1 }
    slots[free] = Slot(
      key: Self.key(e, number: n), output: e.translation.pa, fullPathOnly: fullPathOnly,
      twin: twin, epoch: checked)
    entries[free] = e
    colds[free] = cold
    count &+= 1
  }

  /// A context's number, numbering the live entries' contexts again when they have run out.
  private func number(group: UInt64, asid: UInt64?) -> UInt64? {
    if let n = contexts.number(group: group, asid: asid) { return n }
    contexts.removeAll()
    for i in 0..<capacity where slots[i].isFull {
      let e = entries[i]
      if let n = contexts.number(group: Self.group(e), asid: e.asid) {
        slots[i].key = Self.key(e, number: n)
      } else {
        // More live contexts than numbers: the entry is dropped, as the TLB may.
        slots[i].remove()
        colds[i] = Cold()
        count &-= 1
        removed &+= 1
      }
    }
    return contexts.number(group: group, asid: asid)
  }

  /// Removes the entries `predicate` selects, returning them in slot order.
  func remove(where predicate: (TLBEntry) -> Bool) -> [TLBEntry] {
    var out: [TLBEntry] = []
    version &+= 1
    for i in 0..<capacity where slots[i].isFull && predicate(entries[i]) {
      out.append(entries[i])
      slots[i].remove()
      colds[i] = Cold()
      count &-= 1
      removed &+= 1
    }
    // Many removals leave long runs of tombstones for lookups to step over.
    if removed > capacity / 4 { rehash() }
    return out
  }

  func removeAll() {
    version &+= 1
    freeSlots()
    slots = .allocate(capacity: 0)
    entries = .allocate(capacity: 0)
    capacity = 0
    colds = []
    count = 0
    removed = 0
    contexts.removeAll()
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
    homeShift = Self.homeShift(capacity: newCapacity)
    removed = 0
    let mask = newCapacity &- 1
    for j in 0..<oldCapacity where old[j].isFull {
      let e = oldEntries[j]
      var i = home(tag: Self.tag(e), base: e.inputBase)
      while slots[i].isFull { i = (i &+ 1) & mask }
      slots[i] = old[j]
      entries[i] = e
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
