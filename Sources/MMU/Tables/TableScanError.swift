/// Why a scan stopped.
public enum TableScanError: Error, Equatable, Sendable {
  /// A table address the `via` stage-2 space does not map.
  case unmappedTable(address: UInt64)
  /// More tables and valid entries visited than the limit: what bounds the scan's cost.
  case limitReached(Int)
  /// More leaf runs (a dump's rows) than the row limit: what bounds the listing's size.
  case rowLimitReached(Int)
}
