/// The walk nothing observes (`walk notlb`, TLB-less accesses, the comparison walk behind a
/// TLB hit): every hook is empty, and nested table addresses are walked by the loop itself.
struct UnobservedWalk: WalkObserver {
  @inline(always)
  mutating func start(_ setup: StageSetup, input: UInt64, nested: Bool) -> WalkStart? { nil }

  @inline(always)
  mutating func tableStage2(ipa: UInt64) -> Result<StageLeaf, Fault>? { nil }

  @inline(always)
  mutating func read(
    _ setup: StageSetup, level: Int, index: Int, table: UInt64, entry: UInt64, entryPA: UInt64,
    descriptor: UInt64, kind: DescriptorKind
  ) {}

  @inline(always)
  mutating func table(
    _ setup: StageSetup, input: UInt64, nested: Bool, level: Int, next: UInt64, entryPA: UInt64,
    descriptor: UInt64, tableAttributes: TableAttributes
  ) {}

  @inline(always)
  mutating func leaf(_ setup: StageSetup, _ leaf: StageLeaf, read: UInt64, written: Bool) {}
}
