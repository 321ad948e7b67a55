/// Why a scan stopped.
public enum TableScanError: Error, Equatable, Sendable {
  /// A table address the `via` stage-2 space does not map.
  case unmappedTable(address: UInt64)
  /// More tables and valid entries visited than the limit: what bounds the scan's cost.
  case limitReached(Int)
  /// More leaf runs (a dump's rows) than the row limit: what bounds the listing's size.
  case rowLimitReached(Int)
}

extension TableScanError {
  /// What a scan over `root` reports for an error its visit threw: the body's own
  /// TableScanError as it is, a visitor error mapped case by case (exhaustive, so a new one
  /// cannot pass as another), anything else (unreachable) as the root being unmapped.
  init(visiting error: any Error, root: UInt64) {
    switch error {
    case let e as TableScanError: self = e
    case let e as VisitError:
      switch e {
      case .unmappedTable(let a): self = .unmappedTable(address: a)
      }
    default: self = .unmappedTable(address: root)
    }
  }
}
