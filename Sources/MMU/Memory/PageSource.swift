/// Where physical memory comes from when it is not held locally: a live machine read on
/// demand (a debugger stub). `PhysicalMemory` asks it for a page the first time a walk, a
/// dump or a read touches a page it does not have, and keeps the answer.
///
/// A source never receives writes: what the model writes goes to its own copy of the page.
public protocol PageSource: AnyObject {
  /// The contents of whole 4 KiB pages, by page frame number, in order: each 4096 bytes, or
  /// nil where the source has no memory (or failed: the source keeps its own error for the
  /// caller to report, and the page reads as zero meanwhile). Asking for many pages at once
  /// lets a source overlap their round trips.
  func readPages(_ pfns: [UInt64]) -> [[UInt8]?]
}
