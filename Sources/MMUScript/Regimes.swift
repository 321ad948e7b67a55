import MMU
import MMUSyntax

extension Interpreter {
  /// What a regime word means on CPU `c` (reference.md): `el1`/`el0` are EL1&0 (then stage 2
  /// when HCR_EL2.VM=1), `el2` is EL2 or EL2&0, `s1` is EL1&0 stage 1 alone, `s2` stage 2.
  /// Under stage 2, `s1`'s table addresses are IPAs, read through stage 2 as `el1`'s are
  /// (views, TLB lookups); its walks stop at the IPA (`regimeAccess`).
  func context(_ r: AccessRegime, cpu c: CPU) -> AccessContext { c.context(for: r) }

  /// The regime word for the current CPU's exception level.
  func defaultRegime(_ c: CPU) -> AccessRegime { AccessRegime(el: c.el) }

  /// Evaluates an optional REGIME operand (a regime word, or a variable holding one).
  func regime(_ e: Expr?) throws -> AccessRegime {
    guard let e else { return defaultRegime(machine.cpu) }
    let v = try evaluate(e)
    guard case .regime(let r) = v else {
      throw typeError(v, "a regime (\(AccessRegime.words.joined(separator: " ")))", e.range)
    }
    return r
  }

  /// The geometry the registers give a regime for `address`'s half (EPD ignored: geometry
  /// is what the TCR describes, even with walks disabled).
  func registerGeometry(_ r: AccessRegime, address: UInt64 = 0, range: SourceRange) throws
    -> StageSetup
  {
    switch registerSetup(r, address: address) {
    case .success(let s): return s
    case .failure(let f): throw problemDiagnostic(.noWalk(regime: r, fault: f), at: range)
    }
  }

  /// `registerGeometry`'s setup, or the setup fault the registers give instead.
  func registerSetup(_ r: AccessRegime, address: UInt64 = 0) -> Result<StageSetup, Fault> {
    var regs = machine.cpu.registers
    for name in ["epd0", "epd1", "e0pd0", "e0pd1"] { regs.set(.tcr_el1, name, 0) }
    if regs.e2h { for name in ["epd0", "epd1"] { regs.set(.tcr_el2, name, 0) } }
    let ctx = context(r, cpu: machine.cpu)
    if ctx.regime == .stage2 {
      return TranslationSetup.stage2(regs, ipa: 0, access: .read)
    }
    // Probe the half `address` selects, with an address that is always in range.
    let upper = ctx.regime.hasTwoRanges && address & bit(55) != 0
    return TranslationSetup.stage1(regs, regime: ctx.regime, va: upper ? ~0 : 0, access: .read)
  }

  /// A diagnostic whose message is a view's problem, worded by the shell (through the sink).
  func problemDiagnostic(_ p: ViewProblem, prefix: String = "", at range: SourceRange)
    -> Diagnostic
  {
    Diagnostic.error(prefix + sink.message(for: p, formatter: formatter), at: range)
  }

  /// A SPACE operand (a space value or a name), or the current space.
  func space(_ e: Expr?, range: SourceRange) throws -> AddressSpace {
    guard let e else {
      guard let name = currentSpace, let s = machine.space(named: name) else {
        throw Diagnostic.error(
          "no space to use: name one, or create one with `space NAME`", at: range)
      }
      return s
    }
    let v = try evaluate(e)
    switch v {
    case .space(let n), .string(let n):
      guard let s = machine.space(named: n) else {
        throw Diagnostic.error(
          "unknown space '\(n)'", at: e.range,
          hint: closestMatch(n, in: machine.spaceOrder).map { "did you mean '\($0)'?" })
      }
      return s
    default:
      throw typeError(v, "a space", e.range)
    }
  }
}
