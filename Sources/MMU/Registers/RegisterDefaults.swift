/// The reset state of a CPU, as reference.md's machine table describes it.
public enum RegisterDefaults {
  /// Linux's MAIR_EL1: Attr0 Normal WB (0xff), Attr1 Normal Tagged (0xf0), Attr2 Normal NC
  /// (0x44), Attr3 Device-nGnRnE (0x00), Attr4 Device-nGnRE (0x04). The unused Attr5..7 hold
  /// Normal WT (0xbb), Device-GRE (0x0c) and Device-nGRE (0x08) so `wt`, `gre` and `ngre` map.
  public static let mair: UInt64 = 0x080c_bb04_0044_f0ff
  /// AttrIndx values for the attribute words of `map`.
  public static let mairNormal = 0
  public static let mairNormalNC = 2
  public static let mairDeviceNGnRnE = 3
  public static let mairDeviceNGnRE = 4

  /// TCR_EL1: 4K granule both halves (TG0=00, TG1=10), T0SZ=T1SZ=16 (48-bit), IPS=48,
  /// inner-shareable write-back walks, 16-bit ASIDs (AS=1), HA=HD=0, TBI off.
  public static let tcrEL1: UInt64 =
    16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | (1 << 26) | (3 << 28)
    | (2 << 30) | (5 << 32) | (1 << 36)
  /// TCR_EL2 (non-VHE layout): 4K, T0SZ=16, PS=48, RES1 bits 31 and 23.
  public static let tcrEL2: UInt64 =
    16 | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 16) | (1 << 23) | (1 << 31)
  /// VTCR_EL2 as KVM sets it for a 40-bit IPA on 4K: T0SZ=24, SL0=1 (start at level 1,
  /// two concatenated tables), WBWA inner-shareable walks, PS=48, VS=1, HA=1, RES1 bit 31.
  public static let vtcrEL2: UInt64 =
    24 | (1 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 16) | (1 << 19) | (1 << 21)
    | (1 << 31)
  /// SCTLR_EL1: M, C, I set, plus the RES1 bits.
  public static let sctlrEL1: UInt64 = 0x30d0_0800 | 1 | (1 << 2) | (1 << 12)
  /// SCTLR_EL2 (non-VHE): M, C, I set, plus the RES1 bits.
  public static let sctlrEL2: UInt64 = 0x30c5_0830 | 1 | (1 << 2) | (1 << 12)
  /// PARange 52 (6), 16-bit ASIDs, TGran16=2 and TGran4=1 (LPA2), 64K supported, stage-2
  /// granules as stage 1.
  public static let mmfr0: UInt64 = 6 | (2 << 4) | (2 << 20) | (0 << 24) | (1 << 28)
  /// HAFDBS=2 (AF and dirty), 16-bit VMIDs, VHE, HPDS=1, PAN3, XNX.
  public static let mmfr1: UInt64 = 2 | (2 << 4) | (1 << 8) | (1 << 12) | (3 << 20) | (1 << 28)
  /// CnP, UAO, LVA (VARange=1), TTST (ST=1), TTL, BBM level 0, E0PD.
  public static let mmfr2: UInt64 =
    1 | (1 << 4) | (1 << 16) | (1 << 28) | (1 << 48) | (0 << 52) | (1 << 60)

  public static func value(_ r: SystemRegister) -> UInt64 {
    switch r {
    case .tcr_el1: tcrEL1
    case .tcr_el2: tcrEL2
    case .vtcr_el2: vtcrEL2
    case .mair_el1, .mair_el2: mair
    case .sctlr_el1: sctlrEL1
    case .sctlr_el2: sctlrEL2
    case .id_aa64mmfr0_el1: mmfr0
    case .id_aa64mmfr1_el1: mmfr1
    case .id_aa64mmfr2_el1: mmfr2
    case .ttbr0_el1, .ttbr1_el1, .ttbr0_el2, .ttbr1_el2, .vttbr_el2, .hcr_el2, .par_el1: 0
    }
  }
}
