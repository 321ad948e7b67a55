/// Hash storage for walk-cache entries (table descriptors cached by level): elements in stable slots, found through chained buckets by a
/// hash of (tag, base). Several elements may share one (entries that differ only in ASID), so
/// a lookup walks the chain and compares exact keys. Cost grows with what is cached, never
/// with address space size; removal by a predicate scans every slot (TLBIs are rare, lookups
/// are not).
struct WalkCacheStore<Element> {
  static var noASID: UInt64 { .max }

  private(set) var slots: [Element?] = []
  private var keys: [WalkCacheKey] = []
  private var nextInChain: [Int32] = []
  private var buckets: [Int32] = Array(repeating: -1, count: 64)
  private var freeSlots: [Int32] = []
  private(set) var count = 0

  /// A full-avalanche mix (the splitmix64 finalizer): page numbers of a mapping are
  /// consecutive and must spread over the buckets.
  @inline(always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inline(always)
  private func bucket(tag: UInt64, base: UInt64) -> Int {
    Int(truncatingIfNeeded: Self.mix(base ^ (tag &* 0xD6E8_FEB8_6659_FD93)))
      & (buckets.count - 1)
  }

  @inline(always)
  func element(_ slot: Int32) -> Element? {
    slots.indices.contains(Int(slot)) ? slots[Int(slot)] : nil
  }

  /// The result of a search: how many slots matched, and the first two.
  struct Matches {
    var count = 0
    var first: Int32 = -1
    var second: Int32 = -1
  }

  /// Slots whose key has this tag and base and this ASID, or no ASID when `globals`.
  @inline(always)
  func find(tag: UInt64, base: UInt64, asid: UInt64, globals: Bool, into m: inout Matches) {
    var i = buckets[bucket(tag: tag, base: base)]
    while i >= 0 {
      let k = keys[Int(i)]
      if k.tag == tag && k.base == base && (k.asid == asid || (globals && k.asid == Self.noASID)) {
        if m.count == 0 { m.first = i } else if m.count == 1 { m.second = i }
        m.count += 1
      }
      i = nextInChain[Int(i)]
    }
  }

  /// Stores `e` under `key`, overwriting an element with the same key (or, with `replace`
  /// false, keeping that one).
  mutating func insert(_ e: Element, key: WalkCacheKey, replace: Bool = true) {
    var i = buckets[bucket(tag: key.tag, base: key.base)]
    while i >= 0 {
      if keys[Int(i)] == key {
        if replace { slots[Int(i)] = e }
        return
      }
      i = nextInChain[Int(i)]
    }
    if count >= buckets.count { grow() }
    let slot: Int32
    if let f = freeSlots.popLast() {
      slot = f
      slots[Int(f)] = e
      keys[Int(f)] = key
    } else {
      slot = Int32(truncatingIfNeeded: slots.count)
      slots.append(e)
      keys.append(key)
      nextInChain.append(-1)
    }
    let b = bucket(tag: key.tag, base: key.base)
    nextInChain[Int(slot)] = buckets[b]
    buckets[b] = slot
    count += 1
  }

  /// The slots of the elements `predicate` selects, in slot order.
  func slots(where predicate: (Element) -> Bool) -> [Int] {
    slots.indices.filter { slots[$0].map(predicate) ?? false }
  }

  /// Removes the elements in `victims` (slots from `slots(where:)`), returning them.
  mutating func remove(slots victims: [Int]) -> [Element] {
    var removed: [Element] = []
    for i in victims where slots.indices.contains(i) {
      guard let e = slots[i] else { continue }
      unlink(Int32(truncatingIfNeeded: i))
      slots[i] = nil
      freeSlots.append(Int32(truncatingIfNeeded: i))
      count -= 1
      removed.append(e)
    }
    // Freed slots are reused, never dropped: once most are free, rebuild, so that a scan
    // (every TLBI makes one) costs what is held rather than what once was.
    if slots.count > 64 && count * 4 < slots.count { compact() }
    return removed
  }

  private mutating func compact() {
    var fresh = WalkCacheStore()
    for i in slots.indices { if let e = slots[i] { fresh.insert(e, key: keys[i]) } }
    self = fresh
  }

  mutating func removeAll() { self = WalkCacheStore() }

  /// Every element, in slot order.
  var elements: [Element] { slots.compactMap { $0 } }

  private mutating func unlink(_ slot: Int32) {
    let k = keys[Int(slot)]
    let b = bucket(tag: k.tag, base: k.base)
    if buckets[b] == slot {
      buckets[b] = nextInChain[Int(slot)]
      return
    }
    var i = buckets[b]
    while i >= 0 {
      let n = nextInChain[Int(i)]
      if n == slot {
        nextInChain[Int(i)] = nextInChain[Int(slot)]
        return
      }
      i = n
    }
  }

  private mutating func grow() {
    buckets = Array(repeating: -1, count: buckets.count * 2)
    for i in slots.indices where slots[i] != nil {
      let b = bucket(tag: keys[i].tag, base: keys[i].base)
      nextInChain[i] = buckets[b]
      buckets[b] = Int32(truncatingIfNeeded: i)
    }
  }
}
