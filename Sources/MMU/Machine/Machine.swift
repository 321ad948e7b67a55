/// The machine: CPUs, sparse physical memory, named address spaces and the default pool.
///
/// The model runs on one thread; the properties every access reads opt out of dynamic
/// exclusivity checks (no method here mutates them while calling out).
public final class Machine {
  public let memory: PhysicalMemory
  @exclusivity(unchecked) public private(set) var cpus: [CPU]
  @exclusivity(unchecked) public var currentCPU = 0
  @exclusivity(unchecked) public var options = ModelOptions()
  /// Spaces by name, and their creation order (for deterministic listings).
  @exclusivity(unchecked) public internal(set) var spaces: [String: AddressSpace] = [:]
  public internal(set) var spaceOrder: [String] = []
  public var defaultPool: TablePool
  /// Descriptors made invalid by raw writes, awaiting their TLBI (break-before-make check).
  var breaks: [UInt64: BreakRecord] = [:]
  /// Stage setups of recent walks, reused while the registers are unchanged.
  let setupMemo = StageSetupMemo()

  public static let defaultPoolBase: UInt64 = 0xe000_0000
  public static let defaultPoolSize: UInt64 = 512 << 20

  public init(memory: PhysicalMemory = PhysicalMemory()) {
    self.memory = memory
    cpus = [CPU(index: 0)]
    defaultPool = TablePool(base: Self.defaultPoolBase, size: Self.defaultPoolSize)
  }

  /// The current CPU (CPU 0 should `currentCPU` name none).
  public var cpu: CPU { cpus.indices.contains(currentCPU) ? cpus[currentCPU] : cpus[0] }

  /// CPU `index`, or nil when there is no such CPU.
  public func cpu(at index: Int) -> CPU? { cpus.indices.contains(index) ? cpus[index] : nil }

  /// The CPUs that take part in broadcast maintenance, in index order.
  public var onlineCPUs: [CPU] { cpus.filter(\.online) }

  /// Adds CPUs up to `count`, each in the reset state with an empty TLB.
  public func addCPUs(upTo count: Int) {
    while cpus.count < count {
      let c = CPU(index: cpus.count)
      c.reset(
        features: cpus[0].registers.features, implementation: cpus[0].registers.implementation)
      cpus.append(c)
    }
  }

  /// `cpu N offline` / `cpu N online`. Going offline drops the CPU's TLB and the maintenance
  /// it had not completed; coming online resets it (default registers, EL1, an empty TLB), as
  /// a CPU brought up by PSCI starts. Onlining an online CPU changes nothing. Returns false
  /// when there is no such CPU.
  @discardableResult
  public func setOnline(_ index: Int, _ online: Bool) -> Bool {
    guard let c = cpu(at: index) else { return false }
    guard c.online != online else { return true }
    if online {
      c.reset(features: cpu.registers.features, implementation: cpu.registers.implementation)
    } else {
      c.tlb.removeAll()
      c.pendingTLBIs = []
    }
    c.online = online
    return true
  }

  public func addSpace(_ s: AddressSpace) {
    if spaces[s.name] == nil { spaceOrder.append(s.name) }
    spaces[s.name] = s
  }

  public func space(named name: String) -> AddressSpace? { spaces[name] }

  /// The VMID current for EL1&0 and stage-2 entries: VTTBR_EL2.VMID (8 bits unless VTCR.VS
  /// with 16-bit VMIDs).
  public func vmid(_ c: CPU) -> UInt64 { Self.vmid(c.registers) }

  static func vmid(_ r: RegisterFile) -> UInt64 {
    let v = bitField(r[.vttbr_el2], 63, 48)
    return r[.vtcr_el2] & bit(19) != 0 && r.features.vmid16 ? v : v & 0xff
  }

  /// The ASID a lookup in `regime` uses (TCR.A1 selects the TTBR; TCR.AS 8 or 16 bits).
  public func asid(_ c: CPU, regime: Regime) -> UInt64 { Self.asid(c.registers, regime: regime) }

  static func asid(_ r: RegisterFile, regime: Regime) -> UInt64 {
    let tcr: UInt64
    let t0: UInt64
    let t1: UInt64
    switch regime {
    case .el10: (tcr, t0, t1) = (r[.tcr_el1], r[.ttbr0_el1], r[.ttbr1_el1])
    case .el20: (tcr, t0, t1) = (r[.tcr_el2], r[.ttbr0_el2], r[.ttbr1_el2])
    default: return 0
    }
    return Self.asidWidth(bitField(tcr & bit(22) != 0 ? t1 : t0, 63, 48), tcr: tcr, r.features)
  }

  /// An ASID as TCR.AS says it is compared: 16 bits with AS=1 and 16-bit ASIDs, else 8.
  static func asidWidth(_ a: UInt64, tcr: UInt64, _ f: Features) -> UInt64 {
    tcr & bit(36) != 0 && f.asid16 ? a & 0xffff : a & 0xff
  }

  // MARK: Accesses

  /// An access by CPU `c`: the TLB first, then the tables (through the walk caches), filling
  /// the TLB on a miss as hardware does. `useTLB: false` walks the tables alone and fills
  /// nothing (`walk notlb`).
  ///
  /// The two hot cases stay here, short: a walk of the tables alone, and a hit the CPU's hit
  /// plan answers (`TLBHitPlan`). Everything else is a call away (`accessTheLongWay`), so that
  /// its frame and registers are not paid for by every hit.
  public func access(
    cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType,
    trace: Bool = false, useTLB: Bool = true
  ) -> AccessResult {
    if !trace {
      if !useTLB { return directAccess(c, context, address, access) }
      // A hit the plan answers: an entry whose rights are known to allow the access. Its
      // translation is read in place, not copied with the rest of the entry. Strict
      // barriers' warnings go the long way.
      if !options.strictBarriers, let slot = planSlot(c, context, access, address) {
        let e = c.tlb.leaves.entries + slot
        let t = cachedTranslation(
          e.pointee.translation, sizeBits: e.pointee.sizeBits, address: address)
        return AccessResult(hit: address, access: access, outcome: .translated(t), warnings: nil)
      }
    }
    return accessTheLongWay(c, context, address, access, trace: trace, useTLB: useTLB)
  }

  @inline(never)
  private func accessTheLongWay(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType, trace: Bool,
    useTLB: Bool
  ) -> AccessResult {
    // Without the TLB, only a traced walk comes here (`access` made the untraced one).
    guard useTLB else {
      let walk = Walker.walk(
        memory: memory, registers: c.registers, context: context, address: address,
        access: access, trace: trace, setupMemo: setupMemo)
      return AccessResult(notUsed: walk)
    }
    if trace { return cachedAccess(c, context, address, access, trace: true, mode: .access) }
    return unplannedHit(c, context, address, access)
  }

  /// A hit the plan declined, answered when exactly one entry matches and it provably agrees
  /// with the tables, so that no walk is made. Anything else goes the long way.
  private func unplannedHit(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType
  ) -> AccessResult {
    guard let tags = lookupTags(c, context, address, access) else {
      return cachedAccess(c, context, address, access, trace: false, mode: .access)
    }
    guard
      let slot = c.tlb.onlyMatch(group: tags.group, asid: tags.asid, address: tags.key),
      isCurrent(slot: slot, c)
    else {
      return cachedAccess(c, context, address, access, trace: false, mode: .access)
    }
    let e = c.tlb.leaves.entries[slot]
    // The plan reads the twelve kinds' rights from the slot: learnt at an entry's first hit.
    learnRights(slot: slot, c)
    let cached = cachedOutcome(e, address: address, access: access, context: context, cpu: c)
    guard !needsDirtyUpdate(e, cached) else {
      return cachedAccess(c, context, address, access, trace: false, mode: .access)
    }
    guard options.strictBarriers else {
      return AccessResult(hit: address, access: access, outcome: cached, warnings: nil)
    }
    return AccessResult(
      hit: address, access: access, outcome: cached, warnings: barrierWarnings(c))
  }

  /// What an access would get, changing nothing: no fills, no hardware updates, no entry
  /// dropped (`assert tlb`).
  public func probe(
    cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType = .read,
    trace: Bool = false
  ) -> AccessResult {
    cachedAccess(c, context, address, access, trace: trace, mode: .probe)
  }

  /// `tlb fill`: always walks (through the walk caches) and inserts what the walk found, even
  /// when entries for the address exist (an entry of another size then conflicts with it).
  public func fillTLB(
    cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType = .read,
    trace: Bool = false
  ) -> AccessResult {
    cachedAccess(c, context, address, access, trace: trace, mode: .fill)
  }

  /// An untraced walk of the tables alone: the direct walker, nothing recorded.
  @inline(always)
  private func directAccess(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType
  ) -> AccessResult {
    var reads = 0
    let outcome = Walker.translateDirect(
      memory: memory, registers: c.registers, setupMemo: setupMemo, context, address, access,
      hardwareUpdates: true, reads: &reads)
    return AccessResult(notUsed: outcome, address: address, access: access, accesses: reads)
  }

  enum AccessMode { case access, probe, fill, speculate }

  func cachedAccess(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType, trace: Bool,
    mode: AccessMode
  ) -> AccessResult {
    guard let tags = lookupTags(c, context, address, access) else {
      // MMU off, or an EL0 access E0PD denies whatever the TLB holds: no TLB is involved.
      let walk = Walker.walk(
        memory: memory, registers: c.registers, context: context, address: address,
        access: access, trace: trace)
      return AccessResult(
        tlb: .notUsed, walk: walk, outcome: walk.outcome, accesses: walk.accesses)
    }
    let warnings = options.strictBarriers ? barrierWarnings(c) : []
    if mode == .access || mode == .probe {
      let m = c.tlb.lookup(group: tags.group, asid: tags.asid, address: tags.key)
      if m.count > 1 {
        return conflict(c, context, address, access, tags, trace: trace, warnings: warnings)
      }
      if m.count == 1, let e = c.tlb.entry(m.first) {
        let cached = cachedOutcome(e, address: address, access: access, context: context, cpu: c)
        if !needsDirtyUpdate(e, cached) {
          return hit(
            c, e, slot: m.first, cached, context, address, access, tags, trace: trace,
            mode: mode, warnings: warnings)
        }
        // A write to a writable-clean (DBM) entry: hardware walks again to set the dirty
        // state, so the read-only entry does not answer.
        if mode == .access { c.tlb.removeEntries { $0 == e } }
      }
    }
    return miss(c, context, address, access, tags, trace: trace, mode: mode, warnings: warnings)
  }

  func hit(
    _ c: CPU, _ e: TLBEntry, slot: Int, _ cached: WalkOutcome, _ context: AccessContext,
    _ address: UInt64, _ access: AccessType, _ tags: LookupTags, trace: Bool, mode: AccessMode,
    warnings: [ModelWarning]
  ) -> AccessResult {
    if !trace && isCurrent(slot: slot, c) {
      let walk = WalkResult(
        inputAddress: address, access: access, outcome: cached, steps: [], accesses: 0)
      return AccessResult(
        tlb: .hit, walk: walk, outcome: cached, accesses: 0, warnings: warnings)
    }
    if !trace && mode == .access,
      let again = rechecked(c, e, cached, context, address, access, tags)
    {
      // Provably current under the registers now in force: later hits need no walk.
      c.tlb.insert(again.entry, path: again.path, leaf: nil, verified: memory.generation)
      return AccessResult(
        tlb: .hit, walk: again.walk, outcome: cached, accesses: 0, warnings: warnings)
    }
    let now = compareWalk(c, context, address, access, trace: trace)
    let status: TLBStatus =
      sameTranslation(cached, now.outcome) ? .hit : .stale(current: now.outcome)
    return AccessResult(
      tlb: status, walk: now, outcome: cached, accesses: 0, warnings: warnings)
  }

  func conflict(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType,
    _ tags: LookupTags, trace: Bool, warnings: [ModelWarning]
  ) -> AccessResult {
    let found = c.tlb.matching(
      regime: context.regime, stage: tags.stage, vmid: tags.vmid, asid: tags.asid,
      address: tags.key)
    let s2 = context.regime == .stage2
    let f = Fault(
      .tlbConflict, level: 0, stage: s2 ? 2 : 1, ipa: s2 ? address : nil,
      write: access == .write)
    return AccessResult(
      tlb: .conflict(entries: found.count),
      walk: compareWalk(c, context, address, access, trace: trace), outcome: .faulted(f),
      accesses: 0, conflicting: found, warnings: warnings)
  }

  func miss(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType,
    _ tags: LookupTags, trace: Bool, mode: AccessMode, warnings: [ModelWarning]
  ) -> AccessResult {
    let fills = mode != .probe
    var w = Walker(memory: memory, registers: c.registers, trace: trace)
    w.setupMemo = setupMemo
    let session = WalkSession(
      tlb: c.tlb, vmid: vmid(c), asid: asid(c, regime: context.regime),
      stamp: c.registerGeneration, speculative: mode == .speculate, fills: fills)
    w.session = session
    w.hardwareUpdates = mode == .access || mode == .fill
    var steps: [WalkStep] = []
    let outcome = w.translate(context, address, access, steps: &steps)
    let walk = WalkResult(
      inputAddress: address, access: access, outcome: outcome, steps: steps,
      accesses: w.accesses)
    var r = AccessResult(
      tlb: .miss, walk: walk, outcome: outcome, accesses: w.accesses,
      walkCacheUsed: session.walkCacheUsed, warnings: warnings)
    if !session.conflicts.isEmpty {
      r.tlb = .conflict(entries: session.conflicts.count)
      r.conflicting = session.conflicts
      return r
    }
    // Stage-2 regime walks filled their stage-2 entry in the walker.
    if fills, context.regime != .stage2, case .translated(let t) = outcome {
      // Speculation keeps what is cached: an old translation may stay beside a new one.
      c.tlb.insert(
        makeEntry(
          t, context: context, tags: tags, granule: w.stage1Granule,
          stamp: c.registerGeneration, speculative: mode == .speculate),
        path: session.path, leaf: nil,
        // The path was read (and updated) by this very walk unless cached state supplied part
        // of it: then it is checked at the first hit.
        verified: session.usedCache ? .max : memory.generation, replace: mode != .speculate)
    }
    if session.usedCache {
      let now = compareWalk(c, context, address, access, trace: false)
      if !sameTranslation(outcome, now.outcome) { r.tlb = .stale(current: now.outcome) }
    }
    return r
  }

  /// A walk of the tables alone that changes nothing: what the tables say now.
  func compareWalk(
    _ c: CPU, _ context: AccessContext, _ address: UInt64, _ access: AccessType, trace: Bool
  ) -> WalkResult {
    var w = Walker(memory: memory, registers: c.registers, trace: trace)
    w.setupMemo = setupMemo
    w.hardwareUpdates = false
    var steps: [WalkStep] = []
    let outcome = w.translate(context, address, access, steps: &steps)
    return WalkResult(
      inputAddress: address, access: access, outcome: outcome, steps: steps,
      accesses: w.accesses)
  }
}
