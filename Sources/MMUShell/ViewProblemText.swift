import MMU
import MMUScript

/// The words of a view's problem (ViewProblem), used by the text and JSON renderers alike and,
/// through the sink, by the diagnostics that carry one (docs/views.md).
public struct ViewProblemText: Sendable {
  public var formatter: ValueFormatter
  public init(formatter: ValueFormatter = ValueFormatter()) { self.formatter = formatter }

  public func message(_ p: ViewProblem) -> String {
    switch p {
    case .noWalk(let regime, let fault):
      return "the registers of \(regime.word) describe no valid walk (\(formatter.fault(fault)))"
    case .stage2NoWalk(let fault):
      return "stage 2: " + message(.noWalk(regime: .s2, fault: fault))
    case .walksDisabled(let tcr, let ttbr, let fault):
      // The fault as the model reports it: level 0, or the start level (`set fault_level`).
      return "\(tcr.name.uppercased()).EPD\(ttbr)=1 (a walk from TTBR\(ttbr) faults: "
        + "\(fault.kind), level \(fault.level))"
    case .unmappedTable(let ipa, let via):
      return "a stage-1 table at IPA \(formatter.hex(ipa)) is not mapped by stage 2"
        + (via.map { " (\($0))" } ?? "")
    }
  }
}
