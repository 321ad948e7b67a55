import MMU

/// One 4 KiB page's contents, shared by every snapshot in which it did not change: a
/// vector's page is copied into QEMU's memory only when its `PageData` differs from what the
/// previous vector left there.
public final class PageData {
  public let bytes: [UInt8]
  init(_ bytes: [UInt8]) { self.bytes = bytes }
}

/// Physical memory as a query saw it: non-zero pages by page-aligned address.
public struct MemorySnapshot {
  public var pages: [UInt64: PageData]
  public init(pages: [UInt64: PageData] = [:]) { self.pages = pages }

  /// Whether two snapshots share every page object (the cheap equality vectors use).
  func isSame(as other: MemorySnapshot) -> Bool {
    pages.count == other.pages.count
      && pages.allSatisfy { other.pages[$0.key] === $0.value }
  }
}

/// Takes snapshots of one memory, sharing pages with the previous snapshot.
///
/// While the memory's generation is unchanged nothing was written, and the last snapshot is
/// returned as it is. Otherwise each page is compared with its previous copy, so the cost is
/// a comparison per page in use and a copy per page changed.
public final class MemorySnapshotter {
  private var last = MemorySnapshot()
  private var lastGeneration: UInt64?
  private weak var lastMemory: PhysicalMemory?

  public init() {}

  public func snapshot(_ memory: PhysicalMemory) -> MemorySnapshot {
    if lastMemory === memory, lastGeneration == memory.generation { return last }
    var pages: [UInt64: PageData] = [:]
    for pa in memory.backedPages() {
      let bytes = (try? memory.readBytes(pa, count: PhysicalMemory.pageSize)) ?? []
      if bytes.allSatisfy({ $0 == 0 }) { continue }
      if let old = last.pages[pa], old.bytes == bytes {
        pages[pa] = old
      } else {
        pages[pa] = PageData(bytes)
      }
    }
    last = MemorySnapshot(pages: pages)
    lastGeneration = memory.generation
    lastMemory = memory
    return last
  }
}
