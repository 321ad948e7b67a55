import Foundation
import MMU
import MMUCoreFile
import MMUTestSupport
import Testing

/// PhysicalMemory.mapFileSegments: pieces of one file at their physical addresses, at any
/// file offset, never copied.
@Suite("Core segments in physical memory")
struct SegmentMappingTests {
  @Test("an odd file offset, a partial last page, zero fill to p_memsz, p_paddr all ones")
  func mapping() throws {
    let folder = try TemporaryFolder("mmush-core")
    var page = [UInt8](repeating: 0, count: 0x2000 + 12)
    for i in stride(from: 0, to: page.count - 7, by: 8) {
      page.replaceSubrange(i..<i + 8, with: ELFBuilder.le64(0x1000_0000 + UInt64(i)))
    }
    var b = ELFBuilder()
    b.notes = ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
    page.replaceSubrange(0x2008..<0x200c, with: ELFBuilder.le32(0xaabb_ccdd))
    // A second segment after 16 bytes of 0xee padding: the file goes on after the first.
    b.loads = [
      .init(address: 0x4000_0000, bytes: page, memorySize: 0x5000, padding: 5),
      .init(address: 0x5000_0000, bytes: [9], padding: 16),
    ]
    b.unphysicalLoads = 2
    let path = folder.write("core", b.build())
    let core = try KernelCore(path: path)
    #expect(core.elf.loads[0].fileOffset % 8 != 0)
    let m = PhysicalMemory()
    try core.map(into: m)
    // Each 8-byte value was written as 0x1000_0000 + its offset in the segment.
    #expect(m.read64(0x4000_0000) == 0x1000_0000)
    #expect(m.read64(0x4000_1ff8) == 0x1000_1ff8)
    #expect(m.read64(0x4000_2000) == 0x1000_2000)
    // The partial last page: its 12 bytes, then zeros (not the file's next bytes).
    #expect(try m.read(0x4000_2008, size: 4) == 0xaabb_ccdd)
    #expect(try m.read(0x4000_200c, size: 4) == 0)
    // p_memsz past p_filesz reads zero.
    #expect(m.read64(0x4000_4ff8) == 0)
    // Only the partial pages were copied (one a segment).
    #expect(m.allocatedPages == 2)
    #expect(try m.read(0x5000_0000, size: 1) == 9)
    // Writing a mapped page makes a private copy; the file is unchanged.
    try m.write64(0x4000_0000, 0xdead)
    #expect(m.read64(0x4000_0000) == 0xdead)
    let again = PhysicalMemory()
    try core.map(into: again)
    #expect(again.read64(0x4000_0000) == 0x1000_0000)
  }

  @Test("a range already backed is refused before anything is mapped")
  func overlap() throws {
    let folder = try TemporaryFolder("mmush-core")
    let path = folder.write("f", [UInt8](repeating: 7, count: 0x3000))
    let m = PhysicalMemory()
    try m.write64(0x1000_2000, 1)
    // The second piece covers 0x1000_1000..0x1000_2fff; 0x1000_2000 was written.
    #expect(throws: MemoryError.file(path: path, reason: .alreadyBacked(pa: 0x1000_2000))) {
      try m.mapFileSegments(
        path: path,
        [
          .init(address: 0x2000_0000, offset: 0, length: 0x1000),
          .init(address: 0x1000_1000, offset: 0x1000, length: 0x2000),
        ])
    }
    #expect(m.read64(0x2000_0000) == 0)
    // 0x2000 + 0x2000 bytes from a 0x3000-byte file.
    #expect(
      throws: MemoryError.file(path: path, reason: .pastEnd(offset: 0x2000, length: 0x2000))
    ) {
      try m.mapFileSegments(
        path: path, [.init(address: 0x3000_0000, offset: 0x2000, length: 0x2000)])
    }
    // Two pieces over the page at 0x4000_1000.
    #expect(throws: MemoryError.file(path: path, reason: .overlappingSegments(pa: 0x4000_1000))) {
      try m.mapFileSegments(
        path: path,
        [
          .init(address: 0x4000_0000, offset: 0, length: 0x2000),
          .init(address: 0x4000_1000, offset: 0, length: 0x1000),
        ])
    }
    #expect(throws: MemoryError.file(path: folder.path, reason: .notRegularFile)) {
      try m.mapFileSegments(path: folder.path, [])
    }
    #expect(
      throws: MemoryError.file(path: folder.path + "/none", reason: .system(errno: ENOENT))
    ) {
      try m.mapFileSegments(path: folder.path + "/none", [])
    }
  }

  @Test("a 4 GiB sparse core maps without reading or allocating anything")
  func sparseFourGiB() throws {
    let folder = try TemporaryFolder("mmush-core")
    var b = ELFBuilder()
    b.notes = ELFBuilder.vmcoreinfo(ELFBuilder.linuxInfo)
    b.loads = [.init(address: 0x4000_0000, bytes: [1, 2, 3, 4, 5, 6, 7, 8], padding: 0x4f0)]
    var bytes = b.build()
    // Program header 1 is the PT_LOAD: make it 4 GiB, then extend the file with a hole.
    bytes.set64(ELFBuilder.programHeaderOffset(1) + 32, 4 << 30)
    bytes.set64(ELFBuilder.programHeaderOffset(1) + 40, 4 << 30)
    let path = folder.write("big", bytes)
    let offset = bytes.count - 8
    #expect(truncate(path, off_t(offset) + (4 << 30)) == 0)
    let start = ContinuousClock.now
    let core = try KernelCore(path: path)
    let m = PhysicalMemory()
    try core.map(into: m)
    let elapsed = ContinuousClock.now - start
    print("4 GiB sparse core loaded in \(elapsed)")
    #expect(m.pagesInUse == 0)
    #expect(m.read64(0x4000_0000) == 0x0807_0605_0403_0201)
    #expect(m.read64(0x4000_0000 + (4 << 30) - 8) == 0)
  }
}
