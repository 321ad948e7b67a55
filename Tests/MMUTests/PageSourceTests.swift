import Testing

@testable import MMU

/// A page source that counts what it is asked: pages below 0x100 hold their frame number
/// in every 64-bit word; pages above do not exist.
final class CountingSource: PageSource {
  var asked: [[UInt64]] = []
  func readPages(_ pfns: [UInt64]) -> [[UInt8]?] {
    asked.append(pfns)
    return pfns.map { pfn in
      guard pfn < 0x100 else { return nil }
      return (0..<512).flatMap { _ in (0..<8).map { UInt8(truncatingIfNeeded: pfn >> (8 * $0)) } }
    }
  }
}

@Suite("Physical memory on demand")
struct PageSourceTests {
  @Test func aPageIsAskedForOnceThenKept() {
    let m = PhysicalMemory()
    let s = CountingSource()
    m.attach(source: s)
    #expect(m.read64(0x5008) == 5)
    #expect(m.read64(0x5ff8) == 5)
    #expect(s.asked == [[5]])
    #expect(m.allocatedPages == 1)
  }

  @Test func anAbsentPageReadsAsZeroAndIsNotAskedAgain() {
    let m = PhysicalMemory()
    let s = CountingSource()
    m.attach(source: s)
    #expect(m.read64(0x20_0000) == 0)
    #expect(m.read64(0x20_0008) == 0)
    #expect(s.asked == [[0x200]])
    #expect(m.allocatedPages == 0)
  }

  @Test func writesGoToTheLocalCopyAndSurviveADrop() throws {
    let m = PhysicalMemory()
    let s = CountingSource()
    m.attach(source: s)
    try m.write64(0x7000, 0xdead)
    #expect(m.read64(0x7000) == 0xdead)
    #expect(m.read64(0x7008) == 7)  // the rest of the page is the source's
    _ = m.read64(0x8000)
    m.dropSourcePages()
    #expect(m.read64(0x7000) == 0xdead)  // written: kept
    #expect(m.read64(0x8000) == 8)  // read: asked again
    #expect(s.asked == [[7], [8], [8]])
  }

  @Test func prefetchAsksOnceForWhatIsMissing() {
    let m = PhysicalMemory()
    let s = CountingSource()
    m.attach(source: s)
    _ = m.read64(0x1000)
    m.prefetch([0x1000, 0x2000, 0x2008, 0x3000, 1 << 60])
    #expect(s.asked == [[1], [2, 3]])
    #expect(m.read64(0x3000) == 3)
    #expect(s.asked.count == 2)
  }

  @Test func theBudgetBoundsPagesFromTheSource() {
    let m = PhysicalMemory(pageBudget: 2)
    let s = CountingSource()
    m.attach(source: s)
    m.prefetch([0x1000, 0x2000, 0x3000])
    #expect(m.allocatedPages == 2)
    #expect(m.sourceBudgetExceeded)
    #expect(m.read64(0x1000) == 1)
  }

  /// A table visit asks for a table's child tables in one batch before descending: with
  /// 4K pages and TCR_EL1.T0SZ=16 the walk starts at level 0 (AArch64.S1StartLevel); the
  /// level-0 table at PA 0x1000 points at one level-1 table, which points at three level-2
  /// tables, each with one 2M block.
  @Test func aScanBatchesChildTables() throws {
    final class Tree: PageSource {
      var asked: [[UInt64]] = []
      let tables: [UInt64: [Int: UInt64]] = [
        1: [0: 0x2003], 2: [0: 0x3003, 1: 0x4003, 2: 0x5003],
        3: [0: 0x4000_0401], 4: [0: 0x4020_0401], 5: [0: 0x4040_0401],
      ]
      func readPages(_ pfns: [UInt64]) -> [[UInt8]?] {
        asked.append(pfns)
        return pfns.map { pfn in
          guard let entries = tables[pfn] else { return nil }
          var page = [UInt8](repeating: 0, count: 4096)
          for (i, d) in entries {
            for b in 0..<8 { page[i * 8 + b] = UInt8(truncatingIfNeeded: d >> (8 * b)) }
          }
          return page
        }
      }
    }
    let m = PhysicalMemory()
    let tree = Tree()
    m.attach(source: tree)
    var regs = RegisterFile()
    regs[.tcr_el1] = 16
    regs[.ttbr0_el1] = 0x1000
    let setup = try TranslationSetup.stage1(regs, regime: .el10, va: 0, access: .read).get()
    let view = AddressSpace.registerView(name: "TTBR0_EL1", setup: setup)
    let scan = try view.scan(from: 0, through: (1 << 48) - 1, memory: m, setup: setup)
    #expect(scan.runs.count == 3)
    #expect(tree.asked == [[1], [2], [3, 4, 5]])
  }
}
