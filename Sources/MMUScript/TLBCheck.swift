import MMU
import MMUSyntax

/// `assert tlb STATE REGIME VA`: the lookup's status against the one expected, with what the
/// probe translated to (and, for a stale entry, what the tables say now), so a failure shows
/// which entry answered.
public struct TLBCheck: Sendable, Equatable {
  public var regime: AccessRegime
  public var va: UInt64
  public var expected: TLBState
  /// How the probe's lookup went; `.stale` carries the tables' current outcome.
  public var status: TLBStatus
  /// What the probe translated to: the cached answer when the TLB answered.
  public var outcome: WalkOutcome

  public init(
    regime: AccessRegime, va: UInt64, expected: TLBState, status: TLBStatus,
    outcome: WalkOutcome
  ) {
    self.regime = regime
    self.va = va
    self.expected = expected
    self.status = status
    self.outcome = outcome
  }
}
