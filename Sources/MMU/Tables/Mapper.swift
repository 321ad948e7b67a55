/// Builds and edits the tables of a space: map, unmap, protect. Each validates the whole
/// request, and counts the table pages it will need, before writing anything.
public struct Mapper {
  public let space: AddressSpace
  public let memory: PhysicalMemory
  /// MAIR of the regime the space is for, to pick AttrIndx.
  public let mair: UInt64
  /// Makes, at the start of each operation, the check its descriptor writes are told of;
  /// the check's warnings join the report. The machine's break-before-make check
  /// (`Machine.mapperWriteCheck`), which sees the TLBs as they are when the operation starts.
  public var writeCheck: (() -> DescriptorWriteCheck)?

  /// Told of one descriptor write: its PA, the old value and the new one.
  public typealias DescriptorWriteCheck = (_ pa: UInt64, _ old: UInt64, _ new: UInt64) ->
    [ModelWarning]

  public init(space: AddressSpace, memory: PhysicalMemory, mair: UInt64) {
    self.space = space
    self.memory = memory
    self.mair = mair
  }

  var geometry: Geometry { space.geometry }
  var granuleSize: UInt64 { space.granule.size }

  // MARK: Validation

  /// Checks alignment and bounds, decides the half of a two-range space. Returns the last
  /// input address.
  func checkRange(_ va: UInt64, size: UInt64, pa: UInt64? = nil) throws(MapError) -> UInt64 {
    guard size > 0 else { throw .emptyRange }
    for (what, v) in [("VA", va), ("size", size)] + (pa.map { [("PA", $0)] } ?? [])
    where v & (granuleSize - 1) != 0 {
      throw .misaligned(what: what, value: v, granule: granuleSize)
    }
    let (lastVA, o) = va.addingReportingOverflow(size - 1)
    guard !o else { throw .outsideSpace(address: va, inputBits: geometry.inputBits) }
    guard let half = space.half(of: va), space.half(of: lastVA) == half else {
      throw .outsideSpace(
        address: space.half(of: va) == nil ? va : lastVA, inputBits: geometry.inputBits)
    }
    if let u = space.upper, u != half { throw .wrongHalf(address: va, spaceIsUpper: u) }
    if let pa {
      let (lastPA, o2) = pa.addingReportingOverflow(size - 1)
      guard !o2, lastPA >> UInt64(space.outputBits) == 0 else {
        throw .outputTooLarge(pa: o2 ? pa : lastPA, outputBits: space.outputBits)
      }
    }
    return lastVA
  }

  /// Whether `entry` can be a leaf for [va, last] -> pa under `policy`.
  func leafFits(_ e: VisitedEntry, va: UInt64, last: UInt64, pa: UInt64, policy: LeafPolicy)
    -> Bool
  {
    guard e.inputAddress >= va, e.lastAddress <= last else { return false }
    let out = pa &+ (e.inputAddress &- va)
    guard out & (e.size - 1) == 0 else { return false }
    switch policy {
    case .pages: return e.level == 3
    case .level(let l): return e.level == l
    case .largest:
      return e.level == 3
        || space.granule.allowsBlock(at: e.level, ds: geometry.ds, paMax: space.paMax)
    }
  }

  /// Tables an empty subtree needs to map [lo, hi] below an entry at `level` covering
  /// [base, base + 2^shift).
  func tablesForEmpty(
    level: Int, base: UInt64, lo: UInt64, hi: UInt64, va: UInt64, pa: UInt64,
    policy: LeafPolicy
  ) -> Int {
    let childLevel = level + 1
    let shift = geometry.levelShift(childLevel)
    let size = UInt64(1) << UInt64(shift)
    let first = max(lo, base)
    let firstIndex = (first &- base) >> UInt64(shift)
    let lastIndex =
      (min(hi, base &+ ((UInt64(geometry.granule.entriesPerTable) << UInt64(shift)) &- 1)) &- base)
      >> UInt64(shift)
    // Tables below child i: none if it can be a leaf (or is at the last level).
    func below(_ i: UInt64) -> Int {
      let input = base &+ (i << UInt64(shift))
      let e = VisitedEntry(
        level: childLevel, inputAddress: input, entryAddress: 0, entryPA: 0, descriptor: 0,
        kind: .invalid, shift: shift, address: 0, addressFits: true)
      guard !leafFits(e, va: lo, last: hi, pa: pa &+ (lo &- va), policy: policy), childLevel < 3
      else { return 0 }
      return tablesForEmpty(
        level: childLevel, base: input, lo: lo, hi: hi, va: va, pa: pa, policy: policy)
    }
    func whole(_ i: UInt64) -> Bool {
      let input = base &+ (i << UInt64(shift))
      return input >= lo && input &+ (size &- 1) <= hi
    }
    // Only the first and last children can be cut by the range's edges. The children it
    // covers whole all need the same subtree (their output addresses share an alignment), so
    // one is counted for all: counting costs the levels, not the entries (a map of 2^52
    // bytes, or 8192 entries per 64K table at every level).
    var count = 1
    var cut: [UInt64] = []
    if !whole(firstIndex) { cut.append(firstIndex) }
    if lastIndex != firstIndex && !whole(lastIndex) { cut.append(lastIndex) }
    for i in cut { count = count.addingSaturating(below(i)) }
    let wholeCount = Int(lastIndex - firstIndex + 1) - cut.count
    if wholeCount > 0 {
      let sample = whole(firstIndex) ? firstIndex : firstIndex + 1
      count = count.addingSaturating(wholeCount.multipliedSaturating(by: below(sample)))
    }
    return count
  }

  // MARK: Map

  /// Maps [va, va+size) to [pa, pa+size) with `attributes`. Refuses to overwrite a valid
  /// mapping unless `force`; with `force`, replacing or splitting a live entry is reported
  /// as a break-before-make warning.
  public func map(
    va: UInt64, pa: UInt64, size: UInt64, attributes: MapAttributes, policy: LeafPolicy = .largest,
    force: Bool = false
  ) throws(MapError) -> MapReport {
    let last = try checkRange(va, size: size, pa: pa)
    if case .level(let l) = policy {
      guard l == 3 || space.granule.allowsBlock(at: l, ds: geometry.ds, paMax: space.paMax),
        l >= geometry.startLevel
      else { throw .levelNotAllowed(level: l, granule: space.granule) }
      let bs = geometry.blockSize(l)
      guard va & (bs - 1) == 0, pa & (bs - 1) == 0, size & (bs - 1) == 0 else {
        throw .notAlignedForLevel(level: l, blockSize: bs)
      }
    }
    if attributes.contiguous {
      try checkContiguousGroups(va: va, last: last, pa: pa, policy: policy)
    }
    let leafBits: UInt64
    do {
      leafBits = try attributes.leafBits(format: space.format, mair: mair, ds: geometry.ds)
    } catch {
      throw .attribute(error)
    }

    // A two-range space serves the half its first successful map chose; the visit needs it
    // now, and a refused map leaves the space undecided again.
    let decidesHalf = space.regime.hasTwoRanges && space.upper == nil
    if decidesHalf { space.upper = space.half(of: va) }
    var succeeded = false
    defer { if decidesHalf && !succeeded { space.upper = nil } }

    // Plan: find conflicts and count the tables needed, writing nothing.
    var needed = 0
    var seen = rootSeen
    try run {
      try space.visit(from: va, through: last, memory: memory) { phase, e in
        if phase == .tablePre { try checkTree(&seen, e) }
        guard phase == .leaf else { return }
        let fits = leafFits(e, va: va, last: last, pa: pa, policy: policy)
        // A table entry whose address does not fit the output size (the visit does not go
        // below it): occupied, as a leaf is; `force` replaces it.
        if e.kind == .table && !force {
          throw MapError.alreadyMapped(
            va: max(e.inputAddress, va), level: e.level, descriptor: e.descriptor)
        }
        if e.kind.isLeaf {
          if !force {
            throw MapError.alreadyMapped(
              va: max(e.inputAddress, va), level: e.level, descriptor: e.descriptor)
          }
          if !fits {
            // Splitting the block takes the table tablesForEmpty counts first (its children
            // are the block's copies, split again where they do not fit).
            needed += tablesForEmpty(
              level: e.level, base: e.inputAddress, lo: va, hi: last, va: va, pa: pa,
              policy: policy)
          }
        } else if !fits && e.level < 3 {
          needed += tablesForEmpty(
            level: e.level, base: e.inputAddress, lo: va, hi: last, va: va, pa: pa,
            policy: policy)
        }
      }
    }
    let available = Int(space.pool.bytesFree / space.tableBytes)
    guard needed <= available else { throw .poolExhausted(needed: needed, available: available) }
    try checkMemory(tables: needed)

    // Apply.
    var report = MapReport()
    let check = writeCheck?()
    try run {
      try space.visit(from: va, through: last, memory: memory) { phase, e in
        guard phase == .leaf else { return }
        if leafFits(e, va: va, last: last, pa: pa, policy: policy) {
          let out = pa &+ (e.inputAddress &- va)
          let new = leafDescriptor(level: e.level, output: out, bits: leafBits)
          if e.kind.isLeaf && e.descriptor != new {
            report.warnings.append(bbm(.forceReplaced, e, new))
          }
          try write(e.entryPA, new, &report, check)
          report.entriesWritten += 1
        } else if e.kind.isLeaf {
          let table = try split(e, &report, check)
          report.tablesAllocated += 1
          report.warnings.append(bbm(.forceSplit, e, table))
        } else {
          try write(e.entryPA, try newTable(), &report, check)
          report.tablesAllocated += 1
        }
      }
    }
    succeeded = true
    return report
  }

  // MARK: Unmap

  /// Writes invalid entries over [va, va+size), splitting blocks that straddle the edges;
  /// with `free`, tables left empty are freed (after their parent entry is invalidated).
  public func unmap(va: UInt64, size: UInt64, free: Bool = false) throws(MapError) -> MapReport {
    let last = try checkRange(va, size: size)
    var report = MapReport()
    let check = writeCheck?()
    try checkSplitTables(va: va, last: last)
    try run {
      try space.visit(from: va, through: last, memory: memory) { phase, e in
        switch phase {
        case .leaf:
          guard e.kind.isLeaf else { return }
          if e.inputAddress >= va && e.lastAddress <= last {
            try write(e.entryPA, 0, &report, check)
            report.entriesWritten += 1
          } else {
            let table = try split(e, &report, check)
            report.tablesAllocated += 1
            report.warnings.append(bbm(.unmapSplit, e, table))
          }
        case .tablePost:
          guard free else { return }
          let child = Descriptor(e.descriptor).address(
            granule: space.granule, ds: geometry.ds, outputBits: space.outputBits)
          guard let childPA = space.tablePA(child, memory: memory) else { return }
          let n = geometry.entries(atLevel: e.level + 1)
          if (0..<n).allSatisfy({ memory.read64(childPA &+ UInt64($0) * 8) & 1 == 0 }) {
            try write(e.entryPA, 0, &report, check)
            releaseTable(child, pa: childPA)
            report.tablesFreed += 1
          }
        case .tablePre: return
        }
      }
    }
    return report
  }

  // MARK: Protect

  /// Changes the named attributes of every leaf in [va, va+size), splitting blocks that
  /// straddle the edges (a break-before-make warning).
  public func protect(va: UInt64, size: UInt64, change: AttributeChange) throws(MapError)
    -> MapReport
  {
    let last = try checkRange(va, size: size)
    var report = MapReport()
    let check = writeCheck?()
    try checkSplitTables(va: va, last: last)
    try checkContiguousProtect(va: va, last: last, change: change)
    try run {
      try space.visit(from: va, through: last, memory: memory) { phase, e in
        guard phase == .leaf, e.kind.isLeaf else { return }
        if e.inputAddress >= va && e.lastAddress <= last {
          let new = try change.apply(
            to: e.descriptor, format: space.format, mair: mair, ds: geometry.ds)
          if new != e.descriptor {
            try write(e.entryPA, new, &report, check)
            report.entriesWritten += 1
          }
        } else {
          let table = try split(e, &report, check)
          report.tablesAllocated += 1
          report.warnings.append(bbm(.protectSplit, e, table))
        }
      }
    }
    return report
  }

  // MARK: Pieces

  /// Throws `poolExhausted` unless the pool holds the tables that splitting the blocks
  /// straddling the edges of [va, last] takes; an unmap or protect that splits nothing needs
  /// no free table (so a full pool can still be unmapped).
  func checkSplitTables(va: UInt64, last: UInt64) throws(MapError) {
    var needed = 0
    var seen = rootSeen
    try run {
      try space.visit(from: va, through: last, memory: memory) { phase, e in
        if phase == .tablePre { try checkTree(&seen, e) }
        guard phase == .leaf, e.kind.isLeaf, e.inputAddress < va || e.lastAddress > last
        else { return }
        needed += splitTables(level: e.level, base: e.inputAddress, va: va, last: last)
      }
    }
    let available = Int(space.pool.bytesFree / space.tableBytes)
    guard needed <= available else { throw .poolExhausted(needed: needed, available: available) }
    try checkMemory(tables: needed)
  }

  /// Throws `notATree` when the entry's next-level table was reached before: tables shared by
  /// two entries, or an entry pointing back at an ancestor. A visit would walk such a table
  /// once for every path to it (512^4 times for a 4K table pointing at itself) and a write
  /// would land on every path at once.
  func checkTree(_ seen: inout Set<UInt64>, _ e: VisitedEntry) throws {
    let child = Descriptor(e.descriptor).address(
      granule: space.granule, ds: geometry.ds, outputBits: space.outputBits)
    let pa = space.tablePA(child, memory: memory) ?? child
    guard seen.insert(pa).inserted else {
      throw MapError.notATree(table: child, level: e.level + 1)
    }
  }

  /// The table addresses a plan starts from: the root's.
  var rootSeen: Set<UInt64> { [space.tablePA(space.root, memory: memory) ?? space.root] }

  /// Throws `memoryBudget` unless the simulated memory can hold `tables` more table pages.
  func checkMemory(tables: Int) throws(MapError) {
    let perTable = Int(space.tableBytes / UInt64(PhysicalMemory.pageSize))
    let (pages, o) = tables.multipliedReportingOverflow(by: perTable)
    let free = max(0, memory.pageBudget - memory.pagesInUse)
    guard !o, pages <= free else {
      throw .memoryBudget(neededPages: o ? Int.max : pages, availablePages: free)
    }
  }

  /// Tables that splitting the block at `level` covering `base` takes: one, plus those of
  /// each child an edge of [va, last] still cuts.
  func splitTables(level: Int, base: UInt64, va: UInt64, last: UInt64) -> Int {
    let child = level + 1
    guard child < 3 else { return 1 }
    let size = geometry.blockSize(child)
    let end = base &+ (geometry.blockSize(level) &- 1)
    var cut = Set<UInt64>()
    for edge in [va, last &+ 1] where edge > base && edge <= end && edge & (size - 1) != 0 {
      cut.insert(edge & ~(size - 1))
    }
    return 1 + cut.reduce(0) { $0 + splitTables(level: child, base: $1, va: va, last: last) }
  }

  func leafDescriptor(level: Int, output: UInt64, bits: UInt64) -> UInt64 {
    let type: UInt64 = level == 3 ? 0b11 : 0b01
    return Descriptor(bits | type).withAddress(output, granule: space.granule, ds: geometry.ds).raw
  }

  /// Allocates a zeroed table and returns a table descriptor pointing at it.
  func newTable() throws -> UInt64 {
    let t = try space.pool.allocate(bytes: space.tableBytes)
    guard let pa = space.tablePA(t, memory: memory) else {
      space.pool.free(t, bytes: space.tableBytes)
      throw MapError.unmappedTable(address: t)
    }
    // Table pages start zeroed (all entries invalid), as Linux allocates them.
    var off: UInt64 = 0
    while off < space.tableBytes {
      memory.discardPage(pa &+ off)
      off += 4096
    }
    return Descriptor(0b11).withAddress(t, granule: space.granule, ds: geometry.ds).raw
  }

  func releaseTable(_ table: UInt64, pa: UInt64) {
    var off: UInt64 = 0
    while off < space.tableBytes {
      memory.discardPage(pa &+ off)
      off += 4096
    }
    space.pool.free(table, bytes: space.tableBytes)
  }

  /// Replaces a block by a table of the next level's entries mapping the same addresses with
  /// the same attributes. Returns the new table descriptor (already written).
  func split(_ e: VisitedEntry, _ report: inout MapReport, _ check: DescriptorWriteCheck?) throws
    -> UInt64
  {
    let d = Descriptor(e.descriptor)
    let g = space.granule
    let out = d.address(granule: g, ds: geometry.ds, outputBits: space.outputBits, level: e.level)
    // Attribute bits: everything but the type bits and the address field.
    let addressBits = Descriptor(0).withAddress(lowMask(52), granule: g, ds: geometry.ds).raw
    let attrs = e.descriptor & ~addressBits & ~3
    let tableDesc = try newTable()
    let table = Descriptor(tableDesc).address(
      granule: g, ds: geometry.ds, outputBits: space.outputBits)
    guard let tablePA = space.tablePA(table, memory: memory) else {
      throw MapError.unmappedTable(address: table)
    }
    let childLevel = e.level + 1
    let childSize = geometry.blockSize(childLevel)
    for i in 0..<g.entriesPerTable {
      let child = leafDescriptor(
        level: childLevel, output: out &+ UInt64(i) &* childSize, bits: attrs)
      try write(tablePA &+ UInt64(i) * 8, child, &report, check)
    }
    try write(e.entryPA, tableDesc, &report, check)
    return tableDesc
  }

  /// Writes one descriptor, telling `check`.
  func write(
    _ pa: UInt64, _ new: UInt64, _ report: inout MapReport, _ check: DescriptorWriteCheck?
  ) throws {
    guard let check else { return try memory.write64(pa, new) }
    let old = memory.read64(pa)
    try memory.write64(pa, new)
    if old != new { report.warnings += check(pa, old, new) }
  }

  func bbm(_ what: ModelWarning.MapperEdit, _ e: VisitedEntry, _ new: UInt64) -> ModelWarning {
    ModelWarning(
      .mapperEdit(what), entryPA: e.entryPA, level: e.level, old: e.descriptor, new: new)
  }

  /// Runs a visit, mapping any error to `MapError`.
  func run(_ body: () throws -> Void) throws(MapError) {
    do { try body() } catch let e as MapError { throw e } catch let e as MemoryError {
      throw .memory(e)
    } catch let e as PoolError {
      // Exhaustive: a new pool or visit error must be mapped, not swallowed.
      switch e {
      case .exhausted(_, _, let needed):
        throw .poolExhausted(needed: Int(needed / space.tableBytes), available: 0)
      }
    } catch let e as AttributeError { throw .attribute(e) } catch let e as VisitError {
      switch e {
      case .unmappedTable(let a): throw .unmappedTable(address: a)
      }
    } catch { throw .internalError(String(describing: error)) }
  }
}

extension Int {
  /// Table counts saturate rather than trap: a count past Int.max fails every check anyway.
  fileprivate func addingSaturating(_ x: Int) -> Int {
    let (r, o) = addingReportingOverflow(x)
    return o ? .max : r
  }

  fileprivate func multipliedSaturating(by x: Int) -> Int {
    let (r, o) = multipliedReportingOverflow(by: x)
    return o ? .max : r
  }
}
