/// A feature as `set feature NAME on|off|N` names it: which ID-register field it lives in and
/// what `on` writes there.
public struct FeatureSwitch: Sendable {
  public let name: String
  public let register: SystemRegister
  public let hi: Int
  public let lo: Int
  public let onValue: UInt64
  public let offValue: UInt64
  public let summary: String

  public static let all: [FeatureSwitch] = [
    .init(
      name: "lpa", register: .id_aa64mmfr0_el1, hi: 3, lo: 0, onValue: 6, offValue: 5,
      summary: "52-bit PA (PARange; N sets the PARange encoding)"),
    .init(
      name: "parange", register: .id_aa64mmfr0_el1, hi: 3, lo: 0, onValue: 6, offValue: 5,
      summary: "PARange encoding 0..6"),
    .init(
      name: "lpa2", register: .id_aa64mmfr0_el1, hi: 31, lo: 20, onValue: 0x102, offValue: 0x001,
      summary: "LPA2 for 4K and 16K (TGran4=1, TGran16=2)"),
    .init(
      name: "lva", register: .id_aa64mmfr2_el1, hi: 19, lo: 16, onValue: 1, offValue: 0,
      summary: "52-bit VA with 64K pages"),
    .init(
      name: "ttst", register: .id_aa64mmfr2_el1, hi: 31, lo: 28, onValue: 1, offValue: 0,
      summary: "small translation tables"),
    .init(
      name: "hafdbs", register: .id_aa64mmfr1_el1, hi: 3, lo: 0, onValue: 2, offValue: 0,
      summary: "hardware AF (1) and dirty state (2)"),
    .init(
      name: "xnx", register: .id_aa64mmfr1_el1, hi: 31, lo: 28, onValue: 1, offValue: 0,
      summary: "stage-2 XN[1:0] per EL"),
    .init(
      name: "vmid16", register: .id_aa64mmfr1_el1, hi: 7, lo: 4, onValue: 2, offValue: 0,
      summary: "16-bit VMIDs"),
    .init(
      name: "asid16", register: .id_aa64mmfr0_el1, hi: 7, lo: 4, onValue: 2, offValue: 0,
      summary: "16-bit ASIDs"),
    .init(
      name: "pan", register: .id_aa64mmfr1_el1, hi: 23, lo: 20, onValue: 3, offValue: 0,
      summary: "PAN (1), PAN2 (2), PAN3 (3)"),
    .init(
      name: "vhe", register: .id_aa64mmfr1_el1, hi: 11, lo: 8, onValue: 1, offValue: 0,
      summary: "Virtualization Host Extensions"),
    .init(
      name: "hpds", register: .id_aa64mmfr1_el1, hi: 15, lo: 12, onValue: 1, offValue: 0,
      summary: "hierarchical permission disables"),
    .init(
      name: "bbm", register: .id_aa64mmfr2_el1, hi: 55, lo: 52, onValue: 2, offValue: 0,
      summary: "break-before-make level 0..2"),
    .init(
      name: "e0pd", register: .id_aa64mmfr2_el1, hi: 63, lo: 60, onValue: 1, offValue: 0,
      summary: "E0PD"),
  ]

  public static func named(_ name: String) -> FeatureSwitch? {
    all.first { $0.name == name.lowercased() }
  }
}
