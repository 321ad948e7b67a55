// The statements that read whole tables: the checks, the reverse lookup, the dump diff and
// the address markers a kernel-format dump is cut at.

/// `check wx|aliases [REGIME|SPACE]`.
public struct CheckStmt: Equatable, Sendable {
  public var kind: TableCheckKind
  public var target: Expr?
  public var range: SourceRange
}

/// `find pa PA [size SIZE] [REGIME|SPACE]`: every VA that maps [PA, PA+SIZE).
public struct FindPAStmt: Equatable, Sendable {
  public var pa: Expr
  public var size: Expr?
  public var target: Expr?
  public var range: SourceRange
}

/// `diff dump A B`: two spaces or regimes, as ptdump rows, `-` for A only and `+` for B only.
public struct DiffDumpStmt: Equatable, Sendable {
  public var first: Expr
  public var second: Expr
  public var format: DumpFormat?
  public var range: SourceRange
}

/// `snapshot dump [SPACE|REGIME] as NAME [format linux|kvm]`: the target's rows now, kept
/// under NAME for a later `diff dump NAME …` (a space before and after a change).
public struct SnapshotDumpStmt: Equatable, Sendable {
  public var target: Expr?
  public var name: Name
  public var format: DumpFormat?
  public var range: SourceRange
}

/// `marker VA "NAME"` adds a marker to the list `dump … format linux` cuts at; `marker clear`
/// empties it.
public struct MarkerStmt: Equatable, Sendable {
  public enum Action: Equatable, Sendable {
    case add(address: Expr, name: Expr)
    case clear
  }
  public var action: Action
  public var range: SourceRange
}

/// What `assert check …`, `assert find pa …` and `assert diff dump …` check: that the
/// statement finds nothing wrong (no W+X or alias), something (a VA mapping the PA), or
/// no difference.
public enum TableAssertion: Equatable, Sendable {
  case check(CheckStmt)
  case findPA(FindPAStmt)
  case diff(DiffDumpStmt)
}
