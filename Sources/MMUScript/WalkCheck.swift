import MMU
import MMUSyntax

/// `assert walk REGIME VA ACCESS …`: the access made, what was expected of it and what it
/// gave.
public struct WalkCheck: Sendable, Equatable {
  /// What the statement expects of the access.
  public enum Expectation: Sendable, Equatable {
    /// `== ADDRESS`.
    case translates(to: UInt64)
    /// `faults [KIND] [level N] [stage N] [s1ptw]`: each part nil/false when not checked.
    case faults(kind: MMUSyntax.FaultKind?, level: Int?, stage: Int?, s1ptw: Bool)
    /// `allows ACCESS`: any translation.
    case allows
    /// `denies ACCESS`: a permission fault (a fault of another kind says nothing about
    /// permissions).
    case denies
  }

  /// What the access gave.
  public enum Observed: Sendable, Equatable {
    /// A plain TLB hit answered with the output address alone (`Machine.hitAddress`).
    case address(UInt64)
    /// The full access's outcome.
    case outcome(WalkOutcome)
  }

  public var regime: AccessRegime
  public var va: UInt64
  public var access: AccessType
  public var expectation: Expectation
  public var observed: Observed
  /// The output is an IPA (`s1` under stage 2): the expected and actual addresses are IPAs.
  public var outputIsIPA: Bool

  public init(
    regime: AccessRegime, va: UInt64, access: AccessType, expectation: Expectation,
    observed: Observed, outputIsIPA: Bool = false
  ) {
    self.regime = regime
    self.va = va
    self.access = access
    self.expectation = expectation
    self.observed = observed
    self.outputIsIPA = outputIsIPA
  }
}
