/// Field layouts of the modelled registers (Arm ARM register descriptions; architecture.md §5.1,
/// §2.10).
extension SystemRegister {
  /// TCR_EL1, and TCR_EL2 when HCR_EL2.E2H=1 (VHE uses the EL1 layout).
  static let tcrEL1Layout: [RegisterField] = [
    .init("t0sz", 5, 0), .init("epd0", 7, 7), .init("irgn0", 9, 8), .init("orgn0", 11, 10),
    .init("sh0", 13, 12), .init("tg0", 15, 14), .init("t1sz", 21, 16), .init("a1", 22, 22),
    .init("epd1", 23, 23), .init("irgn1", 25, 24), .init("orgn1", 27, 26), .init("sh1", 29, 28),
    .init("tg1", 31, 30), .init("ips", 34, 32), .init("as", 36, 36), .init("tbi0", 37, 37),
    .init("tbi1", 38, 38), .init("ha", 39, 39), .init("hd", 40, 40), .init("hpd0", 41, 41),
    .init("hpd1", 42, 42), .init("tbid0", 51, 51), .init("tbid1", 52, 52),
    .init("e0pd0", 55, 55), .init("e0pd1", 56, 56), .init("ds", 59, 59),
  ]
  /// TCR_EL2 when HCR_EL2.E2H=0: one range, PS at [18:16].
  static let tcrEL2Layout: [RegisterField] = [
    .init("t0sz", 5, 0), .init("irgn0", 9, 8), .init("orgn0", 11, 10), .init("sh0", 13, 12),
    .init("tg0", 15, 14), .init("ps", 18, 16), .init("tbi", 20, 20), .init("ha", 21, 21),
    .init("hd", 22, 22), .init("hpd", 24, 24), .init("tbid", 29, 29), .init("ds", 32, 32),
  ]
  static let vtcrLayout: [RegisterField] = [
    .init("t0sz", 5, 0), .init("sl0", 7, 6), .init("irgn0", 9, 8), .init("orgn0", 11, 10),
    .init("sh0", 13, 12), .init("tg0", 15, 14), .init("ps", 18, 16), .init("vs", 19, 19),
    .init("ha", 21, 21), .init("hd", 22, 22), .init("ds", 32, 32), .init("sl2", 33, 33),
  ]
  static let ttbrLayout: [RegisterField] = [
    .init("cnp", 0, 0), .init("baddr", 47, 1), .init("asid", 63, 48),
  ]
  static let vttbrLayout: [RegisterField] = [
    .init("cnp", 0, 0), .init("baddr", 47, 1), .init("vmid", 63, 48),
  ]
  static let sctlrLayout: [RegisterField] = [
    .init("m", 0, 0), .init("a", 1, 1), .init("c", 2, 2), .init("i", 12, 12),
    .init("wxn", 19, 19), .init("span", 23, 23), .init("epan", 57, 57),
  ]
  static let hcrLayout: [RegisterField] = [
    .init("vm", 0, 0), .init("ptw", 2, 2), .init("dc", 12, 12), .init("cd", 32, 32),
    .init("fb", 9, 9), .init("tge", 27, 27), .init("e2h", 34, 34), .init("fwb", 46, 46),
    .init("dct", 57, 57),
  ]
  static let mairLayout: [RegisterField] = (0..<8).map { .init("attr\($0)", 8 * $0 + 7, 8 * $0) }
  static let parLayout: [RegisterField] = [
    .init("f", 0, 0), .init("fst", 6, 1), .init("sh", 8, 7), .init("ptw", 8, 8),
    .init("s", 9, 9), .init("ns", 9, 9), .init("pa", 51, 12), .init("attr", 63, 56),
  ]
  static let mmfr0Layout: [RegisterField] = [
    .init("parange", 3, 0), .init("asidbits", 7, 4), .init("tgran16", 23, 20),
    .init("tgran64", 27, 24), .init("tgran4", 31, 28), .init("tgran16_2", 35, 32),
    .init("tgran64_2", 39, 36), .init("tgran4_2", 43, 40),
  ]
  static let mmfr1Layout: [RegisterField] = [
    .init("hafdbs", 3, 0), .init("vmidbits", 7, 4), .init("vh", 11, 8), .init("hpds", 15, 12),
    .init("pan", 23, 20), .init("xnx", 31, 28),
  ]
  static let mmfr2Layout: [RegisterField] = [
    .init("cnp", 3, 0), .init("uao", 7, 4), .init("varange", 19, 16), .init("st", 31, 28),
    .init("ttl", 51, 48), .init("bbm", 55, 52), .init("e0pd", 63, 60),
  ]

  /// The fields of this register. TCR_EL2 has two layouts; `vhe` picks the one in force.
  public func fields(vhe: Bool = false) -> [RegisterField] {
    switch self {
    case .tcr_el1: Self.tcrEL1Layout
    case .tcr_el2: vhe ? Self.tcrEL1Layout : Self.tcrEL2Layout
    case .vtcr_el2: Self.vtcrLayout
    case .ttbr0_el1, .ttbr1_el1, .ttbr0_el2, .ttbr1_el2: Self.ttbrLayout
    case .vttbr_el2: Self.vttbrLayout
    case .mair_el1, .mair_el2: Self.mairLayout
    case .sctlr_el1, .sctlr_el2: Self.sctlrLayout
    case .hcr_el2: Self.hcrLayout
    case .par_el1: Self.parLayout
    case .id_aa64mmfr0_el1: Self.mmfr0Layout
    case .id_aa64mmfr1_el1: Self.mmfr1Layout
    case .id_aa64mmfr2_el1: Self.mmfr2Layout
    }
  }

  /// Looks a field up by name in the layout in force, then in the other TCR_EL2 layout.
  public func field(named name: String, vhe: Bool = false) -> RegisterField? {
    let lower = name.lowercased()
    if let f = fields(vhe: vhe).first(where: { $0.name == lower }) { return f }
    if self == .tcr_el2 { return fields(vhe: !vhe).first(where: { $0.name == lower }) }
    return nil
  }
}
