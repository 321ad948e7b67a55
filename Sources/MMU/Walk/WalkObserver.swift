/// What watches the level loop of one stage's walk (`Walker.walkStage`): nothing
/// (`UnobservedWalk`), or a trace and a TLB session (`WalkRecorder`). The loop makes every
/// decision; an observer only records what it read, may start it lower (a walk-cache entry)
/// and may translate a nested walk's table addresses itself (its stage 2 observed too).
/// The loop is specialised per observer, so the hooks of `UnobservedWalk`, all empty and
/// inlined, cost the direct walk nothing.
protocol WalkObserver {
  /// Where the walk starts instead of the stage's base table: below a cached table pointer.
  mutating func start(_ setup: StageSetup, input: UInt64, nested: Bool) -> WalkStart?

  /// Stage 2 of a stage-1 table address (nested walks), or nil to let the loop walk it
  /// with nothing observing.
  mutating func tableStage2(ipa: UInt64) -> Result<StageLeaf, Fault>?

  /// A descriptor was read at `level` (entry `index` of `table`, at `entryPA`).
  mutating func read(
    _ setup: StageSetup, level: Int, index: Int, table: UInt64, entry: UInt64, entryPA: UInt64,
    descriptor: UInt64, kind: DescriptorKind)

  /// The loop follows a valid table descriptor at `level` to `next`.
  mutating func table(
    _ setup: StageSetup, input: UInt64, nested: Bool, level: Int, next: UInt64, entryPA: UInt64,
    descriptor: UInt64, tableAttributes: TableAttributes)

  /// The walk reached `leaf` from descriptor `read` (the leaf holds the value after any
  /// hardware update, `written` when that update was made).
  mutating func leaf(_ setup: StageSetup, _ leaf: StageLeaf, read: UInt64, written: Bool)
}
