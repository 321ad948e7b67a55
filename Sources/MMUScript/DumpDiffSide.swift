/// One side of `diff dump`: the tables as they are now, or a snapshot of them kept earlier
/// (`snapshot dump … as NAME`), which remembers what it was taken of.
public enum DumpDiffSide: Sendable, Equatable {
  case tables(ViewTarget)
  case snapshot(name: String, of: ViewTarget)
}
