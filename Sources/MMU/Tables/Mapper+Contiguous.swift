/// The Contiguous-bit rules of the mapper (architecture.md §3.6): `map … contig` and
/// `protect` leave only whole, sound groups.
extension Mapper {
  /// Every leaf a `contiguous` map writes must belong to a whole group that the map writes:
  /// the group's entries all in [va, last] (so with the same attributes), its input and
  /// output aligned to the group's span, at a level where the granule has groups. The leaves
  /// are those the policy picks (the largest block alignment allows, pages, or one level);
  /// one step a group, so the cost is the map's size over the group span.
  func checkContiguousGroups(va: UInt64, last: UInt64, pa: UInt64, policy: LeafPolicy)
    throws(MapError)
  {
    var a = va
    while true {
      let out = pa &+ (a &- va)
      var level = 3
      switch policy {
      case .pages: level = 3
      case .level(let l): level = l
      case .largest:
        for l in max(geometry.startLevel, 0)..<3
        where space.granule.allowsBlock(at: l, ds: geometry.ds, paMax: space.paMax) {
          let bs = geometry.blockSize(l)
          if a & (bs &- 1) == 0 && out & (bs &- 1) == 0 && last &- a >= bs &- 1 {
            level = l
            break
          }
        }
      }
      let leaf = geometry.blockSize(level)
      guard let n = space.granule.contiguousEntries(at: level) else {
        throw .contiguousGroup(va: a, level: level, entries: nil, leafSize: leaf)
      }
      let (span, o) = leaf.multipliedReportingOverflow(by: UInt64(n))
      guard !o, a & (span &- 1) == 0, out & (span &- 1) == 0, last &- a >= span &- 1 else {
        throw .contiguousGroup(va: a, level: level, entries: n, leafSize: leaf)
      }
      if last &- a == span &- 1 { return }
      a &+= span
    }
  }

  /// Refuses a `protect` that would leave a Contiguous group it touches misprogrammed: one
  /// that sets the bit on entries that are not a whole group (aligned, valid leaves, the
  /// same attributes, consecutive outputs), changes part of a group, or splits a block
  /// that has the bit. Groups are checked as they will be after the change: members in the
  /// range with their new value, the others as they are.
  func checkContiguousProtect(va: UInt64, last: UInt64, change: AttributeChange)
    throws(MapError)
  {
    var changed: [UInt64: UInt64] = [:]
    var groups: [(first: UInt64, va: UInt64, level: Int, entries: Int)] = []
    var seen = Set<UInt64>()
    let g = space.granule
    try run {
      try space.visit(from: va, through: last, memory: memory, skipInvalid: true) { phase, e in
        guard phase == .leaf, e.kind.isLeaf else { return }
        let old = Descriptor(e.descriptor).contiguous
        guard e.inputAddress >= va && e.lastAddress <= last else {
          if old { throw MapError.contiguousSplit(va: e.inputAddress, level: e.level) }
          return
        }
        let new = try change.apply(
          to: e.descriptor, format: space.format, mair: mair, ds: geometry.ds)
        guard old || Descriptor(new).contiguous else { return }
        changed[e.entryPA] = new
        guard let n = g.contiguousEntries(at: e.level) else {
          throw MapError.contiguousGroup(
            va: e.inputAddress, level: e.level, entries: nil, leafSize: e.size)
        }
        let first = e.entryPA & ~(UInt64(n) &* 8 &- 1)
        if seen.insert(first).inserted {
          let span = e.size &* UInt64(n)
          groups.append((first, e.inputAddress & ~(span &- 1), e.level, n))
        }
      }
    }
    for group in groups {
      let values = (0..<group.entries).map {
        let pa = group.first &+ UInt64($0) &* 8
        return changed[pa] ?? memory.read64(pa)
      }
      let problems = ContiguousGroupReport.problems(
        values, level: group.level, granule: g, ds: geometry.ds, outputBits: space.outputBits,
        paMax: space.paMax)
      guard problems.isEmpty else {
        throw .contiguousProtect(
          va: group.va, level: group.level, entries: group.entries, problems: problems)
      }
    }
  }
}
