import MMU

/// Which `AT` asks what a statement asks, executed by the image at EL3 (docs/qemu.md,
/// "What is compared").
public enum QueryMapping {
  /// A `walk` or `assert walk` in `context`: the AT of the same regime, stage(s) and access.
  /// `stage1Only`: the `s1` word under stage 2 (stage 1 alone, the output an IPA).
  public static func forAccess(
    context: AccessContext, stage1Only: Bool = false, access: AccessType,
    registers: RegisterFile, va: UInt64, memory: @autoclosure () -> MemorySnapshot
  ) -> Result<CheckQuery, NotComparable> {
    let write = access == .write
    if access == .exec { return .failure(.init("execute permission has no AT form")) }
    if context.pan {
      return .failure(.init("PSTATE.PAN is set, and the check's AT runs without PAN"))
    }
    var regs = registers
    let op: A64ATOperation
    switch context.regime {
    case .el10 where stage1Only:
      // AT S1E1*: stage 1 alone, its table walks through stage 2.
      op = write ? .s1e1w : .s1e1r
    case .el10 where context.stage2:
      op = context.unprivileged ? (write ? .s12e0w : .s12e0r) : (write ? .s12e1w : .s12e1r)
    case .el10:
      if registers.stage2Enabled {
        return .failure(
          .init(
            "`s1` walks stage 1 alone, but AT S1E1* takes its table walks through stage 2 while"
              + " HCR_EL2.VM=1"))
      }
      op = context.unprivileged ? (write ? .s1e0w : .s1e0r) : (write ? .s1e1w : .s1e1r)
    case .el20 where context.unprivileged:
      return .failure(
        .init(
          "an EL0 access in the EL2&0 regime (HCR_EL2.{E2H,TGE}={1,1}) has an AT form only at"
            + " EL2, and the check's image runs at EL3"))
    case .el2, .el20:
      op = write ? .s1e2w : .s1e2r
    case .stage2:
      // Stage 2 alone: AT S12E1* with stage 1 disabled (SCTLR_EL1.M=0), so the IPA is the VA.
      regs[.hcr_el2] = (regs[.hcr_el2] | 1) & ~(1 << 27)
      regs[.sctlr_el1] &= ~1
      op = write ? .s12e1w : .s12e1r
    }
    return .success(CheckQuery(registers: regs, operation: op, va: va, memory: memory()))
  }

  /// An `at OP VA` executed at `el`.
  public static func forAT(
    _ op: ATOperation, el: Int, registers: RegisterFile, va: UInt64,
    memory: @autoclosure () -> MemorySnapshot
  ) -> Result<CheckQuery, NotComparable> {
    let s1 = [.s1e0r, .s1e0w, .s1e1r, .s1e1w].contains(op)
    if s1 && el == 2 && registers.e2h && registers.tge {
      return .failure(
        .init(
          "at EL2 with HCR_EL2.{E2H,TGE}={1,1}, AT \(op.rawValue.uppercased()) translates EL2&0;"
            + " from the check's EL3 it would translate EL1&0"))
    }
    guard let operation = A64ATOperation(op) else {
      return .failure(
        .init("AT \(op.rawValue.uppercased()) depends on PSTATE.PAN, which the image does not set"))
    }
    return .success(
      CheckQuery(registers: registers, operation: operation, va: va, memory: memory()))
  }
}

/// Why a statement has no counterpart in QEMU.
public struct NotComparable: Error, Equatable {
  public let reason: String
  public init(_ reason: String) { self.reason = reason }
}
