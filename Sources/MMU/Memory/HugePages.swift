#if canImport(Glibc)
  import Glibc
#endif

/// Memory for the model's large random-access tables (the TLB's slots, table pages), mapped
/// so that the kernel can back it with 2 MiB pages (`MADV_HUGEPAGE`; transparent huge pages
/// are "madvise" on this machine kind). A hit in a TLB of 262,144 entries, or a walk over a
/// GiB of 4K tables, touches a random line of tens of MiB: with 4 KiB host pages nearly every
/// such touch also misses the host's own TLB, which costs as much as the cache miss.
struct HugePageMapping {
  static let hugePageSize = 2 << 20

  /// The start of the usable, 2 MiB-aligned region.
  let base: UnsafeMutableRawPointer
  private let mapping: UnsafeMutableRawPointer
  private let mappingLength: Int

  /// `bytes` of zeroed memory, aligned to 2 MiB, or nil when the system refuses.
  init?(bytes: Int) {
    let huge = Self.hugePageSize
    let (rounded, o1) = bytes.addingReportingOverflow(huge - 1)
    guard !o1, bytes > 0 else { return nil }
    let length = rounded & ~(huge - 1)
    // One extra huge page of slack to align the start.
    let (total, o2) = length.addingReportingOverflow(huge)
    guard !o2 else { return nil }
    let p = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let p, p != MAP_FAILED else { return nil }
    mapping = p
    mappingLength = total
    let address = UInt(bitPattern: p)
    let aligned = (address &+ UInt(huge - 1)) & ~UInt(huge - 1)
    base = p + Int(aligned &- address)
    // Advice only: without it the memory works the same with small pages.
    _ = madvise(base, length, MADV_HUGEPAGE)
  }

  func release() { munmap(mapping, mappingLength) }
}
