/// Which translation a leaf TLB entry caches (architecture.md §10.1).
public enum TLBEntryStage: Int, Sendable, Comparable, CustomStringConvertible {
  /// Stage 1 alone: VA to PA (EL2, EL2&0, or EL1&0 without stage 2).
  case stage1
  /// Stage 1 and stage 2 combined: VA to PA of an EL1&0 access with stage 2 enabled.
  case combined
  /// Stage 2 alone: IPA to PA, filled by every stage-2 walk (also those made to fetch a
  /// stage-1 table descriptor).
  case stage2

  public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
  public var description: String {
    switch self {
    case .stage1: "stage 1"
    case .combined: "stage 1+2"
    case .stage2: "stage 2"
    }
  }
}
