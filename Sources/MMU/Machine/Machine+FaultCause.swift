/// What made an access fault where the fault itself does not say: the status code of a
/// Permission fault is the same whatever removed the right.
public enum FaultCause: String, Sendable, Equatable {
  /// PSTATE.PAN took a privileged data access to EL0-accessible memory (architecture.md §8.3).
  case privilegedAccessNever = "pan"
}

extension Machine {
  /// Why the access `r`, made in `context` on `c`, faulted, where the model can say more than
  /// the fault: PSTATE.PAN caused a stage-1 Permission fault when the same access without PAN
  /// takes none at stage 1 (`AArch64.S1DirectBasePermissions`, architecture.md §8.3). Only a
  /// stage-1 Permission fault of an access PAN applies to costs a second walk, which changes
  /// nothing.
  public func faultCause(_ r: AccessResult, cpu c: CPU, context: AccessContext) -> FaultCause? {
    guard context.pan, let f = r.outcome.fault, f.kind == .permission, f.stage == 1 else {
      return nil
    }
    var without = context
    without.pan = false
    let again = compareWalk(c, without, r.walk.inputAddress, r.walk.access, trace: false)
    if let g = again.outcome.fault, g.kind == .permission, g.stage == 1 { return nil }
    return .privilegedAccessNever
  }
}
