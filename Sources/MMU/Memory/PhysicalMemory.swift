#if canImport(Glibc)
  import Glibc
#endif

/// Sparse, page-granular simulated physical memory below 2^52.
///
/// Pages are 4 KiB, allocated on first write and found through an open-addressing hash of
/// page frame numbers, so cost grows with what is written, never with the size of the
/// address space. Unwritten memory reads as zero. Ranges loaded from a file are mapped
/// (MAP_PRIVATE), so a multi-GiB dump costs nothing until read, and writes to them are
/// private copies. Descriptors are read straight from page storage on the walker's hot path.
public final class PhysicalMemory {
  public static let pageBits = 12
  public static let pageSize = 4096
  /// Physical addresses are below 2^52 in every configuration the architecture has.
  public static let addressLimit: UInt64 = 1 << 52

  // The model runs on one thread and nothing here calls out while it mutates these, so they
  // opt out of dynamic exclusivity checks: one would cost more than the descriptor read.
  /// Keys are pfn + 1 (0 marks an empty slot); values are page pointers.
  @exclusivity(unchecked) private var keys: UnsafeMutablePointer<UInt64>
  @exclusivity(unchecked) private var pages: UnsafeMutablePointer<UnsafeMutableRawPointer?>
  @exclusivity(unchecked) private var capacity: Int
  /// Counts the changes that can alter what memory reads: every writable page handed out
  /// (all writes go through `writablePage`), every page discarded, every file mapped. A
  /// cache of values read from memory (a TLB entry's descriptor path) that was checked at
  /// this generation still holds while it is unchanged.
  @exclusivity(unchecked) public private(set) var generation: UInt64 = 0
  /// Pages this object allocated (file-mapped pages are not counted).
  public private(set) var allocatedPages = 0
  /// Pages of loaded files written since (each a private copy the kernel made): they count
  /// against the budget too, or writing every page of a large loaded file would not.
  public private(set) var copiedFilePages = 0
  private var copiedFilePFNs: Set<UInt64> = []
  /// What counts against `pageBudget`.
  public var pagesInUse: Int { allocatedPages + copiedFilePages }
  private var occupied = 0
  /// The most pages that may be allocated; writes past it fail with `budgetExceeded`.
  public var pageBudget: Int
  /// File mappings: page-aligned base PA, length, host address.
  @exclusivity(unchecked)
  private var fileRegions: [(base: UInt64, length: UInt64, host: UnsafeMutableRawPointer)] = []
  /// Memory read on demand (a live guest); see `PageSource`.
  @exclusivity(unchecked) public private(set) var pageSource: PageSource?
  /// Pages copied from the source and not written since: `dropSourcePages` forgets them.
  private var sourcePFNs: Set<UInt64> = []
  /// Pages the source has no memory for (read as zero without asking again).
  private var absentPFNs: Set<UInt64> = []
  /// Set when a page from the source could not be kept because the budget was spent.
  public private(set) var sourceBudgetExceeded = false
  /// The mmap calls behind `fileRegions`, for munmap (a region's host pointer may lie inside
  /// its mapping: a core's segment need not start on a page of the file).
  private var mappings: [(address: UnsafeMutableRawPointer, length: Int)] = []

  public init(pageBudget: Int = 4 << 20) {
    self.pageBudget = pageBudget
    capacity = 1024
    keys = .allocate(capacity: capacity)
    keys.initialize(repeating: 0, count: capacity)
    pages = .allocate(capacity: capacity)
    pages.initialize(repeating: nil, count: capacity)
  }

  deinit {
    for i in 0..<capacity where keys[i] != 0 {
      let pfn = keys[i] - 1
      if isOwned(pfn: pfn) { pages[i]?.deallocate() }
    }
    keys.deallocate()
    pages.deallocate()
    for m in mappings { munmap(m.address, m.length) }
  }

  private func isOwned(pfn: UInt64) -> Bool {
    fileRegions.isEmpty || fileRegion(containing: pfn << 12) == nil
  }

  @inline(always)
  private func slot(for key: UInt64) -> Int {
    // Fibonacci hashing: page frames of a table pool are consecutive; spread them.
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 20) & (capacity - 1)
  }

  /// The storage of the page holding `pa`, if it exists.
  @inline(__always)
  public func pagePointer(_ pa: UInt64) -> UnsafeMutableRawPointer? {
    let key = (pa >> 12) &+ 1
    var i = slot(for: key)
    while true {
      let k = keys[i]
      if k == key { return pages[i] }
      if k == 0 { break }
      i = (i + 1) & (capacity - 1)
    }
    return fileRegions.isEmpty && pageSource == nil ? nil : missingPage(pa)
  }

  /// A page not in the hash: from a file mapping, else from the page source.
  private func missingPage(_ pa: UInt64) -> UnsafeMutableRawPointer? {
    if !fileRegions.isEmpty, let p = filePage(pa) { return p }
    guard pageSource != nil, pa < Self.addressLimit else { return nil }
    prefetch([pa])
    let key = (pa >> 12) &+ 1
    var i = slot(for: key)
    while keys[i] != 0 {
      if keys[i] == key { return pages[i] }
      i = (i + 1) & (capacity - 1)
    }
    return nil
  }

  /// The file region holding `pa`. Regions are kept sorted by base and never overlap, so a
  /// binary search finds it however many files a script loads.
  private func fileRegion(containing pa: UInt64) -> Int? {
    let i = fileRegionsStarting(before: pa &+ 1)
    guard i > 0, pa - fileRegions[i - 1].base < fileRegions[i - 1].length else { return nil }
    return i - 1
  }

  /// How many file regions start below `address` (those before it in sorted order).
  private func fileRegionsStarting(before address: UInt64) -> Int {
    var lo = 0
    var hi = fileRegions.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if fileRegions[mid].base < address { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// A page of a file mapping, entered into the hash on first touch.
  private func filePage(_ pa: UInt64) -> UnsafeMutableRawPointer? {
    guard let r = fileRegion(containing: pa) else { return nil }
    let region = fileRegions[r]
    let offset = (pa & ~0xfff) - region.base
    let host = region.host + Int(offset)
    insert(pfn: pa >> 12, page: host)
    return host
  }

  private func insert(pfn: UInt64, page: UnsafeMutableRawPointer) {
    if (occupied + 1) * 4 > capacity * 3 { grow() }
    let key = pfn &+ 1
    var i = slot(for: key)
    while keys[i] != 0 && keys[i] != key { i = (i + 1) & (capacity - 1) }
    if keys[i] == 0 { occupied += 1 }
    keys[i] = key
    pages[i] = page
  }

  private func grow() {
    let oldKeys = keys
    let oldPages = pages
    let oldCapacity = capacity
    capacity *= 2
    keys = .allocate(capacity: capacity)
    keys.initialize(repeating: 0, count: capacity)
    pages = .allocate(capacity: capacity)
    pages.initialize(repeating: nil, count: capacity)
    occupied = 0
    for i in 0..<oldCapacity where oldKeys[i] != 0 {
      if let p = oldPages[i] { insert(pfn: oldKeys[i] - 1, page: p) }
    }
    oldKeys.deallocate()
    oldPages.deallocate()
  }

  /// Removes a page from the hash by backward-shift deletion (linear probing).
  private func remove(pfn: UInt64) -> UnsafeMutableRawPointer? {
    let key = pfn &+ 1
    var i = slot(for: key)
    while keys[i] != key {
      if keys[i] == 0 { return nil }
      i = (i + 1) & (capacity - 1)
    }
    let page = pages[i]
    keys[i] = 0
    pages[i] = nil
    occupied -= 1
    var j = i
    while true {
      j = (j + 1) & (capacity - 1)
      if keys[j] == 0 { break }
      let home = slot(for: keys[j])
      // Move j back into the hole at i when its home slot does not lie in (i, j].
      let between = i <= j ? (home > i && home <= j) : (home > i || home <= j)
      if !between {
        keys[i] = keys[j]
        pages[i] = pages[j]
        keys[j] = 0
        pages[j] = nil
        i = j
      }
    }
    return page
  }

  // MARK: Memory on demand

  /// Reads memory this object does not hold from `source` from now on.
  public func attach(source: PageSource) {
    pageSource = source
    generation &+= 1
  }

  /// Asks the page source, in one batch, for the pages holding `addresses` that are not
  /// held yet (the table visitor passes a table's children before descending into them).
  public func prefetch(_ addresses: [UInt64]) {
    guard let source = pageSource else { return }
    var wanted: [UInt64] = []
    var seen: Set<UInt64> = []
    for a in addresses where a < Self.addressLimit {
      let pfn = a >> 12
      guard !absentPFNs.contains(pfn), seen.insert(pfn).inserted else { continue }
      if hashed(pfn: pfn) || fileRegion(containing: a) != nil { continue }
      wanted.append(pfn)
    }
    guard !wanted.isEmpty else { return }
    let contents = source.readPages(wanted)
    for (pfn, bytes) in zip(wanted, contents) {
      guard let bytes, bytes.count == Self.pageSize else {
        absentPFNs.insert(pfn)
        continue
      }
      guard pagesInUse < pageBudget else {
        sourceBudgetExceeded = true
        return
      }
      let p = UnsafeMutableRawPointer.allocate(byteCount: Self.pageSize, alignment: 16)
      bytes.withUnsafeBytes { p.copyMemory(from: $0.baseAddress!, byteCount: Self.pageSize) }
      insert(pfn: pfn, page: p)
      allocatedPages += 1
      sourcePFNs.insert(pfn)
    }
    generation &+= 1
  }

  /// Forgets every page copied from the source and not written since (the guest ran): the
  /// next read asks again. Pages the model wrote stay, as its own copies.
  public func dropSourcePages() {
    for pfn in sourcePFNs {
      if let p = remove(pfn: pfn) {
        p.deallocate()
        allocatedPages -= 1
      }
    }
    sourcePFNs = []
    absentPFNs = []
    sourceBudgetExceeded = false
    generation &+= 1
  }

  private func hashed(pfn: UInt64) -> Bool {
    let key = pfn &+ 1
    var i = slot(for: key)
    while keys[i] != 0 {
      if keys[i] == key { return true }
      i = (i + 1) & (capacity - 1)
    }
    return false
  }

  /// The page holding `pa`, allocated (zeroed) if it does not exist yet.
  public func writablePage(_ pa: UInt64) throws(MemoryError) -> UnsafeMutableRawPointer {
    guard pa < Self.addressLimit else { throw .outOfRange(address: pa) }
    let pfn = pa >> 12
    // The caller may write through the page: memory may change.
    generation &+= 1
    // File pages are mapped MAP_PRIVATE: writing them makes a private copy, never the file.
    if let p = pagePointer(pa) {
      // A page copied from the source becomes the model's own: kept across a refresh.
      if pageSource != nil { sourcePFNs.remove(pfn) }
      if !fileRegions.isEmpty, !copiedFilePFNs.contains(pfn), fileRegion(containing: pa) != nil {
        guard pagesInUse < pageBudget else { throw .budgetExceeded(limitPages: pageBudget) }
        copiedFilePFNs.insert(pfn)
        copiedFilePages += 1
      }
      return p
    }
    guard pagesInUse < pageBudget else { throw .budgetExceeded(limitPages: pageBudget) }
    // 16-byte alignment, malloc's own: nothing needs more than 8 (descriptor loads), and a
    // page-aligned 4 KiB allocation costs glibc 8 KiB, doubling the memory of every table.
    let p = UnsafeMutableRawPointer.allocate(byteCount: Self.pageSize, alignment: 16)
    p.initializeMemory(as: UInt8.self, repeating: 0, count: Self.pageSize)
    insert(pfn: pfn, page: p)
    allocatedPages += 1
    return p
  }

  /// Frees the page holding `pa` (its contents read as zero again). File pages are kept.
  public func discardPage(_ pa: UInt64) {
    let pfn = pa >> 12
    if fileRegion(containing: pa) != nil { return }
    if let p = remove(pfn: pfn) {
      sourcePFNs.remove(pfn)
      p.deallocate()
      allocatedPages -= 1
      generation &+= 1
    }
  }

  /// The page-aligned addresses of every page with storage (written pages, and pages of
  /// loaded files read or written so far), in ascending order: what a copy of the memory
  /// must hold (untouched file pages are not listed).
  public func backedPages() -> [UInt64] {
    var out: [UInt64] = []
    out.reserveCapacity(occupied)
    for i in 0..<capacity where keys[i] != 0 { out.append((keys[i] - 1) << 12) }
    return out.sorted()
  }

  /// Whether any storage backs `pa` (written, or file-mapped).
  public func isBacked(_ pa: UInt64) -> Bool { pagePointer(pa) != nil }

  // MARK: Accesses

  /// Reads a naturally aligned 64-bit little-endian value (descriptor fetches).
  @inline(__always)
  public func read64(_ pa: UInt64) -> UInt64 {
    guard let p = pagePointer(pa) else { return 0 }
    return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: Int(pa & 0xff8), as: UInt64.self))
  }

  /// Writes a naturally aligned 64-bit little-endian value.
  public func write64(_ pa: UInt64, _ value: UInt64) throws(MemoryError) {
    guard pa & 7 == 0 else { throw .badAccess(address: pa, size: 8) }
    let p = try writablePage(pa)
    p.storeBytes(of: value.littleEndian, toByteOffset: Int(pa & 0xff8), as: UInt64.self)
  }

  /// Reads 1, 2, 4 or 8 bytes, naturally aligned.
  public func read(_ pa: UInt64, size: Int) throws(MemoryError) -> UInt64 {
    try checkAccess(pa, size)
    guard let p = pagePointer(pa) else { return 0 }
    let off = Int(pa & 0xfff)
    switch size {
    case 1: return UInt64(p.loadUnaligned(fromByteOffset: off, as: UInt8.self))
    case 2:
      return UInt64(UInt16(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt16.self)))
    case 4:
      return UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt32.self)))
    default: return UInt64(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt64.self))
    }
  }

  /// Writes 1, 2, 4 or 8 bytes (the value truncated to the size), naturally aligned.
  public func write(_ pa: UInt64, _ value: UInt64, size: Int) throws(MemoryError) {
    try checkAccess(pa, size)
    let p = try writablePage(pa)
    let off = Int(pa & 0xfff)
    switch size {
    case 1: p.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: off, as: UInt8.self)
    case 2:
      p.storeBytes(
        of: UInt16(truncatingIfNeeded: value).littleEndian, toByteOffset: off, as: UInt16.self)
    case 4:
      p.storeBytes(
        of: UInt32(truncatingIfNeeded: value).littleEndian, toByteOffset: off, as: UInt32.self)
    default: p.storeBytes(of: value.littleEndian, toByteOffset: off, as: UInt64.self)
    }
  }

  private func checkAccess(_ pa: UInt64, _ size: Int) throws(MemoryError) {
    guard pa < Self.addressLimit else { throw .outOfRange(address: pa) }
    guard [1, 2, 4, 8].contains(size), pa % UInt64(size) == 0 else {
      throw .badAccess(address: pa, size: size)
    }
  }

  /// Copies `count` bytes starting at `pa` (unbacked bytes read as zero).
  public func readBytes(_ pa: UInt64, count: Int) throws(MemoryError) -> [UInt8] {
    let (end, o) = pa.addingReportingOverflow(UInt64(max(count, 0)))
    guard !o, end <= Self.addressLimit else { throw .outOfRange(address: pa) }
    var out = [UInt8](repeating: 0, count: max(count, 0))
    var done = 0
    while done < count {
      let a = pa + UInt64(done)
      let inPage = min(count - done, Self.pageSize - Int(a & 0xfff))
      if let p = pagePointer(a) {
        out.withUnsafeMutableBytes { dst in
          dst.baseAddress!.advanced(by: done).copyMemory(
            from: p.advanced(by: Int(a & 0xfff)), byteCount: inPage)
        }
      }
      done += inPage
    }
    return out
  }

  /// Writes bytes starting at `pa`.
  public func writeBytes(_ pa: UInt64, _ bytes: [UInt8]) throws(MemoryError) {
    let (end, o) = pa.addingReportingOverflow(UInt64(bytes.count))
    guard !o, end <= Self.addressLimit else { throw .outOfRange(address: pa) }
    var done = 0
    while done < bytes.count {
      let a = pa + UInt64(done)
      let inPage = min(bytes.count - done, Self.pageSize - Int(a & 0xfff))
      let p = try writablePage(a)
      bytes.withUnsafeBytes { src in
        p.advanced(by: Int(a & 0xfff)).copyMemory(
          from: src.baseAddress!.advanced(by: done), byteCount: inPage)
      }
      done += inPage
    }
  }

  /// Opens `path` for reading, refusing anything but a regular file, and returns the
  /// descriptor (the caller closes it) and the file's size. Non-blocking: a FIFO's open would
  /// otherwise wait for a writer (it is refused here).
  static func openRegularFile(_ path: String) throws(MemoryError) -> (fd: Int32, size: UInt64) {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw .file(path: path, reason: .system(errno: errno)) }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let e = errno
      close(fd)
      throw .file(path: path, reason: .system(errno: e))
    }
    guard (st.st_mode & S_IFMT) == S_IFREG else {
      close(fd)
      throw .file(path: path, reason: .notRegularFile)
    }
    return (fd, UInt64(max(st.st_size, 0)))
  }

  /// Maps a file at `pa` without copying it (MAP_PRIVATE). `pa` must be page aligned; the
  /// range must not overlap pages already written or another file. Returns the file size.
  @discardableResult
  public func mapFile(at pa: UInt64, path: String) throws(MemoryError) -> UInt64 {
    guard pa & 0xfff == 0 else { throw .badAccess(address: pa, size: Self.pageSize) }
    let (fd, size) = try Self.openRegularFile(path)
    defer { close(fd) }
    guard size > 0 else { return 0 }
    let (end, o) = pa.addingReportingOverflow(size)
    guard !o, end <= Self.addressLimit else { throw .outOfRange(address: pa) }
    let length = (size + 0xfff) & ~0xfff
    try checkUnused(pa, length, path: path)
    // Where the region goes among the others, sorted by base.
    let slot = fileRegionsStarting(before: pa + length)
    guard let host = mmap(nil, Int(length), PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0),
      host != MAP_FAILED
    else { throw .file(path: path, reason: .system(errno: errno)) }
    fileRegions.insert((pa, length, host), at: slot)
    mappings.append((host, Int(length)))
    generation &+= 1
    return size
  }

  /// Throws when a page of [pa, pa + length) is already backed: a written page or a file.
  /// Written pages are looked up one by one, or, for a range larger than the page table (a
  /// huge sparse file), found by scanning the table, so the check costs no more than the
  /// memory in use.
  private func checkUnused(_ pa: UInt64, _ length: UInt64, path: String) throws(MemoryError) {
    let slot = fileRegionsStarting(before: pa + length)
    if slot > 0, fileRegions[slot - 1].base + fileRegions[slot - 1].length > pa {
      let r = fileRegions[slot - 1]
      throw .file(path: path, reason: .alreadyBacked(pa: max(pa, r.base)))
    }
    let first = pa >> 12
    let past = (pa + length + 0xfff) >> 12
    if past - first <= UInt64(capacity) {
      for pfn in first..<past where pagePointer(pfn << 12) != nil {
        throw .file(path: path, reason: .alreadyBacked(pa: pfn << 12))
      }
    } else {
      for i in 0..<capacity where keys[i] != 0 && keys[i] - 1 >= first && keys[i] - 1 < past {
        let a = (keys[i] - 1) << 12
        throw .file(path: path, reason: .alreadyBacked(pa: a))
      }
    }
  }

  /// A piece of a file that appears in physical memory: `length` bytes at file `offset`
  /// from `address` on (a PT_LOAD of a core).
  public struct FileSegment: Sendable, Equatable {
    public var address: UInt64
    public var offset: UInt64
    public var length: UInt64
    public init(address: UInt64, offset: UInt64, length: UInt64) {
      self.address = address
      self.offset = offset
      self.length = length
    }
  }

  /// Maps pieces of one file at their physical addresses without copying (MAP_PRIVATE,
  /// MAP_NORESERVE: a 4 GiB core costs nothing until read). Addresses must be page aligned;
  /// an offset may be anything (QEMU's RAM starts at offset 0x4f0, or 0x1b14 with more
  /// notes): the mapping starts at the page below it, and every read of page storage is an
  /// unaligned load, so a descriptor may sit at any host address. A piece's partial last page
  /// is copied, so the bytes after the piece read as zero.
  /// All or nothing: every range is checked before anything is mapped.
  public func mapFileSegments(path: String, _ segments: [FileSegment]) throws(MemoryError) {
    let (fd, size) = try Self.openRegularFile(path)
    defer { close(fd) }
    let sorted = segments.filter { $0.length > 0 }.sorted { $0.address < $1.address }
    var previousEnd: UInt64 = 0
    for s in sorted {
      guard s.address & 0xfff == 0 else {
        throw .badAccess(address: s.address, size: Self.pageSize)
      }
      let (end, o) = s.address.addingReportingOverflow(s.length)
      guard !o, end <= Self.addressLimit else { throw .outOfRange(address: s.address) }
      let (fileEnd, fo) = s.offset.addingReportingOverflow(s.length)
      guard !fo, fileEnd <= size else {
        throw .file(path: path, reason: .pastEnd(offset: s.offset, length: s.length))
      }
      guard s.address >= previousEnd else {
        throw .file(path: path, reason: .overlappingSegments(pa: s.address))
      }
      previousEnd = end
      try checkUnused(s.address, s.length, path: path)
    }
    for s in sorted {
      let whole = s.length & ~0xfff
      let start = s.offset & ~0xfff
      let delta = Int(s.offset - start)
      if whole > 0 {
        let length = delta + Int(whole)
        guard
          let base = mmap(
            nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_NORESERVE, fd, off_t(start)),
          base != MAP_FAILED
        else { throw .file(path: path, reason: .system(errno: errno)) }
        mappings.append((base, length))
        fileRegions.insert(
          (s.address, whole, base + delta), at: fileRegionsStarting(before: s.address))
        generation &+= 1
      }
      if s.length > whole {
        var tail = [UInt8](repeating: 0, count: Int(s.length - whole))
        var done = 0
        while done < tail.count {
          let n = tail.withUnsafeMutableBytes {
            pread(fd, $0.baseAddress! + done, $0.count - done, off_t(s.offset + whole) + done)
          }
          if n < 0 && errno == EINTR { continue }
          guard n > 0 else {
            throw .file(path: path, reason: n == 0 ? .truncated : .system(errno: errno))
          }
          done += n
        }
        try writeBytes(s.address + whole, tail)
      }
    }
  }
}
