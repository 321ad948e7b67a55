/// The exact identity of a stored entry: its tags packed in one word, its input base, and its
/// ASID (`WalkCacheStore.noASID` for a global entry or an untagged one). Matching compares these
/// integers only, so a lookup touches no reference-counted storage.
struct WalkCacheKey: Equatable {
  var tag: UInt64
  var base: UInt64
  var asid: UInt64
}
