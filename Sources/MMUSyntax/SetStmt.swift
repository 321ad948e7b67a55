/// `set …`: a machine setting, a register, a register field, or any other knob.
///
/// The knobs reference.md names have typed cases. Any other `set WORD ARGS…` parses as
/// `.knob`, so a new setting (`set max_steps 1000`, `set hex_grouping on`) needs no parser
/// change: the interpreter decides which knobs exist and reports unknown ones.
public struct SetStmt: Equatable, Sendable {
  public enum Setting: Equatable, Sendable {
    /// `set granule 4k|16k|64k [for REGIME]`
    case granule(Expr, regime: Expr?)
    /// `set va_bits N [for REGIME]`
    case vaBits(Expr, regime: Expr?)
    /// `set pa_bits N`
    case paBits(Expr)
    /// `set ipa_bits N [granule G]`
    case ipaBits(Expr, granule: Expr?)
    /// `set el 0|1|2`
    case exceptionLevel(Expr)
    /// `set lpa2 on|off [for REGIME]`
    case lpa2(Expr, regime: Expr?)
    /// `set vhe on|off`
    case vhe(Expr)
    /// `set stage2 on|off`
    case stage2(Expr)
    /// `set pan on|off`: PSTATE.PAN of the current CPU
    case pan(Expr)
    /// `set table_pool PA size SIZE`
    case tablePool(base: Expr, size: Expr)
    /// `set feature NAME on|off|N`
    case feature(Name, Expr)
    /// `set tlb_speculative on|off`
    case tlbSpeculative(Expr)
    /// `set strict_barriers on|off`
    case strictBarriers(Expr)
    /// `set bbm_check on|off`
    case bbmCheck(Expr)
    /// `set REG = EXPR`
    case register(Name, Expr)
    /// `set REG.FIELD = EXPR`
    case field(register: Name, field: Name, Expr)
    /// `set NAME ARGS… [for REGIME]`: any other setting.
    case knob(Name, [SetArgument], regime: Expr?)
  }

  public var setting: Setting
  public var range: SourceRange
}

/// One argument of a generic `set` knob.
///
/// A lone identifier is kept as a `word` (`set fault_level start`, `set hex_grouping on`);
/// anything else is an expression. A knob that wants a number may look a word up as a
/// variable.
public enum SetArgument: Equatable, Sendable {
  case word(Name)
  case expr(Expr)

  public var range: SourceRange {
    switch self {
    case .word(let name): return name.range
    case .expr(let expr): return expr.range
    }
  }
}
