import MMU
import MMUSyntax

extension Interpreter {
  /// The output address of an access when a TLB hit answers it with nothing more to say
  /// (`Machine.hitAddress`: no fault, no warning, no Contiguous group to check), for callers
  /// that need the address alone (`pa()`, `assert walk … == PA` and `allows`). nil: the
  /// caller makes the full access, which reports what there is to report. `s1` under stage 2
  /// outputs an IPA and uses no TLB, so it always takes the full access.
  @inline(__always)
  func hitAddress(_ r: AccessRegime, va: UInt64, access: AccessType, useTLB: Bool) -> UInt64? {
    guard useTLB else { return nil }
    let c = machine.cpu
    let ctx = context(r, cpu: c)
    guard !outputIsIPA(r, ctx) else { return nil }
    return machine.hitAddress(cpu: c, context: ctx, address: va, access: access)
  }
}
