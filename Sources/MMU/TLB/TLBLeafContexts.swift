/// The numbers a TLB's leaf store gives the contexts of its entries: a group of tags (regime,
/// stage, VMID: `TLBLeafStore.group`) with an ASID, or global. A slot's key holds the number
/// (19 bits) instead of the tags (40), so that a key is one word.
///
/// Numbers run from 1 (0 is an empty slot's) to `maxNumber`; when they run out, the store numbers
/// again the contexts its entries still use (`renumber`). The last lookup's numbers are
/// remembered: a run of accesses in one context asks the dictionary nothing.
struct TLBLeafContexts {
  /// The largest number: all ones is a removed slot's.
  static let maxNumber = TLBLeafSlot.removedContext - 1

  /// The largest number given (`maxNumber`; smaller in tests of the renumbering).
  let limit: UInt64
  private var numbers: [UInt64: UInt64] = [:]
  private var next: UInt64 = 1
  private var lastGroup: UInt64 = .max
  private var lastASID: UInt64 = .max
  private var lastNumbers = (asid: UInt64(0), global: UInt64(0))

  init(limit: UInt64 = Self.maxNumber) {
    self.limit = min(max(limit, 1), Self.maxNumber)
  }

  /// A context's dictionary key: the group's tags, then the ASID + 1 (0: global).
  @inline(always)
  private static func key(group: UInt64, asid: UInt64?) -> UInt64 {
    group << 17 | (asid.map { ($0 & 0xffff) &+ 1 } ?? 0)
  }

  /// The numbers of an access's two contexts: its ASID's and the global one of its group (0
  /// for a context no entry has had).
  @inline(always)
  mutating func lookup(group: UInt64, asid: UInt64) -> (asid: UInt64, global: UInt64) {
    if group == lastGroup && asid == lastASID { return lastNumbers }
    return remember(group: group, asid: asid)
  }

  private mutating func remember(group: UInt64, asid: UInt64) -> (asid: UInt64, global: UInt64) {
    lastGroup = group
    lastASID = asid
    lastNumbers = (
      numbers[Self.key(group: group, asid: asid)] ?? 0,
      numbers[Self.key(group: group, asid: nil)] ?? 0
    )
    return lastNumbers
  }

  /// The number of a context, given one if it has none; nil when all are in use.
  mutating func number(group: UInt64, asid: UInt64?) -> UInt64? {
    let k = Self.key(group: group, asid: asid)
    if let n = numbers[k] { return n }
    guard next <= limit else { return nil }
    numbers[k] = next
    next &+= 1
    // The remembered lookup may be of this context, without a number until now.
    lastGroup = .max
    return next &- 1
  }

  /// The number a context has, if any.
  func existing(group: UInt64, asid: UInt64?) -> UInt64? {
    numbers[Self.key(group: group, asid: asid)]
  }

  /// Forgets every number (the store then numbers its live entries again).
  mutating func removeAll() {
    numbers = [:]
    next = 1
    lastGroup = .max
  }
}
