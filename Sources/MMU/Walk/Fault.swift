/// A translation fault as the architecture reports it: kind, level, stage, and whether it
/// happened on a stage-1 table walk (S1PTW).
public struct Fault: Error, Sendable, Equatable {
  public var kind: FaultKind
  /// -1...3. Setup faults (TxSZ, VA range, EPD, TTBR address size) use level 0.
  public var level: Int {
    get { Int(levelValue) }
    set { levelValue = Int8(truncatingIfNeeded: newValue) }
  }
  /// 1 or 2.
  public var stage: Int {
    get { Int(stageValue) }
    set { stageValue = Int8(truncatingIfNeeded: newValue) }
  }
  /// A stage-2 fault taken while fetching a stage-1 descriptor.
  public var s1ptw: Bool
  /// The IPA that faulted at stage 2 (HPFAR_EL2), when stage is 2.
  public var ipa: UInt64? {
    get { hasIPA ? ipaValue : nil }
    set {
      hasIPA = newValue != nil
      ipaValue = newValue ?? 0
    }
  }
  public var write: Bool
  // Small fields, so that a walk outcome stays a few words to copy: levels and stages fit a
  // byte, and the optional IPA is a value and a flag (0 when absent, so == compares values).
  private var levelValue: Int8
  private var stageValue: Int8
  private var hasIPA: Bool
  private var ipaValue: UInt64

  public init(
    _ kind: FaultKind, level: Int, stage: Int = 1, s1ptw: Bool = false, ipa: UInt64? = nil,
    write: Bool = false
  ) {
    self.kind = kind
    levelValue = Int8(truncatingIfNeeded: level)
    stageValue = Int8(truncatingIfNeeded: stage)
    self.s1ptw = s1ptw
    hasIPA = ipa != nil
    ipaValue = ipa ?? 0
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
