import MMU
import MMUSyntax

/// A loop body as it runs: its statements as parsed, or with its `walk`s planned once for the
/// whole loop (see `WalkPlan`).
enum LoopBody {
  case plain([Stmt])
  /// The steps, and the plans their walks point at (kept alive here for the whole loop).
  case prepared([LoopStep], plans: [WalkPlan])
}

/// A planned walk is held unretained: reading a step out of the array retained its plan and
/// released it after the walk, ~50 instructions a walk. `LoopBody.prepared` owns the plans.
enum LoopStep {
  case walk(Unmanaged<WalkPlan>)
  case other(Stmt)
}

/// A `walk` statement's operands in a class, so that running it reads them in place.
///
/// Matching `case .walk(let s)` copies the statement out of the AST (two expressions, one of
/// them optional, through the runtime's generic witnesses) and destroys the copy afterwards:
/// in a loop of walks that cost about a third of what the interpreter adds to each walk. A
/// loop plans its body's walks once; a class's `let`s are read without copies.
final class WalkPlan {
  let regime: Expr?
  /// The regime when the statement names one literally (`walk el1 …`): nothing to evaluate.
  let fixedRegime: AccessRegime?
  let va: Expr
  let access: AccessType
  let trace: Bool
  let noTLB: Bool
  let range: SourceRange

  init(_ s: WalkStmt, access: AccessType) {
    regime = s.regime
    if case .regime(let r)? = s.regime?.kind { fixedRegime = r } else { fixedRegime = nil }
    va = s.va
    self.access = access
    trace = s.trace
    noTLB = s.noTLB
    range = s.range
  }
}

extension Interpreter {
  /// Plans the walks of a loop's body; a body without one runs as it is (nothing allocated).
  func prepareLoopBody(_ body: [Stmt]) -> LoopBody {
    guard body.contains(where: { if case .walk = $0 { true } else { false } }) else {
      return .plain(body)
    }
    var plans: [WalkPlan] = []
    let steps = body.map { (s: Stmt) -> LoopStep in
      guard case .walk(let w) = s else { return .other(s) }
      let plan = WalkPlan(w, access: accessType(w.access))
      plans.append(plan)
      return .walk(Unmanaged.passUnretained(plan))
    }
    return .prepared(steps, plans: plans)
  }

  /// Runs one iteration of a loop body: what `execute(_: [Stmt])` does for the statements.
  /// Inline, so that a loop without walks runs as it did before there were plans.
  @inline(__always)
  func execute(_ body: LoopBody) throws -> Flow {
    switch body {
    case .plain(let stmts):
      return try execute(stmts)
    case .prepared(let steps, let plans):
      // The plans outlive every use of the unretained references to them.
      defer { withExtendedLifetime(plans) {} }
      // By index: the iterator would hand out a copy of each step (a retain and a release).
      for k in steps.indices {
        switch steps[k] {
        case .walk(let plan):
          try plan._withUnsafeGuaranteedRef { p in
            try step(p.range)
            try executeWalk(p)
          }
        case .other(let s):
          if case .returned(let v) = try execute(s) { return .returned(v) }
        }
      }
      return .normal
    }
  }
}
