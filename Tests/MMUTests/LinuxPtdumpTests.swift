import Testing

@testable import MMU

/// The kernel's naming and counting rules, on hand-made rows (arch/arm64/mm/ptdump.c).
@Suite("Linux ptdump rules")
struct LinuxPtdumpTests {
  @Test("level names: PGD at the start level, then the last names P4D PUD PMD PTE leave")
  func levelNames() {
    // 5 levels (LPA2, start -1): PGD P4D PUD PMD PTE; 4 levels: PGD PUD PMD PTE;
    // 3 levels: PGD PMD PTE; 2 levels (64K/42): PGD PTE.
    let g5 = Geometry.stage1(granule: .k4, inputBits: 52, ds: true)
    #expect((-1...3).map { LinuxPtdump.kernelLevel($0, geometry: g5) } == [0, 1, 2, 3, 4])
    let g4 = Geometry.stage1(granule: .k4, inputBits: 48)
    #expect((0...3).map { LinuxPtdump.kernelLevel($0, geometry: g4) } == [0, 2, 3, 4])
    let g3 = Geometry.stage1(granule: .k4, inputBits: 39)
    #expect((1...3).map { LinuxPtdump.kernelLevel($0, geometry: g3) } == [0, 3, 4])
    let g2 = Geometry.stage1(granule: .k64, inputBits: 42)
    #expect((2...3).map { LinuxPtdump.kernelLevel($0, geometry: g2) } == [0, 4])
  }

  @Test("check wx: holes never count; any other run counts its pages, invalid ones too")
  func wxCounting() {
    let page: UInt64 = 4096
    let rwx: UInt64 = 0x403 | 1 << 54  // valid page, AF, UXN; RW with PXN clear: W+X
    let userExec: UInt64 = 0x743 | 1 << 53  // USR, SH, AF, PXN; UXN clear: non-UXN only
    let invalid: UInt64 = 0x400  // AF alone, valid clear: ptdump still counts it
    let rows = [
      PtdumpRow(start: 0, end: 0x3000, kernelLevel: 4, level: 3, prot: rwx),
      PtdumpRow(start: 0x3000, end: 0x5000, kernelLevel: 4, level: 3, prot: 0),
      PtdumpRow(start: 0x5000, end: 0x7000, kernelLevel: 4, level: 3, prot: userExec),
      PtdumpRow(start: 0x7000, end: 0x8000, kernelLevel: 4, level: 3, prot: invalid),
    ]
    let w = WXCheck(rows: rows, pageSize: page)
    // W+X: 3 pages (rwx) + 1 (invalid: neither RDONLY nor PXN). Non-UXN: 2 (userExec) + 1.
    #expect(w.wxPages == 4)
    #expect(w.nonUXNPages == 3)
    #expect(!w.passed)
    #expect(w.wxRows.map(\.start) == [0, 0x7000])
  }
}
