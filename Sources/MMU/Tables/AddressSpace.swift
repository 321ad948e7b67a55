/// A named tree of real descriptors in simulated memory: a root table with the shape and
/// descriptor format of its regime. A space records only the shape it was built for; the
/// registers that walk it (after `switch`) may disagree, and that is the user's bug to see.
public final class AddressSpace {
  public let name: String
  public let regime: Regime
  public let geometry: Geometry
  /// The root (start-level) table: a PA, or an IPA when `via` is set.
  public let root: UInt64
  public let pool: TablePool
  /// For a guest's stage-1 space: the stage-2 space that maps its table IPAs to PAs.
  public let via: AddressSpace?
  /// Output size the space's descriptors are checked against when walked by software.
  public let outputBits: Int
  /// The implementation's PAMax when the space was made (block rules for 64K L1).
  public let paMax: Int
  /// For two-range regimes: which half (TTBR1 when true); nil until the first `map` decides.
  public internal(set) var upper: Bool?

  public init(
    name: String, regime: Regime, geometry: Geometry, root: UInt64, pool: TablePool,
    via: AddressSpace?, outputBits: Int, paMax: Int, upper: Bool?
  ) {
    self.name = name
    self.regime = regime
    self.geometry = geometry
    self.root = root
    self.pool = pool
    self.via = via
    self.outputBits = outputBits
    self.paMax = paMax
    self.upper = upper
  }

  public var format: DescriptorFormat { DescriptorFormat(regime: regime) }
  public var granule: Granule { geometry.granule }
  public var tableBytes: UInt64 { granule.size }

  /// The input addresses the space can hold: [0, 2^IA) or, for the upper half, the top 2^IA.
  public func inputRange(upper: Bool) -> ClosedRange<UInt64> {
    let span = lowMask(geometry.inputBits)
    return upper ? (~span)...UInt64.max : 0...span
  }

  /// The half an input address belongs to, or nil if it lies in neither range.
  public func half(of address: UInt64) -> Bool? {
    if inputRange(upper: false).contains(address) { return false }
    if regime.hasTwoRanges && inputRange(upper: true).contains(address) { return true }
    return nil
  }

  /// A walk setup that walks this space by software: its own geometry and root, no registers.
  public func softwareSetup(hardwareAF: Bool = false) -> StageSetup {
    StageSetup(
      regime: regime, geometry: geometry, tableBase: root, outputBits: outputBits,
      upperRange: upper ?? false, hpd: false, hardwareAF: hardwareAF, hardwareDirty: false,
      wxn: false, mair: RegisterDefaults.mair, tcrShareability: 3, asid: 0, paMax: paMax,
      xnx: true)
  }

  /// The PA of a table address of this space (identity unless the space lives `via` stage 2).
  public func tablePA(_ address: UInt64, memory: PhysicalMemory) -> UInt64? {
    guard let via else { return address }
    return via.softwareTranslate(address, memory: memory)?.pa
  }

  /// A software walk of this space alone: no registers, no TLB, no hardware updates.
  public func softwareTranslate(_ address: UInt64, memory: PhysicalMemory) -> Translation? {
    softwareWalk(address, memory: memory, trace: false).outcome.translation
  }

  public func softwareWalk(_ address: UInt64, memory: PhysicalMemory, trace: Bool) -> WalkResult {
    var w = Walker(memory: memory, registers: RegisterFile(), trace: trace)
    w.stage2Space = via
    var steps: [WalkStep] = []
    var setup = softwareSetup()
    setup.upperRange = half(of: address) ?? false
    let outcome: WalkOutcome
    if half(of: address) == nil {
      outcome = .faulted(
        Fault(
          .translation, level: 0, stage: regime.isStage2 ? 2 : 1,
          ipa: regime.isStage2 ? address : nil))
    } else {
      switch w.walkTables(
        setup, input: address, access: .read, unprivileged: false, nested: via != nil,
        s1ptw: false, steps: &steps, checkPermissions: false)
      {
      case .failure(let f): outcome = .faulted(f)
      case .success(let leaf):
        outcome = .translated(Walker.translation(from: leaf, input: address, regime: regime))
      }
    }
    return WalkResult(
      inputAddress: address, access: .read, outcome: outcome, steps: steps, accesses: w.accesses)
  }
}
