/// A line of the dump: a marker or a row, in the kernel's order.
public enum PtdumpLine: Sendable, Equatable {
  case marker(String)
  case row(PtdumpRow)
}
