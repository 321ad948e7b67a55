extension Machine {
  /// Input sizes a granule allows (architecture.md §2.4): 25...48 (16/17 with TTST), up to 52 with
  /// LPA2 (4K, 16K with DS) or LVA (64K).
  public static func allowedInputBits(granule: Granule, ds: Bool, features f: Features)
    -> ClosedRange<
      Int
    >
  {
    let minIA = f.ttst ? (granule == .k64 ? 17 : 16) : 25
    let maxIA = (ds || (granule == .k64 && f.lva)) ? 52 : 48
    return minIA...maxIA
  }

  /// Makes a space: a zeroed root table from its pool, with the shape asked for.
  public func createSpace(_ req: SpaceRequest, cpu c: CPU) throws(SpaceError) -> AddressSpace {
    guard spaces[req.name] == nil else { throw .duplicate(req.name) }
    let r = c.registers
    let f = r.features
    var viaSpace: AddressSpace?
    if let v = req.via {
      guard let s = spaces[v] else { throw .noSuchSpace(v) }
      guard s.regime == .stage2 else { throw .viaNotStage2(v) }
      guard req.regime == .el10 else { throw .viaOnlyForEL1 }
      viaSpace = s
    }
    // Shape from the request, else from the registers of the regime.
    let tcrGranule: Granule
    let tcrBits: Int
    let tcrDS: Bool
    switch req.regime {
    case .el10, .el20:
      let tcr = req.regime == .el10 ? r[.tcr_el1] : r[.tcr_el2]
      if req.upper == true {
        tcrGranule = Granule(tg1: bitField(tcr, 31, 30))
        tcrBits = 64 - Int(bitField(tcr, 21, 16))
      } else {
        tcrGranule = Granule(tg0: bitField(tcr, 15, 14))
        tcrBits = 64 - Int(bitField(tcr, 5, 0))
      }
      tcrDS = tcr & bit(59) != 0
    case .el2:
      let tcr = r[.tcr_el2]
      tcrGranule = Granule(tg0: bitField(tcr, 15, 14))
      tcrBits = 64 - Int(bitField(tcr, 5, 0))
      tcrDS = tcr & bit(32) != 0
    case .stage2:
      let vtcr = r[.vtcr_el2]
      tcrGranule = Granule(tg0: bitField(vtcr, 15, 14))
      tcrBits = 64 - Int(bitField(vtcr, 5, 0))
      tcrDS = vtcr & bit(32) != 0
    }
    let granule = req.granule ?? tcrGranule
    guard f.implements(granule) else { throw .granuleNotImplemented(granule) }
    let bits = req.inputBits ?? tcrBits
    // DS when asked, or when the registers say so, or when the size needs it (4K/16K > 48).
    let ds = granule != .k64 && f.lpa2(granule) && (req.ds ?? (tcrDS || bits > 48))
    let allowed = Self.allowedInputBits(granule: granule, ds: ds, features: f)
    guard allowed.contains(bits) else {
      throw .inputBits(bits, granule: granule, allowed: allowed, stage2: req.regime == .stage2)
    }
    let geometry: Geometry
    if req.regime == .stage2 {
      // The registers' SL0 when they describe this shape, else KVM's choice (architecture.md §5.5).
      let vtcr = r[.vtcr_el2]
      if req.granule == nil || granule == tcrGranule, bits == tcrBits,
        let start = Geometry.stage2StartLevel(
          granule: granule, sl0: bitField(vtcr, 7, 6), sl2: vtcr & bit(33) != 0, ds: ds,
          paMax: f.paMax, ttst: f.ttst),
        Geometry.stage2InputRange(granule: granule, startLevel: start).contains(bits)
      {
        geometry = Geometry(granule: granule, inputBits: bits, startLevel: start, ds: ds)
      } else {
        geometry = Geometry.kvmStage2(granule: granule, ipaBits: bits, ds: ds)
        guard
          Geometry.stage2InputRange(granule: granule, startLevel: geometry.startLevel)
            .contains(bits)
        else { throw .stage2Start(ipaBits: bits, granule: granule) }
      }
    } else {
      geometry = .stage1(granule: granule, inputBits: bits, ds: ds)
    }
    let pool = req.pool.map { TablePool(base: $0.base, size: $0.size) } ?? defaultPool
    // The root is at least one granule, aligned to its size (a stage-2 root of concatenated
    // tables is aligned to their total size).
    let rootBytes = max(geometry.startTableBytes, granule.size)
    let root: UInt64
    if let at = req.root {
      guard at & (rootBytes - 1) == 0 else { throw .rootMisaligned(at, alignment: rootBytes) }
      root = at
    } else {
      do { root = try pool.allocate(bytes: rootBytes) } catch { throw .pool(error) }
    }
    let outputBits = (ds || (granule == .k64 && f.paMax == 52)) ? 52 : 48
    let space = AddressSpace(
      name: req.name, regime: req.regime, geometry: geometry, root: root, pool: pool,
      via: viaSpace, outputBits: outputBits, paMax: f.paMax,
      upper: req.regime.hasTwoRanges ? req.upper : nil)
    guard let rootPA = space.tablePA(root, memory: memory) else { throw .rootNotMapped(root) }
    var off: UInt64 = 0
    while off < rootBytes {
      memory.discardPage(rootPA &+ off)
      off += 4096
    }
    addSpace(space)
    return space
  }

  /// Whether any space exists. A script checks it on every `let` (a variable must not shadow
  /// a space); not inlined into other modules, which would check exclusivity of `spaces`.
  @inline(never)
  public var hasSpaces: Bool { !spaces.isEmpty }

  /// Forgets every space (their tables stay in memory, as tables do when software forgets).
  public func removeAllSpaces() {
    spaces = [:]
    spaceOrder = []
  }

  /// `switch REG SPACE`: writes only the base-address field (and ASID/VMID when given), as an
  /// MSR would; never invalidates. Returns warnings where the space's shape disagrees with the
  /// registers that will walk it.
  public func switchTable(
    _ reg: SystemRegister, to space: AddressSpace, asid: UInt64? = nil, vmid: UInt64? = nil,
    cpu c: CPU
  ) -> [ModelWarning] {
    var v = c.registers[reg] & (bitMask(63, 48) | 1)
    v |= space.root & lowMask(48) & ~1
    // With a 52-bit OA, BADDR[51:48] live in TTBR[5:2].
    v |= bitField(space.root, 51, 48) << 2
    if let asid { v = withBitField(v, 63, 48, asid) }
    if let vmid { v = withBitField(v, 63, 48, vmid) }
    c.registers[reg] = v
    return geometryWarnings(reg, space, cpu: c)
  }

  /// How the registers that walk `reg`'s tables disagree with `space`'s shape.
  public func geometryWarnings(_ reg: SystemRegister, _ space: AddressSpace, cpu c: CPU)
    -> [ModelWarning]
  {
    let r = c.registers
    var regime: Regime
    var upper = false
    switch reg {
    case .ttbr0_el1: regime = .el10
    case .ttbr1_el1:
      regime = .el10
      upper = true
    case .ttbr0_el2: regime = r.e2h ? .el20 : .el2
    case .ttbr1_el2:
      regime = .el20
      upper = true
    case .vttbr_el2: regime = .stage2
    default: return []
    }
    var notes: [GeometryDifference] = []
    if space.regime != regime { notes.append(.regime(space: space.regime, register: regime)) }
    if space.regime.hasTwoRanges, let u = space.upper, u != upper {
      notes.append(.half(spaceUpper: u, registerUpper: upper))
    }
    let probe: UInt64 = upper ? ~0 : 0
    let setup: Result<StageSetup, Fault> =
      regime == .stage2
      ? TranslationSetup.stage2(r, ipa: 0, access: .read)
      : TranslationSetup.stage1(r, regime: regime, va: probe, access: .read)
    switch setup {
    case .failure(let f): notes.append(.unwalkable(f))
    case .success(let s):
      let g = s.geometry
      let own = space.geometry
      if g.granule != space.granule {
        notes.append(.granule(space: space.granule, register: g.granule))
      }
      if g.inputBits != own.inputBits {
        notes.append(.inputBits(space: own.inputBits, register: g.inputBits))
      }
      if g.startLevel != own.startLevel {
        notes.append(.startLevel(space: own.startLevel, register: g.startLevel))
      }
      if g.ds != own.ds { notes.append(.lpa2(space: own.ds, register: g.ds)) }
    }
    guard !notes.isEmpty else { return [] }
    return [ModelWarning(.geometry(register: reg, space: space.name, differences: notes))]
  }
}
