import MMU

/// Why a view (`dump`, `layout`, a kernel-format dump) reads no rows for a half of a regime.
/// It is data: the registers, half, addresses and the model's own fault; the shell words it
/// (once, for text and JSON, and through the sink for a diagnostic that carries one).
public enum ViewProblem: Sendable, Equatable {
  /// The registers `regime` reads describe no walk: `fault` is the setup fault the model
  /// reports before any descriptor is read (TxSZ out of range, a table base too wide…).
  case noWalk(regime: AccessRegime, fault: Fault)
  /// Stage 1 under stage 2, where VTCR_EL2/VTTBR_EL2 describe no walk (`fault`): no stage-1
  /// table address can be translated, so neither half is read.
  case stage2NoWalk(fault: Fault)
  /// TCR.EPD0/EPD1 = 1 (`tcr`, half `ttbr` 0 or 1): every walk from that TTBR faults with
  /// `fault` before reading a table (architecture.md §2.9 says at which level).
  case walksDisabled(tcr: SystemRegister, ttbr: Int, fault: Fault)
  /// A stage-1 table at `ipa` that stage 2 (`via`: a space, or `VTTBR_EL2`) does not map.
  case unmappedTable(ipa: UInt64, via: String?)

  /// The case's stable name (`problem_kind` in JSON, docs/json.md).
  public var kind: Kind {
    switch self {
    case .noWalk: .noWalk
    case .stage2NoWalk: .stage2NoWalk
    case .walksDisabled: .walksDisabled
    case .unmappedTable: .unmappedTable
    }
  }

  public enum Kind: String, Sendable, CaseIterable {
    case noWalk = "no-walk"
    case stage2NoWalk = "stage2-no-walk"
    case walksDisabled = "walks-disabled"
    case unmappedTable = "unmapped-table"
  }
}
