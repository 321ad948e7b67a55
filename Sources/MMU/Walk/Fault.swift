/// A translation fault as the architecture reports it: kind, level, stage, and whether it
/// happened on a stage-1 table walk (S1PTW).
public struct Fault: Error, Sendable, Equatable {
  // Two words, so that a walk outcome stays a few moves to copy: the small fields share
  // `bits` (kind [3:0], level [11:4] signed, stage [19:12], S1PTW [20], write [21], has IPA
  // [22]); the optional IPA is a value and a flag (0 when absent, so == compares values).
  private var bits: UInt32
  private var ipaValue: UInt64

  private static let s1ptwBit: UInt32 = 1 << 20
  private static let writeBit: UInt32 = 1 << 21
  private static let hasIPABit: UInt32 = 1 << 22

  public var kind: FaultKind {
    get {
      switch bits & 0xf {
      case 1: .addressSize
      case 2: .accessFlag
      case 3: .permission
      case 4: .tlbConflict
      default: .translation
      }
    }
    set {
      let code: UInt32 =
        switch newValue {
        case .translation: 0
        case .addressSize: 1
        case .accessFlag: 2
        case .permission: 3
        case .tlbConflict: 4
        }
      bits.setPackedField(0, 0xf, code)
    }
  }
  /// -1...3. Setup faults (TxSZ, VA range, EPD, TTBR address size) use level 0.
  public var level: Int {
    get { Int(Int8(truncatingIfNeeded: bits >> 4)) }
    set { bits.setPackedField(4, 0xff, UInt32(UInt8(truncatingIfNeeded: newValue))) }
  }
  /// 1 or 2.
  public var stage: Int {
    get { Int(Int8(truncatingIfNeeded: bits >> 12)) }
    set { bits.setPackedField(12, 0xff, UInt32(UInt8(truncatingIfNeeded: newValue))) }
  }
  /// A stage-2 fault taken while fetching a stage-1 descriptor.
  public var s1ptw: Bool {
    get { bits.hasFlag(Self.s1ptwBit) }
    set { bits.setFlag(Self.s1ptwBit, newValue) }
  }
  /// The IPA that faulted at stage 2 (HPFAR_EL2), when stage is 2.
  public var ipa: UInt64? {
    get { bits.hasFlag(Self.hasIPABit) ? ipaValue : nil }
    set {
      bits.setFlag(Self.hasIPABit, newValue != nil)
      ipaValue = newValue ?? 0
    }
  }
  public var write: Bool {
    get { bits.hasFlag(Self.writeBit) }
    set { bits.setFlag(Self.writeBit, newValue) }
  }

  public init(
    _ kind: FaultKind, level: Int, stage: Int = 1, s1ptw: Bool = false, ipa: UInt64? = nil,
    write: Bool = false
  ) {
    bits = 0
    ipaValue = 0
    self.kind = kind
    self.level = level
    self.stage = stage
    self.s1ptw = s1ptw
    self.ipa = ipa
    self.write = write
  }

  /// The fault status code (ESR DFSC / PAR_EL1.FST), table architecture.md §9.1.
  public var statusCode: UInt64 {
    let l = UInt64(truncatingIfNeeded: max(level, 0) & 3)
    switch kind {
    case .addressSize: return level < 0 ? 0b101001 : 0b000000 | l
    case .translation: return level < 0 ? 0b101011 : 0b000100 | l
    case .accessFlag: return 0b001000 | l
    case .permission: return 0b001100 | l
    case .tlbConflict: return 0b110000
    }
  }
}
