/// Where a walk resumes below its stage's start level: what the level loop needs of a
/// walk-cache entry (architecture.md §10.1), and nothing more.
///
/// Plain data on purpose: an entry holds its descriptor path (an array), and handing the loop
/// an optional entry copied and destroyed it through the runtime's generic witnesses, about
/// 400 instructions a TLB fill that starts from the walk cache.
struct WalkStart {
  /// The level of the cached table descriptor; the walk reads the level below.
  let level: Int
  /// The next-level table's address (an IPA in a nested walk).
  let nextTable: UInt64
  /// Table attributes ORed along the path down to that table.
  let tableAttributes: TableAttributes
}
