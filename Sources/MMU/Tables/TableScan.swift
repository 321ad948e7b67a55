/// What a read-only scan of a space's tables found.
public struct TableScan: Sendable, Equatable {
  /// Every table visited, parents before children; `tables[0]` is the start table.
  public var tables: [TableNode]
  /// All leaves in input-address order, coalesced across table boundaries (ptdump rows).
  public var runs: [LeafRun]
  /// Tables plus valid entries read: what the scan cost.
  public var visited: Int

  public init(tables: [TableNode] = [], runs: [LeafRun] = [], visited: Int = 0) {
    self.tables = tables
    self.runs = runs
    self.visited = visited
  }
}

extension AddressSpace {
  /// A view of the tables a TTBR/VTTBR points at, as the registers describe them (the
  /// geometry, root and output size of `setup`), so that `dump REGIME` reads the same
  /// tables a walk would. `via` is the stage 2 that maps the tables' IPAs, if any.
  public static func registerView(
    name: String, setup: StageSetup, via: AddressSpace? = nil
  ) -> AddressSpace {
    AddressSpace(
      name: name, regime: setup.regime, geometry: setup.geometry, root: setup.tableBase,
      pool: TablePool(base: 0, size: 0), via: via, outputBits: setup.outputBits,
      paMax: setup.paMax, upper: setup.regime.hasTwoRanges ? setup.upperRange : nil)
  }

  /// The leaves mapping any address in [first, last], as ptdump rows. Cost follows the
  /// valid entries and the table pages that exist, never the size of the range.
  public func leafRuns(
    from first: UInt64, through last: UInt64, memory: PhysicalMemory, setup: StageSetup,
    limit: Int = 1_000_000
  ) throws(TableScanError) -> [LeafRun] {
    try scan(
      from: first, through: last, memory: memory, setup: setup, limit: limit, keepTables: false
    ).runs
  }

  /// Scans the tables under [first, last]: every table (when `keepTables`), and the leaves
  /// with the rights and memory attributes the walker would derive from them under `setup`
  /// (its MAIR, HPD, WXN, shareability from TCR with DS, XNX). `limit` bounds the tables and
  /// entries visited (the cost), `rowLimit` the runs found (the size of the listing): a 4 GiB
  /// linear map of pages visits a million entries for one run.
  public func scan(
    from first: UInt64, through last: UInt64, memory: PhysicalMemory, setup: StageSetup,
    limit: Int = 1_000_000, rowLimit: Int = .max, keepTables: Bool = true
  ) throws(TableScanError) -> TableScan {
    let g = geometry
    let mask = LeafRun.addressMask(granule: g.granule, ds: g.ds)
    let stage2 = regime.isStage2
    let walker = Walker(memory: memory, registers: RegisterFile())
    let span = lowMask(g.inputBits)
    let regionBase: UInt64 = (upper ?? false) ? ~span : 0
    var result = TableScan(tables: [], runs: [], visited: 1)
    // The table at each level on the current path (index into `tables`), and the table
    // attributes gathered above it; levels -1...3 map to 0...4.
    var open: [Int] = Array(repeating: -1, count: 6)
    var attrs: [TableAttributes] = Array(repeating: TableAttributes(), count: 6)
    let rootPA = tablePA(root, memory: memory)
    guard let rootPA else { throw .unmappedTable(address: root) }
    if keepTables {
      result.tables.append(
        TableNode(
          level: g.startLevel, address: root, pa: rootPA, first: regionBase,
          last: regionBase | span, parent: nil, parentIndex: nil, descriptor: nil,
          validEntries: 0, children: [], runs: [], reservedEntries: 0))
      open[g.startLevel + 1] = 0
    }
    do {
      try visit(from: first, through: last, memory: memory, skipInvalid: true) { phase, e in
        guard phase != .tablePost else { return }
        result.visited += 1
        guard result.visited <= limit else { throw TableScanError.limitReached(limit) }
        let slot = e.level + 1
        let parent = open[slot]
        if keepTables && parent >= 0 {
          if e.kind == .reserved {
            result.tables[parent].reservedEntries += 1
          } else {
            result.tables[parent].validEntries += 1
          }
        }
        switch phase {
        case .tablePre:
          // Table attributes exist at stage 1 only (stage 2 ignores bits [63:59]).
          var below = attrs[slot]
          below.add(e.descriptor)
          attrs[slot + 1] = stage2 ? TableAttributes() : below
          guard keepTables else { return }
          let d = Descriptor(e.descriptor)
          let next = d.address(granule: g.granule, ds: g.ds, outputBits: outputBits)
          let node = TableNode(
            level: e.level + 1, address: next, pa: tablePA(next, memory: memory) ?? next,
            first: e.inputAddress, last: e.lastAddress, parent: parent,
            parentIndex: entryIndex(e, level: e.level), descriptor: e.descriptor,
            validEntries: 0, children: [], runs: [], reservedEntries: 0)
          result.tables.append(node)
          let position = result.tables.count - 1
          if parent >= 0 { result.tables[parent].children.append(position) }
          open[slot + 1] = position
        case .leaf:
          guard e.kind.isLeaf else { return }
          // Rights and memory type follow from the attribute bits and the table attributes
          // alone: an entry that continues a run with the same bits joins it without
          // deriving them again (a 1 GiB map of pages is one comparison per entry).
          let output = Descriptor(e.descriptor).address(
            granule: g.granule, ds: g.ds, outputBits: outputBits, level: e.level)
          func joins(_ r: LeafRun) -> Bool {
            r.level == e.level && r.kind == e.kind && r.last &+ 1 == e.inputAddress
              && r.descriptor & ~mask == e.descriptor & ~mask
              && r.tableAttributeFlags == attrs[slot] && r.output &+ r.size == output
          }
          var run: LeafRun?
          if let lastRun = result.runs.last, joins(lastRun) {
            result.runs[result.runs.count - 1].last = e.lastAddress
            result.runs[result.runs.count - 1].count += 1
          } else {
            guard result.runs.count < rowLimit else {
              throw TableScanError.rowLimitReached(rowLimit)
            }
            run = leafRun(e, tableAttributes: attrs[slot], setup: setup, walker: walker)
            result.runs.append(run!)
          }
          guard keepTables && parent >= 0 else { return }
          if let lastRun = result.tables[parent].runs.last, joins(lastRun) {
            let n = result.tables[parent].runs.count - 1
            result.tables[parent].runs[n].last = e.lastAddress
            result.tables[parent].runs[n].count += 1
          } else {
            result.tables[parent].runs.append(
              run ?? leafRun(e, tableAttributes: attrs[slot], setup: setup, walker: walker))
          }
        case .tablePost: return
        }
      }
    } catch {
      throw TableScanError(visiting: error, root: root)
    }
    return result
  }

  /// The index of a visited entry within its table (across concatenated start tables).
  func entryIndex(_ e: VisitedEntry, level: Int) -> Int {
    let g = geometry
    let bits = level == g.startLevel ? g.startIndexBits : g.granule.stride
    let shift = g.levelShift(level)
    return Int(truncatingIfNeeded: (e.inputAddress >> UInt64(shift)) & lowMask(bits))
  }

  /// One leaf entry as a run of one, with what the walker would derive from it.
  func leafRun(
    _ e: VisitedEntry, tableAttributes: TableAttributes, setup: StageSetup, walker: Walker
  ) -> LeafRun {
    let g = geometry
    let d = Descriptor(e.descriptor)
    let output = d.address(granule: g.granule, ds: g.ds, outputBits: outputBits, level: e.level)
    let permissions: Permissions
    let mair: UInt8
    if regime.isStage2 {
      permissions = .stage2(s2ap: d.s2ap, xn: d.s2xn, xnx: setup.xnx)
      mair = MemoryAttributes.stage2MAIR(memAttr: d.memAttr)
    } else {
      permissions = Walker.stage1Permissions(d, tableAttrs: tableAttributes, setup: setup)
      mair = UInt8(truncatingIfNeeded: setup.mair >> UInt64(8 * d.attrIndx))
    }
    let sh = Shareability(rawValue: g.ds ? setup.tcrShareability & 3 : d.sh) ?? .none
    return LeafRun(
      first: e.inputAddress, last: e.lastAddress, level: e.level, kind: e.kind,
      entryBits: e.shift, count: 1, output: output, descriptor: e.descriptor,
      tableAttributes: UInt64(tableAttributes.raw), permissions: permissions,
      attributes: MemoryAttributes(mair: mair, shareability: sh),
      global: !(regime.hasTwoRanges && d.nG), contiguous: d.contiguous, accessFlag: d.af)
  }
}
