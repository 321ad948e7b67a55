/// What the online CPUs' TLBs hold of one descriptor.
struct HeldDescriptor {
  /// The entries built from it (a CPU's entry once per CPU holding it).
  var uses: [BreakUse] = []
  /// Each entry's CPU and the value it read there.
  var values: [(cpu: Int, value: UInt64)] = []
  /// A walk-cache entry is this descriptor: it was a table.
  var table = false
  /// Its level, as an entry built from it says: a walk-cache entry's own level, or the leaf
  /// level of a one-stage entry whose last read it was. nil when no entry knows it (a raw
  /// write does not say).
  var level: Int?
}

extension Machine {
  /// `mem write`: writes `size` bytes (1, 2, 4, 8) at `pa`. When the 8-byte word written lies
  /// in translation-table memory, it is a descriptor write: with `options.tlbSpeculative` the
  /// translations the tables allow are cached first (they may have been fetched at any time),
  /// and with `options.bbmCheck` the change is checked for break-before-make (architecture.md §11).
  ///
  /// Table memory is: the default pool, the pools of spaces whose tables are at PAs, and the
  /// 4K pages holding a descriptor a TLB entry of an online CPU was built from. A change from
  /// one valid value to another that moves the output (or next-table) address, changes
  /// block/table, memory type, shareability or the contiguous bit, or clears nG, is reported
  /// at once. A valid value written after an invalid step is reported unless, since then, on
  /// every CPU online at the step, a completed TLBI covered each entry the TLBs had built from
  /// the old value (its scope, as TLBIScope matches entries: VMID, ASID, address, level; an
  /// all-levels one if a walk cache held the old value as a table); with no such entry, any
  /// TLBI counts. Without a recorded invalid step, a TLB still holding the old value is
  /// reported. Permission and AF changes need no break-before-make.
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
    let held = heldDescriptors { $0 == word }[word] ?? HeldDescriptor()
    return checkBreakBeforeMake(at: word, old: old, new: new, held: held, recordAlways: true)
  }

  /// What each online CPU's TLB holds of the descriptors at the PAs `wanted` selects: the
  /// entries whose walks read them, in CPU order. Costs one pass over the TLBs.
  func heldDescriptors(_ wanted: (UInt64) -> Bool) -> [UInt64: HeldDescriptor] {
    var out: [UInt64: HeldDescriptor] = [:]
    func note(_ path: [UInt64], cpu: Int, _ use: BreakUse, leafLevel: Int?) {
      var i = 0
      while i + 1 < path.count {
        if wanted(path[i]) {
          out[path[i], default: HeldDescriptor()].uses.append(use)
          out[path[i], default: HeldDescriptor()].values.append((cpu, path[i + 1]))
          if i + 2 == path.count, let l = leafLevel, out[path[i]]?.level == nil {
            out[path[i]]?.level = l
          }
        }
        i += 2
      }
    }
    for c in onlineCPUs {
      for (e, cold) in c.tlb.leaves.elements {
        note(
          cold.path, cpu: c.index, .leaf(e), leafLevel: e.stage == .combined ? nil : e.level)
      }
      for w in c.tlb.walks.elements {
        note(w.path, cpu: c.index, .walk(w), leafLevel: nil)
        if wanted(w.entryPA) {
          out[w.entryPA, default: HeldDescriptor()].table = true
          out[w.entryPA]?.level = w.level
          if !w.path.contains(w.entryPA) {
            out[w.entryPA, default: HeldDescriptor()].uses.append(.walk(w))
            out[w.entryPA, default: HeldDescriptor()].values.append((c.index, w.descriptor))
          }
        }
      }
    }
    return out
  }

  /// The break-before-make check of the mapper's descriptor writes (`map`, `unmap`,
  /// `protect`), or nil with `bbm_check` off: each call makes the check of one operation.
  /// Its invalid steps are recorded when a TLB holds an entry built from the old value, and a
  /// valid value written after one is checked as a raw write's is. Changes between valid
  /// values are the mapper's own warnings (`force`, splits). The TLBs are indexed once per
  /// operation, at its first write that makes or breaks a descriptor.
  public func mapperWriteCheck() -> (() -> Mapper.DescriptorWriteCheck)? {
    guard options.bbmCheck else { return nil }
    return {
      var index: [UInt64: HeldDescriptor]?
      return { pa, old, new in
        guard (old & 1 != 0) != (new & 1 != 0) else { return [] }
        if index == nil { index = self.heldDescriptors { _ in true } }
        let held = index?[pa] ?? HeldDescriptor()
        return self.checkBreakBeforeMake(
          at: pa, old: old, new: new, held: held, recordAlways: false)
      }
    }
  }

  /// Whether `pa` holds (or held) a descriptor the model knows of.
  func isTableMemory(_ pa: UInt64) -> Bool {
    if breaks[pa] != nil || defaultPool.contains(pa) { return true }
    for name in spaceOrder {
      if let s = spaces[name], s.via == nil, s.pool.contains(pa) { return true }
    }
    return cpus.contains { $0.online && $0.tlb.holdsDescriptor(inPageOf: pa) }
  }

  /// `recordAlways`: record an invalid step even when no TLB holds the old value (a raw
  /// write: hardware may have cached it where the model cannot see).
  func checkBreakBeforeMake(
    at pa: UInt64, old: UInt64, new: UInt64, held: HeldDescriptor, recordAlways: Bool
  ) -> [ModelWarning] {
    switch (old & 1 != 0, new & 1 != 0) {
    case (true, false):
      guard recordAlways || !held.uses.isEmpty else { return [] }
      let uses = held.uses.isEmpty ? [BreakUse.unknown] : held.uses
      breaks[pa] = BreakRecord(
        old: old, waiting: onlineCPUs.map { ($0.index, $0.resets, uses) },
        table: old & 3 == 3 && held.table, level: held.level)
      return []
    case (true, true):
      breaks[pa] = nil
      guard let why = Self.breakBeforeMakeChange(old, new) else { return [] }
      return [
        ModelWarning(.liveChange(why), entryPA: pa, level: held.level, old: old, new: new)
      ]
    case (false, true):
      if let record = breaks.removeValue(forKey: pa) {
        guard let why = Self.breakBeforeMakeChange(record.old, new, table: record.table),
          let cpu = unflushedCPU(record)
        else { return [] }
        return [
          ModelWarning(
            .changedAfterBreak(why, allLevels: record.table, cpu: cpu), entryPA: pa,
            level: record.level, old: record.old, new: new)
        ]
      }
      for (cpu, v) in held.values.sorted(by: { ($0.cpu, $0.value) < ($1.cpu, $1.value) })
      where v & 1 != 0 {
        guard let why = Self.breakBeforeMakeChange(v, new) else { continue }
        return [
          ModelWarning(
            .changedWhileHeld(why, cpu: cpu), entryPA: pa, level: held.level, old: v, new: new)
        ]
      }
      return []
    case (false, false):
      return []
    }
  }

  /// Removes from every break record what a TLBI of `scope`, completed on CPU `cpu`, covered.
  /// A record covered everywhere is dropped: re-making its descriptor is then clean, as it
  /// would be without one (no TLB still holds the old value), and it costs no more TLBIs.
  func noteInvalidation(_ scope: TLBIScope, on cpu: Int) {
    guard !breaks.isEmpty else { return }
    for pa in Array(breaks.keys) {
      breaks[pa]?.invalidated(scope, on: cpu)
      if breaks[pa]?.waiting.allSatisfy({ $0.uses.isEmpty }) == true { breaks[pa] = nil }
    }
  }

  /// The first CPU online at the break, still online and not reset since, on which some use
  /// of the old value is not yet covered by a completed TLBI.
  func unflushedCPU(_ r: BreakRecord) -> Int? {
    for w in r.waiting where !w.uses.isEmpty {
      guard let c = cpu(at: w.cpu), c.online, c.resets == w.resets else { continue }
      return w.cpu
    }
    return nil
  }

  /// What about a change between two valid descriptors needs break-before-make (architecture.md
  /// §11), or nil when it is a permission, AF, DBM or software-bit change. The level is unknown to
  /// a
  /// raw write, so fields are compared wherever any format keeps them.
  /// `table`: the old value is known to be a table descriptor.
  public static func breakBeforeMakeChange(_ old: UInt64, _ new: UInt64, table: Bool = false)
    -> BreakBeforeMakeChange?
  {
    let d = old ^ new
    if d & 3 != 0 { return .size }
    if d & bitMask(49, 12) != 0 { return table ? .nextTableAddress : .outputAddress }
    if d & bitMask(9, 8) != 0 { return .shareability }
    if d & bitMask(5, 2) != 0 { return .memoryType }
    if d & bit(52) != 0 { return .contiguousBit }
    if old & bit(11) != 0 && new & bit(11) == 0 { return .notGlobalCleared }
    return nil
  }
}
