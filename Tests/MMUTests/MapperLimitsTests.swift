import Testing

@testable import MMU

/// What the mapper refuses before it writes anything: maps whose tables the memory budget
/// cannot hold, and trees that are not trees; and that its counting stays cheap.
@Suite("Mapper limits")
struct MapperLimitsTests {
  static func space(
    budget: Int = 4 << 20, granule: Granule? = nil, bits: Int? = nil,
    pool: (base: UInt64, size: UInt64)? = nil
  ) throws -> (Machine, AddressSpace, Mapper) {
    let m = Machine(memory: PhysicalMemory(pageBudget: budget))
    var req = SpaceRequest(name: "s")
    req.granule = granule
    req.inputBits = bits
    req.pool = pool
    let s = try m.createSpace(req, cpu: m.cpu)
    return (m, s, Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair))
  }

  @Test("a map the budget cannot hold says how many pages it needs and writes nothing")
  func budget() throws {
    let (m, _, mapper) = try Self.space(budget: 256)
    // 1G of 4K pages: an L1 table, an L2 table and 512 L3 tables.
    #expect(throws: MapError.memoryBudget(neededPages: 514, availablePages: 256)) {
      try mapper.map(va: 0, pa: 0, size: 1 << 30, attributes: MapAttributes(), policy: .pages)
    }
    #expect(m.memory.allocatedPages == 0)
    // 64K tables take 16 pages each.
    let (_, _, big) = try Self.space(budget: 20, granule: .k64, bits: 48)
    #expect(throws: MapError.memoryBudget(neededPages: 32, availablePages: 20)) {
      try big.map(va: 0, pa: 0, size: 1 << 29, attributes: MapAttributes(), policy: .pages)
    }
  }

  @Test("counting the tables of 2^52 bytes of 64K pages costs the levels, not the entries")
  func countingIsCheap() throws {
    let (_, _, mapper) = try Self.space(granule: .k64, bits: 52, pool: (1 << 40, 1 << 50))
    // A level-1 root of 1024 entries (VA[51:42]), 1024 level-2 tables, 1024 x 8192 level 3.
    let tables = 1024 + 1024 * 8192
    #expect(throws: MapError.memoryBudget(neededPages: tables * 16, availablePages: 4 << 20)) {
      try mapper.map(va: 0, pa: 0, size: 1 << 52, attributes: MapAttributes(), policy: .pages)
    }
    // Unaligned ranges of pages: a table per 512G, 1G and 2M region the range touches.
    for (va, size): (UInt64, UInt64) in [
      (0x1000, (1 << 40) + (1 << 21) - 0x2000), (0x7f_ffff_f000, 0x2000),
      (0x3fff_f000, (3 << 30) + 0x3000), (0, 1 << 48), (0x1234_5000, 0x1000),
    ] {
      let (_, _, small) = try Self.space(pool: (0x1_0000_0000, 0x1000))
      let last = va + size - 1
      let needed = [39, 30, 21].reduce(0) { $0 + Int((last >> $1) - (va >> $1) + 1) }
      #expect(throws: MapError.poolExhausted(needed: needed, available: 0)) {
        try small.map(va: va, pa: va, size: size, attributes: MapAttributes(), policy: .pages)
      }
    }
  }

  @Test("a table reached twice is refused before any write")
  func notATree() throws {
    let (m, s, mapper) = try Self.space()
    // Every entry of the root points back at the root: 512^4 paths through one page.
    for i in 0..<512 { try m.memory.write64(s.root + UInt64(i) * 8, s.root | 0b11) }
    let error = MapError.notATree(table: s.root, level: 1)
    #expect(throws: error) { try mapper.unmap(va: 0, size: 1 << 48) }
    #expect(throws: error) {
      try mapper.protect(va: 0, size: 1 << 48, change: AttributeChange())
    }
    #expect(throws: error) {
      try mapper.map(va: 0, pa: 0, size: 1 << 30, attributes: MapAttributes(), force: true)
    }
  }
}
