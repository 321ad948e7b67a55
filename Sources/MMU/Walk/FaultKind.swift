/// The kinds of fault a translation reports (architecture.md §9).
public enum FaultKind: String, Sendable, CaseIterable, CustomStringConvertible {
  case translation
  case addressSize = "address_size"
  case accessFlag = "access_flag"
  case permission
  case tlbConflict = "tlb_conflict"
  public var description: String { rawValue }
}
