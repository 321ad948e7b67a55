import MMUTestSupport
import Testing

@testable import MMU

/// The leaf store's lookups stop early (at the first match of an entry without twins, at an
/// empty slot) and group consecutive pages; a plain list of entries, searched whole, is the
/// reference it must agree with under random inserts, replacements and removals.
@Suite("TLB leaf store")
struct TLBLeafStoreTests {
  typealias F = TLBFix

  /// Entries over a few pages, sizes, regimes, VMIDs and ASIDs, so that keys collide often.
  static func randomEntry(_ g: inout SplitMix64) -> TLBEntry {
    let bits = [12, 12, 12, 21, 30][Int(g.next() % 5)]
    let page = g.next() % 40
    let regime: Regime = g.next() % 4 == 0 ? .el20 : .el10
    let asid: UInt64? = g.next() % 3 == 0 ? nil : g.next() % 3
    var e = F.leaf(
      regime, vmid: regime == .el10 ? g.next() % 2 : nil, asid: asid,
      at: 0x40_0000_0000 &+ page << UInt64(bits), bits: bits)
    e.translation.pa = g.next() & 0xFFFF_F000
    return e
  }

  /// What `find` must report: every entry of these tags and base, global or of `asid`.
  static func reference(_ list: [TLBEntry], tag: UInt64, base: UInt64, asid: UInt64) -> [TLBEntry] {
    list.filter {
      TLBLeafStore.tag($0) == tag && $0.inputBase == base && ($0.asid == nil || $0.asid == asid)
    }
  }

  /// `find` of an access in `probe`'s tags, size and base, with ASID `asid`.
  static func find(_ store: TLBLeafStore, _ probe: TLBEntry, asid: UInt64) -> TLBLeafStore.Matches {
    let group = TLBLeafStore.group(probe)
    var m = TLBLeafStore.Matches()
    store.find(
      group: group, sizeBits: probe.sizeBits, address: probe.inputBase,
      numbers: store.contextNumbers(group: group, asid: asid), into: &m)
    return m
  }

  @Test("random inserts, replacements and removals: lookups match a full search")
  func agreesWithAList() {
    var g = SplitMix64(seed: 0x7AB1_E000)
    let store = TLBLeafStore()
    var list: [TLBEntry] = []
    var conflicts = 0
    for step in 0..<6000 {
      switch g.next() % 10 {
      case 0...5:
        let e = Self.randomEntry(&g)
        let replace = g.next() % 4 != 0
        store.insert(e, cold: .init(), replace: replace)
        let key = { (x: TLBEntry) in
          TLBLeafStore.tag(x) == TLBLeafStore.tag(e) && x.inputBase == e.inputBase
            && x.asid == e.asid
        }
        if let i = list.firstIndex(where: key) {
          if replace { list[i] = e }
        } else {
          list.append(e)
        }
      case 6:
        let victim = g.next() % 3
        let removed = store.remove { $0.asid == victim || $0.translation.pa & 0x3000 == 0 }
        let expected = list.filter { $0.asid == victim || $0.translation.pa & 0x3000 == 0 }
        #expect(removed.count == expected.count, "step \(step)")
        list.removeAll { $0.asid == victim || $0.translation.pa & 0x3000 == 0 }
      default:
        let probe = Self.randomEntry(&g)
        let asid = g.next() % 3
        let tag = TLBLeafStore.tag(probe)
        let m = Self.find(store, probe, asid: asid)
        let want = Self.reference(list, tag: tag, base: probe.inputBase, asid: asid)
        #expect(m.count == want.count, "step \(step)")
        if m.count > 1 { conflicts += 1 }
        if let e = store.entry(m.first) { #expect(want.contains(e), "step \(step)") }
      }
      #expect(store.count == list.count, "step \(step)")
    }
    // The sample reaches conflicts (a global and an ASID entry of one page), not only hits.
    #expect(conflicts > 5)
  }

  @Test("a global and an ASID entry of one page both match: a conflict; one left: a hit")
  func twinsAreFound() {
    let store = TLBLeafStore()
    let a = F.leaf(.el10, vmid: 1, asid: 5, at: 0x1000)
    let b = F.leaf(.el10, vmid: 1, asid: 6, at: 0x1000)
    let g = F.leaf(.el10, vmid: 1, at: 0x1000)
    for e in [a, b] { store.insert(e, cold: .init()) }
    var m = Self.find(store, a, asid: 6)
    #expect(m.count == 1 && store.entry(m.first) == b)
    store.insert(g, cold: .init())
    m = Self.find(store, a, asid: 5)
    #expect(m.count == 2)
    _ = store.remove { $0.asid == nil }
    m = Self.find(store, a, asid: 5)
    #expect(m.count == 1 && store.entry(m.first) == a)
  }

  @Test("a table emptied by TLBIs shrinks: a TLBI costs what the TLB holds, not what it held")
  func shrinksWhenEmptied() {
    let store = TLBLeafStore()
    for i in 0..<10_000 {
      store.insert(F.leaf(.el10, vmid: 1, at: UInt64(i) << 12), cold: .init())
    }
    #expect(store.count == 10_000 && store.capacity >= 20_000)
    #expect(store.remove { $0.inputBase >= 16 << 12 }.count == 10_000 - 16)
    // 16 left: the rebuilt table holds them at a load of at most a half.
    #expect(store.count == 16 && store.capacity == 64)
    #expect(Self.find(store, F.leaf(.el10, vmid: 1, at: 5 << 12), asid: 0).count == 1)
  }

  @Test("the walk-cache store compacts once most of its slots are free")
  func walkStoreCompacts() {
    var store = WalkCacheStore<Int>()
    for i in 0..<1000 {
      store.insert(i, key: WalkCacheKey(tag: 1, base: UInt64(i) << 21, asid: 0))
    }
    #expect(store.slots.count == 1000)
    let victims = store.slots(where: { $0 >= 10 })
    #expect(store.remove(slots: victims).count == 990)
    #expect(store.count == 10 && store.slots.count == 10)
    var m = WalkCacheStore<Int>.Matches()
    store.find(tag: 1, base: 7 << 21, asid: 0, globals: false, into: &m)
    #expect(m.count == 1 && store.element(m.first) == 7)
  }
}
