/// When a visitor's callback runs, in the manner of Linux's kvm_pgtable_walk: before a
/// table's children (`tablePre`), after them (`tablePost`), and on every entry that is not a
/// table (`leaf`: blocks, pages and invalid entries alike).
public enum VisitPhase: Sendable {
  case leaf, tablePre, tablePost
}

/// Errors a visit itself can hit (callbacks throw their own).
public enum VisitError: Error, Equatable, Sendable {
  /// A table address the `via` stage-2 space does not map.
  case unmappedTable(address: UInt64)
}

extension AddressSpace {
  /// Visits every entry that maps any address in [first, last], descending into tables.
  /// After a `leaf` callback the entry is read again: if the callback made it a table (the
  /// mapper allocating one, or splitting a block) the visit descends into it.
  ///
  /// With `skipInvalid`, invalid entries get no callback: a read-only visit (a dump, a graph)
  /// then costs the entries that are valid plus a scan of the table pages that exist, and an
  /// unbacked page of a big table (64K, or 16 concatenated stage-2 tables) is skipped whole.
  public func visit(
    from first: UInt64, through last: UInt64, memory: PhysicalMemory, skipInvalid: Bool = false,
    _ body: (VisitPhase, VisitedEntry) throws -> Void
  ) throws {
    let regionBase: UInt64 = (upper ?? false) ? ~lowMask(geometry.inputBits) : 0
    try visitTable(
      level: geometry.startLevel, table: root, regionBase: regionBase, first: first, last: last,
      memory: memory, skipInvalid: skipInvalid, body)
  }

  private func visitTable(
    level: Int, table: UInt64, regionBase: UInt64, first: UInt64, last: UInt64,
    memory: PhysicalMemory, skipInvalid: Bool,
    _ body: (VisitPhase, VisitedEntry) throws -> Void
  ) throws {
    let shift = geometry.levelShift(level)
    let entries = geometry.entries(atLevel: level)
    let regionLast = regionBase &+ ((UInt64(entries) << UInt64(shift)) &- 1)
    let lo = max(first, regionBase)
    let hi = min(last, regionLast)
    guard lo <= hi else { return }
    guard let tablePA = tablePA(table, memory: memory) else {
      throw VisitError.unmappedTable(address: table)
    }
    let firstIndex = Int((lo &- regionBase) >> UInt64(shift))
    let lastIndex = Int((hi &- regionBase) >> UInt64(shift))
    if memory.pageSource != nil {
      prefetchChildren(
        level: level, tableAt: tablePA, indices: firstIndex...lastIndex, memory: memory)
    }
    var index = firstIndex - 1
    while index < lastIndex {
      index += 1
      let entryAddress = table &+ UInt64(index) &* 8
      let entryPA = tablePA &+ UInt64(index) &* 8
      if skipInvalid {
        // Unwritten memory reads as zero: a page with no storage holds only invalid entries.
        guard let page = memory.pagePointer(entryPA) else {
          index += Int((UInt64(PhysicalMemory.pageSize) &- (entryPA & 0xfff)) / 8) - 1
          continue
        }
        let raw = page.loadUnaligned(fromByteOffset: Int(entryPA & 0xff8), as: UInt64.self)
        if UInt64(littleEndian: raw) & 1 == 0 { continue }
      }
      let input = regionBase &+ (UInt64(index) << UInt64(shift))
      func entry() -> VisitedEntry {
        let raw = memory.read64(entryPA)
        let d = Descriptor(raw)
        let kind = d.kind(level: level, granule: granule, ds: geometry.ds, paMax: paMax)
        // The walker's decode and output-size check (architecture.md §3.2): same granule, DS and
        // output size.
        let address =
          kind == .table || kind.isLeaf
          ? d.address(granule: granule, ds: geometry.ds, outputBits: outputBits) : 0
        let fits = outputBits > 48 || address >> UInt64(outputBits) == 0
        return VisitedEntry(
          level: level, inputAddress: input, entryAddress: entryAddress, entryPA: entryPA,
          descriptor: raw, kind: kind, shift: shift, address: address, addressFits: fits)
      }
      var e = entry()
      if e.kind != .table || !e.addressFits {
        try body(.leaf, e)
        e = entry()
        if e.kind != .table || !e.addressFits { continue }
      } else {
        try body(.tablePre, e)
        e = entry()
        if e.kind != .table || !e.addressFits { continue }
      }
      try visitTable(
        level: level + 1, table: e.address, regionBase: input, first: first, last: last,
        memory: memory, skipInvalid: skipInvalid, body)
      try body(.tablePost, entry())
    }
  }

  /// Memory read on demand (a live guest): the next-level tables of one table, asked for in
  /// one batch before the visit descends into them, so their round trips overlap.
  private func prefetchChildren(
    level: Int, tableAt base: UInt64, indices: ClosedRange<Int>, memory: PhysicalMemory
  ) {
    var children: [UInt64] = []
    for index in indices {
      let raw = memory.read64(base &+ UInt64(index) &* 8)
      let kind = Descriptor(raw).kind(
        level: level, granule: granule, ds: geometry.ds, paMax: paMax)
      guard kind == .table else { continue }
      let child = Descriptor(raw).address(granule: granule, ds: geometry.ds, outputBits: 52)
      if via == nil {
        children.append(child)
      } else if let pa = tablePA(child, memory: memory) {
        children.append(pa)
      }
    }
    memory.prefetch(children)
  }
}
