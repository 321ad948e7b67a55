/// Switches of the model itself (not of the architecture): policies the architecture leaves
/// open, and checks that help users.
public struct ModelOptions: Sendable, Equatable {
  /// Also cache translations the tables allowed that no access asked for (speculation).
  public var tlbSpeculative = false
  /// Warn when a walk follows a TLBI that no DSB completed.
  public var strictBarriers = false
  /// Warn when a live descriptor is changed without break-before-make.
  public var bbmCheck = true
  public init() {}
}

/// What an access got: the TLB's answer, the table walk (when one was made), and the outcome
/// the access sees.
public struct AccessResult: Sendable, Equatable {
  public var tlb: TLBStatus
  /// The walk of the tables (always made, to compare with a hit; `steps` when traced).
  public var walk: WalkResult
  /// What the access gets: from the TLB on a hit, from the walk on a miss.
  public var outcome: WalkOutcome
}

/// The machine: CPUs, sparse physical memory, named address spaces and the default pool.
public final class Machine {
  public let memory: PhysicalMemory
  public private(set) var cpus: [CPU]
  public var currentCPU = 0
  public var options = ModelOptions()
  /// Spaces by name, and their creation order (for deterministic listings).
  public internal(set) var spaces: [String: AddressSpace] = [:]
  public internal(set) var spaceOrder: [String] = []
  public var defaultPool: TablePool

  public static let defaultPoolBase: UInt64 = 0xe000_0000
  public static let defaultPoolSize: UInt64 = 512 << 20

  public init(memory: PhysicalMemory = PhysicalMemory()) {
    self.memory = memory
    cpus = [CPU(index: 0)]
    defaultPool = TablePool(base: Self.defaultPoolBase, size: Self.defaultPoolSize)
  }

  public var cpu: CPU { cpus[currentCPU] }

  /// Adds CPUs up to `count`, each in the reset state.
  public func addCPUs(upTo count: Int) {
    while cpus.count < count {
      let c = CPU(index: cpus.count)
      c.reset(features: cpus[0].registers.features)
      cpus.append(c)
    }
  }

  public func addSpace(_ s: AddressSpace) {
    if spaces[s.name] == nil { spaceOrder.append(s.name) }
    spaces[s.name] = s
  }

  public func space(named name: String) -> AddressSpace? { spaces[name] }

  /// The VMID current for EL1&0 and stage-2 entries: VTTBR_EL2.VMID (8 bits unless VTCR.VS
  /// with 16-bit VMIDs).
  public func vmid(_ c: CPU) -> UInt64 {
    let r = c.registers
    let v = bitField(r[.vttbr_el2], 63, 48)
    return r[.vtcr_el2] & bit(19) != 0 && r.features.vmid16 ? v : v & 0xff
  }

  /// The ASID a lookup in `regime` uses (TCR.A1 selects the TTBR; TCR.AS 8 or 16 bits).
  public func asid(_ c: CPU, regime: Regime) -> UInt64 {
    let r = c.registers
    let tcr: UInt64
    let t0: UInt64
    let t1: UInt64
    switch regime {
    case .el10: (tcr, t0, t1) = (r[.tcr_el1], r[.ttbr0_el1], r[.ttbr1_el1])
    case .el20: (tcr, t0, t1) = (r[.tcr_el2], r[.ttbr0_el2], r[.ttbr1_el2])
    default: return 0
    }
    let a = bitField(tcr & bit(22) != 0 ? t1 : t0, 63, 48)
    return tcr & bit(36) != 0 && r.features.asid16 ? a : a & 0xff
  }

  /// An access by CPU `c`: the TLB first, then the tables, filling the TLB on a miss.
  public func access(
    cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType,
    trace: Bool = false, useTLB: Bool = true
  ) -> AccessResult {
    let walk = Walker.walk(
      memory: memory, registers: c.registers, context: context, address: address,
      access: access, trace: trace)
    guard useTLB else { return AccessResult(tlb: .notUsed, walk: walk, outcome: walk.outcome) }
    let vmid: UInt64? = context.regime == .el10 || context.regime == .stage2 ? vmid(c) : nil
    let asid = asid(c, regime: context.regime)
    let found = c.tlb.matches(regime: context.regime, vmid: vmid, asid: asid, address: address)
      .filter { $0.combined == context.stage2 || context.regime == .stage2 }
    if found.count > 1 {
      let f = Fault(.tlbConflict, level: 0, write: access == .write)
      return AccessResult(tlb: .conflict(entries: found.count), walk: walk, outcome: .faulted(f))
    }
    if let e = found.first {
      let cached = cachedOutcome(e, address: address, access: access, context: context)
      let status: TLBStatus =
        sameTranslation(cached, walk.outcome) ? .hit : .stale(current: walk.outcome)
      return AccessResult(tlb: status, walk: walk, outcome: cached)
    }
    if case .translated(let t) = walk.outcome {
      c.tlb.insert(entry(for: t, context: context, vmid: vmid, asid: asid))
    }
    return AccessResult(tlb: .miss, walk: walk, outcome: walk.outcome)
  }

  /// The TLB entry a successful translation fills.
  public func entry(for t: Translation, context: AccessContext, vmid: UInt64?, asid: UInt64)
    -> TLBEntry
  {
    let bits = t.mappingBits
    return TLBEntry(
      regime: context.regime, vmid: vmid, asid: t.global ? nil : asid,
      inputBase: t.inputAddress & ~lowMask(bits), sizeBits: bits,
      combined: context.stage2, translation: t)
  }

  /// What a cached entry gives an access: its translation at this address, or a Permission
  /// fault from the cached rights (permission faults can come from TLB entries).
  func cachedOutcome(_ e: TLBEntry, address: UInt64, access: AccessType, context: AccessContext)
    -> WalkOutcome
  {
    var t = e.translation
    let offset = address & lowMask(e.sizeBits)
    t.pa = (t.pa & ~lowMask(e.sizeBits)) | offset
    if let ipa = t.ipa { t.ipa = (ipa & ~lowMask(t.blockBits)) | (address & lowMask(t.blockBits)) }
    t.inputAddress = address
    let unpriv = context.unprivileged && (context.regime.hasTwoRanges || context.regime == .stage2)
    if let p1 = t.stage1Permissions, !p1.allows(access, unprivileged: unpriv) {
      return .faulted(Fault(.permission, level: t.level, stage: 1, write: access == .write))
    }
    if let p2 = t.stage2Permissions, !p2.allows(access, unprivileged: context.unprivileged) {
      return .faulted(
        Fault(
          .permission, level: t.stage2Level ?? t.level, stage: 2, ipa: t.ipa ?? address,
          write: access == .write))
    }
    return .translated(t)
  }

  func sameTranslation(_ a: WalkOutcome, _ b: WalkOutcome) -> Bool {
    switch (a, b) {
    case (.translated(let x), .translated(let y)):
      return x.pa == y.pa && x.attributes == y.attributes && x.permissions == y.permissions
    case (.faulted(let x), .faulted(let y)): return x == y
    default: return false
    }
  }
}
