/// One processing element: its exception level, system registers and TLB.
public final class CPU {
  public let index: Int
  public var registers = RegisterFile()
  /// The current exception level, 0...2.
  public var el = 1
  public var online = true
  public var tlb = TLB()

  public init(index: Int) { self.index = index }

  /// Back to the reset state: default registers, EL1, an empty TLB (as a CPU brought online).
  public func reset(features: Features? = nil) {
    registers = RegisterFile()
    if let features {
      registers[.id_aa64mmfr0_el1] = features.mmfr0
      registers[.id_aa64mmfr1_el1] = features.mmfr1
      registers[.id_aa64mmfr2_el1] = features.mmfr2
    }
    el = 1
    tlb = TLB()
  }

  /// The regime and stage-2 use of an access at `el` (§2.3): EL2 is EL2&0 with E2H, EL0 joins
  /// EL2&0 when E2H and TGE are both set, and EL1&0 accesses go through stage 2 when
  /// HCR_EL2.VM is set.
  public func context(el: Int) -> AccessContext {
    let r = registers
    switch el {
    case 2: return AccessContext(regime: r.e2h ? .el20 : .el2)
    case 0 where r.e2h && r.tge: return AccessContext(regime: .el20, unprivileged: true)
    default:
      return AccessContext(regime: .el10, unprivileged: el == 0, stage2: r.stage2Enabled)
    }
  }
}
