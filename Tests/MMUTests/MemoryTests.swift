import Testing

@testable import MMU

#if canImport(Glibc)
  import Glibc
#endif

@Suite("Physical memory")
struct MemoryTests {
  @Test("8/16/32/64-bit accesses are little-endian")
  func littleEndian() throws {
    let m = PhysicalMemory()
    try m.write(0x1000, 0x1122_3344_5566_7788, size: 8)
    #expect(try m.read(0x1000, size: 1) == 0x88)
    #expect(try m.read(0x1001, size: 1) == 0x77)
    #expect(try m.read(0x1007, size: 1) == 0x11)
    #expect(try m.read(0x1000, size: 2) == 0x7788)
    #expect(try m.read(0x1006, size: 2) == 0x1122)
    #expect(try m.read(0x1000, size: 4) == 0x5566_7788)
    #expect(try m.read(0x1004, size: 4) == 0x1122_3344)
    #expect(m.read64(0x1000) == 0x1122_3344_5566_7788)
    // Narrow writes truncate the value and touch only their bytes.
    try m.write(0x1002, 0xABCD_EF01, size: 2)
    #expect(m.read64(0x1000) == 0x1122_3344_EF01_7788)
    try m.write(0x1004, 0xFFFF_FFFF_0000_0042, size: 4)
    #expect(m.read64(0x1000) == 0x0000_0042_EF01_7788)
    try m.write(0x1007, 0x1FF, size: 1)
    #expect(try m.read(0x1000, size: 8) == 0xFF00_0042_EF01_7788)
    #expect(try m.readBytes(0x1000, count: 8) == [0x88, 0x77, 0x01, 0xEF, 0x42, 0, 0, 0xFF])
  }

  @Test("sparse: unwritten memory reads 0 without allocating; pages cost only when written")
  func sparse() throws {
    let m = PhysicalMemory()
    #expect(try m.read(0x1234_5678_9000, size: 8) == 0)
    #expect(m.read64(0x000F_FFFF_FFFF_FFF8) == 0)
    #expect(m.allocatedPages == 0)
    try m.write(0, 1, size: 1)
    try m.write((1 << 52) - 8, 0xAA55, size: 8)
    try m.write(0x8_0000_0000, 2, size: 4)
    #expect(m.allocatedPages == 3)
    #expect(try m.read((1 << 52) - 8, size: 8) == 0xAA55)
    #expect(try m.read((1 << 52) - 1, size: 1) == 0)
    #expect(m.isBacked(0x8_0000_0FFF) && !m.isBacked(0x8_0000_1000))
    // Many pages: the hash grows; every one reads back.
    for i: UInt64 in 0..<5000 { try m.write64(0x1_0000_0000 + i * 0x1_0000, i) }
    #expect(m.allocatedPages == 5003)
    for i: UInt64 in stride(from: 0, to: 5000, by: 97) {
      #expect(m.read64(0x1_0000_0000 + i * 0x1_0000) == i)
    }
    // Discarding pages returns them; their contents read as zero.
    for i: UInt64 in 0..<5000 { m.discardPage(0x1_0000_0000 + i * 0x1_0000) }
    #expect(m.allocatedPages == 3)
    #expect(m.read64(0x1_0000_0000 + 4999 * 0x1_0000) == 0)
    #expect(try m.read((1 << 52) - 8, size: 8) == 0xAA55)
  }

  @Test("addresses at or beyond 2^52 are errors; bad sizes and misalignment too")
  func outOfRange() {
    let m = PhysicalMemory()
    #expect(throws: MemoryError.outOfRange(address: 1 << 52)) { try m.read(1 << 52, size: 1) }
    #expect(throws: MemoryError.outOfRange(address: 1 << 52)) { try m.write(1 << 52, 0, size: 8) }
    #expect(throws: MemoryError.outOfRange(address: 0xFFFF_FFFF_FFFF_FFF8)) {
      try m.write64(0xFFFF_FFFF_FFFF_FFF8, 0)
    }
    #expect(throws: MemoryError.self) { try m.readBytes((1 << 52) - 4, count: 8) }
    #expect(throws: MemoryError.self) { try m.writeBytes((1 << 52) - 4, [1, 2, 3, 4, 5]) }
    #expect(throws: MemoryError.badAccess(address: 0x1001, size: 2)) {
      try m.read(0x1001, size: 2)
    }
    #expect(throws: MemoryError.badAccess(address: 0x1000, size: 3)) {
      try m.read(0x1000, size: 3)
    }
    #expect(throws: MemoryError.badAccess(address: 0x1004, size: 8)) { try m.write64(0x1004, 0) }
    #expect(m.allocatedPages == 0)
  }

  @Test("byte ranges cross page boundaries")
  func byteRanges() throws {
    let m = PhysicalMemory()
    let bytes: [UInt8] = (0..<20).map { UInt8($0 + 1) }
    try m.writeBytes(0x1FF6, bytes)
    #expect(m.allocatedPages == 2)
    #expect(try m.readBytes(0x1FF6, count: 20) == bytes)
    #expect(try m.read(0x1FF8, size: 8) == 0x0A09_0807_0605_0403)
    #expect(try m.read(0x2000, size: 1) == 11)
  }

  @Test("the page budget is enforced")
  func budget() throws {
    let m = PhysicalMemory(pageBudget: 2)
    try m.write(0, 1, size: 1)
    try m.write(0x1000, 1, size: 1)
    #expect(throws: MemoryError.budgetExceeded(limitPages: 2)) { try m.write(0x2000, 1, size: 1) }
    // Writing an existing page still works.
    try m.write(0x1008, 5, size: 1)
    #expect(m.allocatedPages == 2)
  }

  static func tempFile(_ bytes: [UInt8]) -> String {
    var template = Array("/tmp/mmutest-XXXXXX".utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
    return String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func overwrite(_ path: String, at offset: Int, _ bytes: [UInt8]) {
    let fd = open(path, O_WRONLY)
    precondition(fd >= 0)
    _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, off_t(offset)) }
    close(fd)
  }

  @Test("mapFile maps a file without copying: reads come from the file")
  func mapFile() throws {
    // 3 pages minus a bit: 0x2F00 bytes, byte i = i & 0xFF.
    let bytes: [UInt8] = (0..<0x2F00).map { UInt8($0 & 0xFF) }
    let path = Self.tempFile(bytes)
    defer { unlink(path) }
    let m = PhysicalMemory()
    let size = try m.mapFile(at: 0x4000_0000, path: path)
    #expect(size == 0x2F00)
    #expect(try m.read(0x4000_0000, size: 8) == 0x0706_0504_0302_0100)
    #expect(try m.read(0x4000_2EF8, size: 8) == 0xFFFE_FDFC_FBFA_F9F8)
    // Past the end of the file, inside the last page: zero.
    #expect(try m.read(0x4000_2F00, size: 8) == 0)
    // Nothing was copied into the model's own pages.
    #expect(m.allocatedPages == 0)
    // The mapping is of the file itself: a change made to the file afterwards is visible
    // through memory (Linux MAP_PRIVATE shares unwritten pages with the page cache).
    Self.overwrite(path, at: 0x1010, [0xDE, 0xAD, 0xBE, 0xEF])
    #expect(try m.read(0x4000_1010, size: 4) == 0xEFBE_ADDE)
    // A write goes to a private copy, never to the file.
    try m.write(0x4000_0000, 0x99, size: 1)
    #expect(try m.read(0x4000_0000, size: 1) == 0x99)
    let fd = open(path, O_RDONLY)
    var first: UInt8 = 0xFF
    _ = read(fd, &first, 1)
    close(fd)
    #expect(first == 0)
    #expect(m.allocatedPages == 0)
    // Mapping over backed memory, or misaligned, is refused.
    #expect(throws: MemoryError.self) { try m.mapFile(at: 0x4000_1000, path: path) }
    #expect(throws: MemoryError.badAccess(address: 0x5000_0800, size: 4096)) {
      try m.mapFile(at: 0x5000_0800, path: path)
    }
    #expect(throws: MemoryError.self) { try m.mapFile(at: 0x6000_0000, path: "/nonexistent/x") }
  }

  @Test("a file mapped at the end of PA space must fit below 2^52")
  func mapFileLimit() throws {
    let path = Self.tempFile([UInt8](repeating: 7, count: 0x1800))
    defer { unlink(path) }
    let m = PhysicalMemory()
    #expect(throws: MemoryError.outOfRange(address: (1 << 52) - 0x1000)) {
      try m.mapFile(at: (1 << 52) - 0x1000, path: path)
    }
    try m.mapFile(at: (1 << 52) - 0x2000, path: path)
    #expect(try m.read((1 << 52) - 0x2000 + 0x17FF, size: 1) == 7)
  }
}
