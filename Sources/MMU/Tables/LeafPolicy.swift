/// How `map` chooses leaf levels.
public enum LeafPolicy: Sendable, Equatable {
  /// The largest block alignment and size allow.
  case largest
  /// Pages only (level 3).
  case pages
  /// Leaves at exactly this level.
  case level(Int)
}
