/// The regimes an access is named by (the words `el0 el1 el2 s1 s2`): what each means is
/// decided by the CPU's registers when the access happens (`CPU.context(for:)`).
public enum AccessRegime: String, Sendable, CaseIterable, Vocabulary {
  /// What an access from EL1 gets with EL0 permissions (EL2&0 when HCR_EL2.{E2H,TGE}={1,1}).
  case el0
  /// What an access from EL1 gets: EL1&0 stage 1, then stage 2 when HCR_EL2.VM=1.
  case el1
  /// EL2, or EL2&0 with VHE.
  case el2
  /// EL1&0 stage 1 alone.
  case s1
  /// Stage 2 alone, IPA to PA.
  case s2

  /// The regime spelled `word`, as `Vocabulary.init(word:)` finds it: the lexer asks this of
  /// every identifier, and the protocol's generic lookup, called from another module, fetched
  /// the type's metadata by name each time (~1,300 instructions).
  @inlinable
  public init?(word: String) {
    guard let r = Self.allCases.first(where: { $0.word == word }) else { return nil }
    self = r
  }

  /// The regime for an exception level (0, 1 or 2; anything else is EL1).
  public init(el: Int) {
    switch el {
    case 0: self = .el0
    case 2: self = .el2
    default: self = .el1
    }
  }
}

extension CPU {
  /// What an access named by `r` asks of the MMU on this CPU now. Inlinable: the interpreter
  /// asks it on every `walk`, nearly always for an exception level's word, and a call into
  /// this module that switched again cost ~35 instructions a statement.
  @inlinable
  public func context(for r: AccessRegime) -> AccessContext {
    switch r {
    case .el0: context(el: 0)
    case .el1: context(el: 1)
    case .el2: context(el: 2)
    case .s1, .s2: singleStageContext(r)
    }
  }

  /// `s1` and `s2`, kept out of the inlined switch: it stays small, and reads no `registers`
  /// from another module (where `Machine.options`, unchecked too, took a dynamic exclusivity
  /// check: Benchmarks/README.md).
  @usableFromInline
  func singleStageContext(_ r: AccessRegime) -> AccessContext {
    // Under stage 2, s1's table addresses are IPAs, read through stage 2 as el1's are.
    r == .s1
      ? AccessContext(regime: .el10, stage2: registers.stage2Enabled)
      : AccessContext(regime: .stage2)
  }
}
