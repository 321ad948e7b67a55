/// Everything one stage of a walk needs, read from the registers for one input address:
/// the geometry, the table base, the output size, and the controls (HPD, HA/HD, WXN, MAIR).
/// Building it performs the checks hardware makes before reading any descriptor (architecture.md
/// §2.9, §5.4).
///
/// Plain words (32 bytes): every walk derives or finds one and carries it down the levels,
/// and a copy of separate byte fields cost a load and a store each. The small fields share
/// one word (`bits`).
public struct StageSetup: Sendable {
  /// The start table's address (a PA, or an IPA for stage 1 under stage 2), aligned.
  public var tableBase: UInt64
  public var mair: UInt64
  /// ASID from the TTBR TCR.A1 selects (16 or 8 bits per TCR.AS); 0 for one-range regimes.
  public var asid: UInt64
  public var geometry: Geometry
  /// Regime [3:0], output bits [11:4] (8), PAMax [19:12] (8), TCR shareability [21:20],
  /// PAN [23:22], then one bit each from 24: upper range, HPD, HA, HD, WXN, XNX.
  private var bits: UInt32

  private static let outputShift: UInt32 = 4
  private static let paMaxShift: UInt32 = 12
  private static let shareabilityShift: UInt32 = 20
  private static let panShift: UInt32 = 22
  private static let upperRangeBit: UInt32 = 1 << 24
  private static let hpdBit: UInt32 = 1 << 25
  private static let hardwareAFBit: UInt32 = 1 << 26
  private static let hardwareDirtyBit: UInt32 = 1 << 27
  private static let wxnBit: UInt32 = 1 << 28
  private static let xnxBit: UInt32 = 1 << 29

  public var regime: Regime {
    @inline(__always) get { Regime(rawValue: Int(bits & 0xf)) ?? .el10 }
    set { bits.setPackedField(0, 0xf, UInt32(newValue.rawValue)) }
  }
  /// TTBR1 (upper range) was selected.
  public var upperRange: Bool {
    @inline(__always) get { bits.hasFlag(Self.upperRangeBit) }
    set { bits.setFlag(Self.upperRangeBit, newValue) }
  }
  /// Hierarchical permissions disabled (TCR.HPDn with FEAT_HPDS).
  public var hpd: Bool {
    @inline(__always) get { bits.hasFlag(Self.hpdBit) }
    set { bits.setFlag(Self.hpdBit, newValue) }
  }
  public var hardwareAF: Bool {
    @inline(__always) get { bits.hasFlag(Self.hardwareAFBit) }
    set { bits.setFlag(Self.hardwareAFBit, newValue) }
  }
  public var hardwareDirty: Bool {
    @inline(__always) get { bits.hasFlag(Self.hardwareDirtyBit) }
    set { bits.setFlag(Self.hardwareDirtyBit, newValue) }
  }
  public var wxn: Bool {
    @inline(__always) get { bits.hasFlag(Self.wxnBit) }
    set { bits.setFlag(Self.wxnBit, newValue) }
  }
  public var xnx: Bool {
    @inline(__always) get { bits.hasFlag(Self.xnxBit) }
    set { bits.setFlag(Self.xnxBit, newValue) }
  }
  /// Effective output address size: min(PS/IPS, PAMax), capped at 48 for 4K/16K without DS.
  public var outputBits: Int {
    @inline(__always) get { Int(bits.packedField(Self.outputShift, 0xff)) }
    set { bits.setPackedField(Self.outputShift, 0xff, UInt32(truncatingIfNeeded: newValue)) }
  }
  public var paMax: Int {
    @inline(__always) get { Int(bits.packedField(Self.paMaxShift, 0xff)) }
    set { bits.setPackedField(Self.paMaxShift, 0xff, UInt32(truncatingIfNeeded: newValue)) }
  }
  /// Shareability from TCR SH0/SH1 (VTCR SH0): used for leaves when DS=1.
  public var tcrShareability: UInt64 {
    @inline(__always) get { UInt64(bits.packedField(Self.shareabilityShift, 3)) }
    set { bits.setPackedField(Self.shareabilityShift, 3, UInt32(truncatingIfNeeded: newValue)) }
  }
  /// What PSTATE.PAN takes from this access's privileged rights (stage 1 only).
  public var pan: PrivilegedAccessNever {
    @inline(__always) get {
      PrivilegedAccessNever(rawValue: UInt8(truncatingIfNeeded: bits.packedField(Self.panShift, 3)))
        ?? .none
    }
    set { bits.setPackedField(Self.panShift, 3, UInt32(newValue.rawValue)) }
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
    bits = 0
    self.regime = regime
    self.upperRange = upperRange
    self.hpd = hpd
    self.hardwareAF = hardwareAF
    self.hardwareDirty = hardwareDirty
    self.wxn = wxn
    self.xnx = xnx
    self.outputBits = outputBits
    self.paMax = paMax
    self.tcrShareability = tcrShareability
    self.pan = pan
  }
}
