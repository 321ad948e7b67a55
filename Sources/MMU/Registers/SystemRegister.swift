/// The system registers the model implements. Each CPU holds one value per register; the
/// walker derives everything (geometry, attributes, permissions) from these values on every
/// walk, so nothing is stored twice. Cases carry the architectural names (`tcr_el1`), as
/// scripts, the Arm ARM and kernel sources spell them.
// swift-format-ignore: AlwaysUseLowerCamelCase
public enum SystemRegister: Int, Sendable, CaseIterable, CustomStringConvertible {
  case tcr_el1, tcr_el2, vtcr_el2
  case ttbr0_el1, ttbr1_el1, ttbr0_el2, ttbr1_el2, vttbr_el2
  case mair_el1, mair_el2
  case sctlr_el1, sctlr_el2
  case hcr_el2
  case par_el1
  case id_aa64mmfr0_el1, id_aa64mmfr1_el1, id_aa64mmfr2_el1

  /// The register's name as scripts write it (`tcr_el1`).
  public var name: String { Self.names[rawValue] }
  public var description: String { name }
  static let names = [
    "tcr_el1", "tcr_el2", "vtcr_el2", "ttbr0_el1", "ttbr1_el1", "ttbr0_el2", "ttbr1_el2",
    "vttbr_el2", "mair_el1", "mair_el2", "sctlr_el1", "sctlr_el2", "hcr_el2", "par_el1",
    "id_aa64mmfr0_el1", "id_aa64mmfr1_el1", "id_aa64mmfr2_el1",
  ]

  public init?(name: String) {
    guard let r = SystemRegister.allCases.first(where: { $0.name == name.lowercased() }) else {
      return nil
    }
    self = r
  }

  /// ID registers are read-only to software; `set` may still change them to describe
  /// another implementation, which is how features are turned on and off.
  public var isIDRegister: Bool {
    switch self {
    case .id_aa64mmfr0_el1, .id_aa64mmfr1_el1, .id_aa64mmfr2_el1: true
    default: false
    }
  }
}
