/// A live descriptor a raw write made invalid (the "break"), waiting for the TLBI that must
/// come before a new valid value is written (§9.4).
struct BreakRecord {
  var old: UInt64
  /// Each CPU online at the break: its invalidation counts then. A completed TLBI into its
  /// TLB (or a reset) since makes the counts differ.
  var counts: [(cpu: Int, any: Int, allLevels: Int)]
  /// A walk cache held the old value as a table descriptor: only an all-levels TLBI (not a
  /// last-level one) removes it.
  var table: Bool
  /// The descriptor's level, when a TLB entry says it.
  var level: Int?
}

extension Machine {
  /// `mem write`: writes `size` bytes (1, 2, 4, 8) at `pa`. When the 8-byte word written lies
  /// in translation-table memory, it is a descriptor write: with `options.tlbSpeculative` the
  /// translations the tables allow are cached first (they may have been fetched at any time),
  /// and with `options.bbmCheck` the change is checked for break-before-make (§9.4).
  ///
  /// Table memory is: the default pool, the pools of spaces whose tables are at PAs, and the
  /// 4K pages holding a descriptor a TLB entry of an online CPU was built from. A change from one valid value
  /// to another that moves the output (or next-table) address, changes block/table, memory
  /// type, shareability or the contiguous bit, or clears nG, is reported at once. A valid
  /// value written where a raw write left an invalid one is reported unless, since then, a
  /// TLBI has completed into the TLB of every CPU that was online (an all-levels one if a
  /// walk cache held the old value as a table). Without a recorded invalid step (the mapper's
  /// `unmap` writes directly), a TLB still holding the old value is reported. Permission and
  /// AF changes need no break-before-make.
  public func writeMemory(_ pa: UInt64, _ value: UInt64, size: Int = 8) throws(MemoryError)
    -> [ModelWarning]
  {
    let word = pa & ~7
    let old = memory.read64(word)
    let live = isTableMemory(word)
    if live && old & 1 != 0 { speculateTranslations() }
    try memory.write(pa, value, size: size)
    let new = memory.read64(word)
    guard options.bbmCheck, live, old != new else { return [] }
    return checkBreakBeforeMake(at: word, old: old, new: new)
  }

  /// Whether `pa` holds (or held) a descriptor the model knows of.
  func isTableMemory(_ pa: UInt64) -> Bool {
    if breaks[pa] != nil || defaultPool.contains(pa) { return true }
    for name in spaceOrder {
      if let s = spaces[name], s.via == nil, s.pool.contains(pa) { return true }
    }
    return cpus.contains { $0.online && $0.tlb.holdsDescriptor(inPageOf: pa) }
  }

  func checkBreakBeforeMake(at pa: UInt64, old: UInt64, new: UInt64) -> [ModelWarning] {
    switch (old & 1 != 0, new & 1 != 0) {
    case (true, false):
      let table =
        old & 3 == 3
        && cpus.contains { c in c.online && c.tlb.walks.elements.contains { $0.entryPA == pa } }
      breaks[pa] = BreakRecord(
        old: old,
        counts: onlineCPUs.map { ($0.index, $0.invalidations, $0.allLevelInvalidations) },
        table: table, level: descriptorLevel(at: pa))
      return []
    case (true, true):
      breaks[pa] = nil
      guard let why = Self.breakBeforeMakeChange(old, new) else { return [] }
      return [
        ModelWarning(
          .breakBeforeMake, "a live descriptor's \(why) changed without break-before-make",
          entryPA: pa, level: descriptorLevel(at: pa), old: old, new: new)
      ]
    case (false, true):
      if let record = breaks.removeValue(forKey: pa) {
        guard let why = Self.breakBeforeMakeChange(record.old, new, table: record.table),
          let cpu = unflushedCPU(record)
        else { return [] }
        let kind = record.table ? "an all-levels TLBI" : "a TLBI"
        return [
          ModelWarning(
            .breakBeforeMake,
            "a descriptor's \(why) changed after its invalid step, but \(kind) has not "
              + "completed on cpu\(cpu) since (a DSB completes it)",
            entryPA: pa, level: record.level, old: record.old, new: new)
        ]
      }
      for c in onlineCPUs {
        for v in c.tlb.cachedDescriptors(at: pa).sorted() where v & 1 != 0 {
          guard let why = Self.breakBeforeMakeChange(v, new) else { continue }
          return [
            ModelWarning(
              .breakBeforeMake,
              "a descriptor's \(why) changed while cpu\(c.index)'s TLB still holds the old "
                + "value: no TLBI since it was made invalid",
              entryPA: pa, level: descriptorLevel(at: pa), old: v, new: new)
          ]
        }
      }
      return []
    case (false, false):
      return []
    }
  }

  /// The level of the descriptor at `pa`, as a TLB entry built from it says: a walk-cache
  /// entry's own level, or the leaf level of a one-stage entry whose last read it was. nil
  /// when no entry knows it (a raw write does not say).
  func descriptorLevel(at pa: UInt64) -> Int? {
    for c in onlineCPUs {
      if let w = c.tlb.walks.elements.first(where: { $0.entryPA == pa }) { return w.level }
      for (e, cold) in c.tlb.leaves.elements where e.stage != .combined {
        let p = cold.path
        if p.count >= 2 && p[p.count - 2] == pa { return e.level }
      }
    }
    return nil
  }

  /// The first CPU online at the break that has had no (sufficient) TLBI since.
  func unflushedCPU(_ r: BreakRecord) -> Int? {
    for (index, any, allLevels) in r.counts {
      guard let c = cpu(at: index), c.online else { continue }
      if (r.table ? c.allLevelInvalidations : c.invalidations) == (r.table ? allLevels : any) {
        return index
      }
    }
    return nil
  }

  /// What about a change between two valid descriptors needs break-before-make (§9.4), or
  /// nil when it is a permission, AF, DBM or software-bit change. The level is unknown to a
  /// raw write, so fields are compared wherever any format keeps them.
  /// `table`: the old value is known to be a table descriptor.
  public static func breakBeforeMakeChange(_ old: UInt64, _ new: UInt64, table: Bool = false)
    -> String?
  {
    let d = old ^ new
    if d & 3 != 0 { return "size (block and table)" }
    if d & bitMask(49, 12) != 0 { return table ? "next-level table address" : "output address" }
    if d & bitMask(9, 8) != 0 { return "shareability" }
    if d & bitMask(5, 2) != 0 { return "memory type" }
    if d & bit(52) != 0 { return "contiguous bit" }
    if old & bit(11) != 0 && new & bit(11) == 0 { return "nG (non-global to global)" }
    return nil
  }
}
