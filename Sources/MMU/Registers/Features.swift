/// The implementation's features, read from the ID registers (architecture.md §2.10). The walker
/// consults these so that `set feature` changes behaviour exactly where hardware would differ.
public struct Features: Sendable, Equatable {
  public var mmfr0: UInt64
  public var mmfr1: UInt64
  public var mmfr2: UInt64

  public init(mmfr0: UInt64, mmfr1: UInt64, mmfr2: UInt64) {
    self.mmfr0 = mmfr0
    self.mmfr1 = mmfr1
    self.mmfr2 = mmfr2
  }

  /// PAMax in bits from ID_AA64MMFR0_EL1.PARange (reserved values read as 52).
  public var paMax: Int { PhysicalAddressSize.bits(encoding: bitField(mmfr0, 3, 0)) }
  /// FEAT_LPA2 for 4K: TGran4 == 1; for 16K: TGran16 == 2.
  public var lpa2For4K: Bool { bitField(mmfr0, 31, 28) == 1 }
  public var lpa2For16K: Bool { bitField(mmfr0, 23, 20) == 2 }
  public func lpa2(_ g: Granule) -> Bool {
    switch g {
    case .k4: lpa2For4K
    case .k16: lpa2For16K
    case .k64: false
    }
  }
  /// Whether a granule is implemented at stage 1 (TGran4/64: 0xF = no; TGran16: 0 = no).
  public func implements(_ g: Granule) -> Bool {
    switch g {
    case .k4: bitField(mmfr0, 31, 28) != 0xf
    case .k16: bitField(mmfr0, 23, 20) != 0
    case .k64: bitField(mmfr0, 27, 24) != 0xf
    }
  }
  /// FEAT_LVA: 52-bit VAs with 64K pages.
  public var lva: Bool { bitField(mmfr2, 19, 16) == 1 }
  /// FEAT_TTST: small translation tables (TxSZ up to 48, 47 for 64K).
  public var ttst: Bool { bitField(mmfr2, 31, 28) == 1 }
  public var hafdbs: Int { Int(bitField(mmfr1, 3, 0)) }
  public var xnx: Bool { bitField(mmfr1, 31, 28) == 1 }
  public var vmid16: Bool { bitField(mmfr1, 7, 4) == 2 }
  public var asid16: Bool { bitField(mmfr0, 7, 4) == 2 }
  public var hpds: Bool { bitField(mmfr1, 15, 12) >= 1 }
  public var pan: Int { Int(bitField(mmfr1, 23, 20)) }
  public var vhe: Bool { bitField(mmfr1, 11, 8) == 1 }
  public var bbm: Int { Int(bitField(mmfr2, 55, 52)) }
  public var e0pd: Bool { bitField(mmfr2, 63, 60) == 1 }
}

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

/// PS/IPS/PARange encoding: 000=32, 001=36, 010=40, 011=42, 100=44, 101=48, 110=52.
public enum PhysicalAddressSize {
  public static let table = [32, 36, 40, 42, 44, 48, 52]
  /// Reserved encodings (7 and above) read as 52, the largest implemented size; callers
  /// bound the result by PAMax (QEMU: MIN(PARange, PS)).
  public static func bits(encoding: UInt64) -> Int {
    encoding < 7 ? table[Int(encoding)] : 52
  }
  public static func encoding(bits: Int) -> UInt64? {
    table.firstIndex(of: bits).map { UInt64($0) }
  }
}
