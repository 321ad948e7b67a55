extension Machine {
  /// Leaf translations one speculation pass fills per CPU and VA range at most.
  public static let speculationLeafLimit = 4096
  /// Descriptors one speculation pass reads per CPU and VA range at most.
  public static let speculationReadLimit = 1 << 16

  /// With `options.tlbSpeculative`: caches, in the TLB of `cpu` (default: every online CPU),
  /// every translation its current registers reach — EL1&0 (both halves, through stage 2
  /// when enabled), EL2 or EL2&0, and stage 2 alone — as hardware may at any time from any
  /// valid descriptor (architecture.md §10.1). Entries already cached for the same page are kept,
  /// so a translation the tables allowed stays until a TLBI removes it, and a page of another size
  /// joins it (a conflict). Returns the leaf entries filled; a no-op when the option is off.
  ///
  /// The model speculates at these points: before a raw write to a valid live descriptor
  /// (`writeMemory`), and wherever the interpreter calls this — before each statement that
  /// changes tables or registers (`map`, `unmap`, `protect`, `switch`, `set`), which captures
  /// what the tables allowed since the last invalidation. Bounded by `speculationLeafLimit`
  /// and `speculationReadLimit` per range.
  @discardableResult
  public func speculateTranslations(cpu: CPU? = nil) -> Int {
    guard options.tlbSpeculative else { return 0 }
    var filled = 0
    for c in cpu.map({ [$0] }) ?? onlineCPUs where c.online {
      let r = c.registers
      filled += speculate(c, AccessContext(regime: .el10, stage2: r.stage2Enabled), upper: false)
      filled += speculate(c, AccessContext(regime: .el10, stage2: r.stage2Enabled), upper: true)
      filled += speculate(c, AccessContext(regime: r.e2h ? .el20 : .el2), upper: false)
      if r.e2h { filled += speculate(c, AccessContext(regime: .el20), upper: true) }
      if r.stage2Enabled { filled += speculate(c, AccessContext(regime: .stage2), upper: false) }
    }
    return filled
  }

  /// Fills every leaf of one VA range (or of stage 2) reachable from `c`'s registers.
  func speculate(_ c: CPU, _ ctx: AccessContext, upper: Bool) -> Int {
    var filled = 0
    for va in reachableLeaves(c, ctx, upper: upper) {
      let r = cachedAccess(c, ctx, va, .read, trace: false, mode: .speculate)
      if r.outcome.translation != nil { filled += 1 }
    }
    return filled
  }

  /// The first input address of every valid leaf the registers reach, in address order.
  func reachableLeaves(_ c: CPU, _ ctx: AccessContext, upper: Bool) -> [UInt64] {
    let r = c.registers
    let setup: StageSetup
    if ctx.regime == .stage2 {
      guard case .success(let s) = TranslationSetup.stage2(r, ipa: 0, access: .read) else {
        return []
      }
      setup = s
    } else {
      guard lookupTags(c, ctx, 0, .read) != nil,
        case .success(let s) = TranslationSetup.stage1(
          r, regime: ctx.regime, va: upper ? ~0 : 0, access: .read)
      else { return [] }
      setup = s
    }
    let g = setup.geometry
    var leaves: [UInt64] = []
    var reads = 0
    // Depth first, in index order: (level, table address, first input address).
    var stack: [(Int, UInt64, UInt64)] = [
      (g.startLevel, setup.tableBase, upper ? ~lowMask(g.inputBits) : 0)
    ]
    while let (level, table, base) = stack.popLast() {
      guard let tablePA = speculationTablePA(c, table, nested: ctx.stage2) else { continue }
      let shift = g.levelShift(level)
      var children: [(Int, UInt64, UInt64)] = []
      for i in 0..<g.entries(atLevel: level) {
        guard reads < Self.speculationReadLimit, leaves.count < Self.speculationLeafLimit
        else { break }
        reads += 1
        let raw = memory.read64(tablePA &+ UInt64(i) &* 8)
        let d = Descriptor(raw)
        let input = base &+ (UInt64(i) << UInt64(shift))
        switch d.kind(level: level, granule: g.granule, ds: g.ds, paMax: setup.paMax) {
        case .table:
          let next = d.address(granule: g.granule, ds: g.ds, outputBits: setup.outputBits)
          children.append((level + 1, next, input))
        case .block, .page: leaves.append(input)
        case .invalid, .reserved: continue
        }
      }
      stack.append(contentsOf: children.reversed())
    }
    return leaves.sorted()
  }

  /// A stage-1 table address as a PA: through stage 2 (the tables alone) when nested.
  func speculationTablePA(_ c: CPU, _ table: UInt64, nested: Bool) -> UInt64? {
    guard nested else { return table }
    var w = Walker(memory: memory, registers: c.registers)
    w.hardwareUpdates = false
    var steps: [WalkStep] = []
    guard
      case .success(let leaf) = w.stage2(
        ipa: table, access: .read, unprivileged: false, s1ptw: true, steps: &steps)
    else { return nil }
    return leaf.output
  }
}
