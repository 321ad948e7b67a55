/// One processing element: its exception level, system registers, TLB, and the TLB
/// maintenance it has issued that no DSB has completed yet.
public final class CPU {
  public let index: Int
  /// Writing a register never touches the TLB (architecture.md §10.1: the TLB caches what the
  /// registers selected when it was filled). A write that changes anything but PAR_EL1 starts a new
  /// register generation, which tells a TLB hit whether its entry can still be trusted
  /// without walking the tables again to compare.
  @exclusivity(unchecked) public var registers = RegisterFile() {
    didSet {
      if !Self.sameTranslationRegisters(oldValue, registers) { registerGeneration &+= 1 }
    }
  }
  /// The current exception level, 0...2.
  public var el = 1
  /// PSTATE.PAN (FEAT_PAN): privileged data accesses to EL0-accessible memory fault. Not a
  /// register: TLB entries do not depend on it, every access checks it. Read on every access:
  /// no exclusivity check (as for `registers`).
  @exclusivity(unchecked) public var pan = false
  /// Online CPUs take part in broadcast TLB maintenance; an offline CPU holds nothing.
  public internal(set) var online = true
  public let tlb = TLB()
  /// TLBIs this CPU issued that no DSB has completed (oldest first).
  public internal(set) var pendingTLBIs: [PendingTLBI] = []

  /// Bumped on every register change that can change a translation.
  @exclusivity(unchecked) public private(set) var registerGeneration: UInt64 = 0
  /// What TLB lookups need from the registers, recomputed once per register generation
  /// (`.max` until first derived: no generation reaches it).
  @exclusivity(unchecked) private var controlsCache = TLBControls.none

  /// The register-derived tags and switches of TLB lookups, for the current registers.
  var tlbControls: TLBControls {
    @inline(__always) get {
      if controlsCache.generation == registerGeneration { return controlsCache }
      return refreshControls()
    }
  }

  private func refreshControls() -> TLBControls {
    controlsCache = TLBControls(registers, generation: registerGeneration)
    return controlsCache
  }

  /// Counts resets: a CPU reset since a descriptor's invalid step holds nothing of it, so the
  /// break-before-make check no longer waits for its TLBI.
  var resets = 0

  public init(index: Int) { self.index = index }

  /// Back to the reset state: default registers, EL1, an empty TLB, nothing pending (as a CPU
  /// brought online).
  public func reset(features: Features? = nil, implementation: ImplementationChoices? = nil) {
    var r = RegisterFile()
    if let implementation { r.implementation = implementation }
    if let features {
      r[.id_aa64mmfr0_el1] = features.mmfr0
      r[.id_aa64mmfr1_el1] = features.mmfr1
      r[.id_aa64mmfr2_el1] = features.mmfr2
    }
    registers = r
    registerGeneration &+= 1
    el = 1
    pan = false
    tlb.removeAll()
    pendingTLBIs = []
    resets &+= 1
  }

  /// The regime and stage-2 use of an access at `el` (architecture.md §2.7): EL2 is EL2&0 with E2H,
  /// EL0 joins EL2&0 when E2H and TGE are both set, and EL1&0 accesses go through stage 2 when
  /// HCR_EL2.VM is set.
  public func context(el: Int) -> AccessContext {
    let r = registers
    switch el {
    case 2: return AccessContext(regime: r.e2h ? .el20 : .el2, pan: pan)
    case 0 where r.e2h && r.tge: return AccessContext(regime: .el20, unprivileged: true)
    default:
      return AccessContext(
        regime: .el10, unprivileged: el == 0, stage2: r.stage2Enabled, pan: pan && el != 0)
    }
  }

  /// Whether two register files translate alike: every register but PAR_EL1 equal.
  static func sameTranslationRegisters(_ a: RegisterFile, _ b: RegisterFile) -> Bool {
    for r in SystemRegister.allCases where r != .par_el1 && a[r] != b[r] { return false }
    return true
  }
}
