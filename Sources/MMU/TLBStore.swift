/// Hash storage for TLB entries: elements in stable slots, found by a 64-bit key through
/// chained buckets. Several elements may share a key (entries that differ only in ASID, or
/// two entries for the same page, which is a conflict), so a lookup walks the key's chain and
/// compares the elements themselves. Cost grows with what is cached, never with address
/// space size; removal by a predicate scans every slot (TLBIs are rare, lookups are not).
struct TLBStore<Element> {
  private(set) var slots: [Element?] = []
  private var keys: [UInt64] = []
  private var nextInChain: [Int32] = []
  private var buckets: [Int32] = Array(repeating: -1, count: 64)
  private var freeSlots: [Int32] = []
  private(set) var count = 0

  /// A full-avalanche mix (the splitmix64 finalizer): page numbers of a mapping are
  /// consecutive and must spread over the buckets.
  @inline(__always)
  static func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  @inline(__always)
  private func bucket(_ key: UInt64) -> Int {
    Int(truncatingIfNeeded: key) & (buckets.count - 1)
  }

  /// The first slot of the chain `key` hashes to, or -1.
  @inline(__always)
  func head(_ key: UInt64) -> Int32 { buckets[bucket(key)] }
  @inline(__always)
  func next(_ slot: Int32) -> Int32 { nextInChain[Int(slot)] }
  @inline(__always)
  func key(_ slot: Int32) -> UInt64 { keys[Int(slot)] }
  @inline(__always)
  func element(_ slot: Int32) -> Element? { slots[Int(slot)] }

  /// Stores `e` under `key`, overwriting an element of that key that `same` selects (or,
  /// with `replace` false, keeping that one).
  mutating func insert(
    _ e: Element, key: UInt64, replace: Bool = true, same: (Element) -> Bool
  ) {
    var i = head(key)
    while i >= 0 {
      if keys[Int(i)] == key, let old = slots[Int(i)], same(old) {
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
    let b = bucket(key)
    nextInChain[Int(slot)] = buckets[b]
    buckets[b] = slot
    count += 1
  }

  /// Removes every element `predicate` selects, returning them in slot order.
  mutating func remove(where predicate: (Element) -> Bool) -> [Element] {
    var removed: [Element] = []
    for i in slots.indices {
      guard let e = slots[i], predicate(e) else { continue }
      unlink(Int32(truncatingIfNeeded: i))
      slots[i] = nil
      freeSlots.append(Int32(truncatingIfNeeded: i))
      count -= 1
      removed.append(e)
    }
    return removed
  }

  mutating func removeAll() { self = TLBStore() }

  /// Every element, in slot order.
  var elements: [Element] { slots.compactMap { $0 } }

  private mutating func unlink(_ slot: Int32) {
    let b = bucket(keys[Int(slot)])
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
      let b = bucket(keys[i])
      nextInChain[i] = buckets[b]
      buckets[b] = Int32(truncatingIfNeeded: i)
    }
  }
}
