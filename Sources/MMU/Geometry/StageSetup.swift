/// Everything one stage of a walk needs, read from the registers for one input address:
/// the geometry, the table base, the output size, and the controls (HPD, HA/HD, WXN, MAIR).
/// Building it performs the checks hardware makes before reading any descriptor (architecture.md
/// §2.9, §5.4).
///
/// Kept small (at most 40 bytes): every walk derives or finds one and carries it down the levels.
public struct StageSetup: Sendable {
  /// The start table's address (a PA, or an IPA for stage 1 under stage 2), aligned.
  public var tableBase: UInt64
  public var mair: UInt64
  /// ASID from the TTBR TCR.A1 selects (16 or 8 bits per TCR.AS); 0 for one-range regimes.
  public var asid: UInt64
  public var geometry: Geometry
  public var regime: Regime
  /// TTBR1 (upper range) was selected.
  public var upperRange: Bool
  /// Hierarchical permissions disabled (TCR.HPDn with FEAT_HPDS).
  public var hpd: Bool
  public var hardwareAF: Bool
  public var hardwareDirty: Bool
  public var wxn: Bool
  public var xnx: Bool
  private var outputBitsValue: UInt8
  private var paMaxValue: UInt8
  private var tcrShareabilityValue: UInt8
  /// What PSTATE.PAN takes from this access's privileged rights (stage 1 only).
  public var pan: PrivilegedAccessNever

  /// Effective output address size: min(PS/IPS, PAMax), capped at 48 for 4K/16K without DS.
  public var outputBits: Int {
    get { Int(outputBitsValue) }
    set { outputBitsValue = UInt8(truncatingIfNeeded: newValue) }
  }
  public var paMax: Int {
    get { Int(paMaxValue) }
    set { paMaxValue = UInt8(truncatingIfNeeded: newValue) }
  }
  /// Shareability from TCR SH0/SH1 (VTCR SH0): used for leaves when DS=1.
  public var tcrShareability: UInt64 {
    get { UInt64(tcrShareabilityValue) }
    set { tcrShareabilityValue = UInt8(truncatingIfNeeded: newValue & 3) }
  }

  public init(
    regime: Regime, geometry: Geometry, tableBase: UInt64, outputBits: Int, upperRange: Bool,
    hpd: Bool, hardwareAF: Bool, hardwareDirty: Bool, wxn: Bool, mair: UInt64,
    tcrShareability: UInt64, asid: UInt64, paMax: Int, xnx: Bool,
    pan: PrivilegedAccessNever = .none
  ) {
    self.tableBase = tableBase
    self.mair = mair
    self.asid = asid
    self.geometry = geometry
    self.regime = regime
    self.upperRange = upperRange
    self.hpd = hpd
    self.hardwareAF = hardwareAF
    self.hardwareDirty = hardwareDirty
    self.wxn = wxn
    self.xnx = xnx
    outputBitsValue = UInt8(truncatingIfNeeded: outputBits)
    paMaxValue = UInt8(truncatingIfNeeded: paMax)
    tcrShareabilityValue = UInt8(truncatingIfNeeded: tcrShareability & 3)
    self.pan = pan
  }
}
