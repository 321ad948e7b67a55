import Testing

@testable import MMU

@Suite("Mapper")
struct MapperTests {
  /// A machine in its reset state (TCR_EL1: 4K, 48-bit) with one EL1&0 space.
  static func space(
    upper: Bool? = nil, pool: (base: UInt64, size: UInt64)? = nil
  ) throws -> (Machine, AddressSpace, Mapper) {
    let m = Machine()
    var req = SpaceRequest(name: "s")
    req.upper = upper
    req.pool = pool
    let s = try m.createSpace(req, cpu: m.cpu)
    return (m, s, Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair))
  }

  // PAGE_KERNEL leaf bits (MapAttributes()): AF 0x400, SH inner 0x300, AttrIndx 0 (MAIR Attr0
  // = 0xFF), AP 00, PXN (bit 53) and UXN (bit 54) = 0x0060_0000_0000_0000.
  static let kernelBits: UInt64 = 0x0060_0000_0000_0700

  @Test("the largest block alignment allows: a page, a 2M block and a 1G block")
  func largestBlocks() throws {
    let (m, s, mapper) = try Self.space()
    // [0x3FDF_F000, 0x3FE0_0000): one 4K page; [0x3FE0_0000, 0x4000_0000): one 2M block;
    // [0x4000_0000, 0x8000_0000): one 1G block. PA - VA = 4 GiB keeps every alignment.
    let r = try mapper.map(
      va: 0x3FDF_F000, pa: 0x1_3FDF_F000, size: 0x4020_1000, attributes: MapAttributes())
    #expect(r.entriesWritten == 3)
    // L1 table, the L2 table for L1 entry 0, the L3 table for L2 entry 510.
    #expect(r.tablesAllocated == 3)
    #expect(r.warnings.isEmpty)
    let p = try #require(s.softwareTranslate(0x3FDF_F000, memory: m.memory))
    #expect(p.level == 3 && p.pa == 0x1_3FDF_F000)
    #expect(p.descriptor == Self.kernelBits | 0x1_3FDF_F000 | 0b11)
    let b2 = try #require(s.softwareTranslate(0x3FE0_0000, memory: m.memory))
    #expect(b2.level == 2 && b2.pa == 0x1_3FE0_0000)
    #expect(b2.descriptor == Self.kernelBits | 0x1_3FE0_0000 | 0b01)
    let b1 = try #require(s.softwareTranslate(0x4000_1234, memory: m.memory))
    #expect(b1.level == 1 && b1.pa == 0x1_4000_1234)
    #expect(b1.descriptor == 0x0060_0001_4000_0701)
    #expect(s.softwareTranslate(0x7FFF_FFFF, memory: m.memory)?.pa == 0x1_7FFF_FFFF)
    // Just outside: the page below (L3 entry 510 invalid), the GiB above (L1 entry 2).
    #expect(
      s.softwareWalk(0x3FDF_E000, memory: m.memory, trace: false).outcome.fault?.level == 3)
    #expect(
      s.softwareWalk(0x8000_0000, memory: m.memory, trace: false).outcome.fault
        == Fault(.translation, level: 1))
  }

  @Test("a PA that is not 2M-aligned relative to the VA gets pages")
  func misalignedPA() throws {
    let (m, s, mapper) = try Self.space()
    let r = try mapper.map(
      va: 0x20_0000, pa: 0x8000_1000, size: 2 << 20, attributes: MapAttributes())
    #expect(r.entriesWritten == 512)
    #expect(r.tablesAllocated == 3)
    #expect(s.softwareTranslate(0x3F_F123, memory: m.memory)?.pa == 0x8020_0123)
    #expect(s.softwareTranslate(0x3F_F123, memory: m.memory)?.level == 3)
  }

  @Test("forced pages and forced levels")
  func forcedLevels() throws {
    var (m, s, mapper) = try Self.space()
    var r = try mapper.map(
      va: 0x20_0000, pa: 0x4020_0000, size: 2 << 20, attributes: MapAttributes(), policy: .pages)
    #expect(r.entriesWritten == 512 && r.tablesAllocated == 3)
    #expect(s.softwareTranslate(0x20_0000, memory: m.memory)?.level == 3)
    // Level 2 over 4 MiB: two 2M blocks, tables L1 and L2.
    (m, s, mapper) = try Self.space()
    r = try mapper.map(
      va: 0x40_0000, pa: 0x8040_0000, size: 4 << 20, attributes: MapAttributes(),
      policy: .level(2))
    #expect(r.entriesWritten == 2 && r.tablesAllocated == 2)
    #expect(s.softwareTranslate(0x60_0000, memory: m.memory)?.level == 2)
    // Level 1 needs 1 GiB alignment.
    #expect(throws: MapError.notAlignedForLevel(level: 1, blockSize: 1 << 30)) {
      try mapper.map(
        va: 0x4000_0000, pa: 0x4000_0000, size: 2 << 20, attributes: MapAttributes(),
        policy: .level(1))
    }
    // 4K without DS has no level-0 block.
    #expect(throws: MapError.levelNotAllowed(level: 0, granule: .k4)) {
      try mapper.map(
        va: 0, pa: 0, size: 512 << 30, attributes: MapAttributes(), policy: .level(0))
    }
  }

  @Test("refusal to overwrite (alreadyMapped) unless force; force warns about BBM")
  func alreadyMapped() throws {
    let (m, s, mapper) = try Self.space()
    _ = try mapper.map(va: 0x1000, pa: 0x8000_1000, size: 0x1000, attributes: MapAttributes())
    let old = Self.kernelBits | 0x8000_1000 | 0b11
    #expect(old == 0x0060_0000_8000_1703)
    #expect(throws: MapError.alreadyMapped(va: 0x1000, level: 3, descriptor: old)) {
      try mapper.map(va: 0, pa: 0x9000_0000, size: 0x2000, attributes: MapAttributes())
    }
    // Nothing was written: VA 0 is still unmapped, 0x1000 still the old page.
    #expect(s.softwareWalk(0, memory: m.memory, trace: false).outcome.fault?.level == 3)
    #expect(s.softwareTranslate(0x1000, memory: m.memory)?.pa == 0x8000_1000)
    let r = try mapper.map(
      va: 0, pa: 0x9000_0000, size: 0x2000, attributes: MapAttributes(), force: true)
    #expect(r.entriesWritten == 2)
    #expect(r.warnings.count == 1)
    #expect(r.warnings.first?.kind == .breakBeforeMake)
    #expect(r.warnings.first?.oldDescriptor == old)
    #expect(r.warnings.first?.newDescriptor == 0x0060_0000_9000_1703)
    #expect(s.softwareTranslate(0x1000, memory: m.memory)?.pa == 0x9000_1000)
    // Forcing the identical entry again changes nothing that needs BBM.
    let same = try mapper.map(
      va: 0x1000, pa: 0x9000_1000, size: 0x1000, attributes: MapAttributes(), force: true)
    #expect(same.warnings.isEmpty)
  }

  @Test("a page forced over a 2M block splits it (with a BBM warning)")
  func forceOverBlock() throws {
    let (m, s, mapper) = try Self.space()
    _ = try mapper.map(va: 0x20_0000, pa: 0x4000_0000, size: 2 << 20, attributes: MapAttributes())
    #expect(
      throws: MapError.alreadyMapped(va: 0x20_0000, level: 2, descriptor: 0x0060_0000_4000_0701)
    ) {
      try mapper.map(va: 0x20_0000, pa: 0x5000_0000, size: 0x1000, attributes: MapAttributes())
    }
    let r = try mapper.map(
      va: 0x20_0000, pa: 0x5000_0000, size: 0x1000, attributes: MapAttributes(), force: true)
    #expect(r.tablesAllocated == 1)
    // One warning for the split, one for replacing the split's first page.
    #expect(r.warnings.count == 2 && r.warnings.allSatisfy { $0.kind == .breakBeforeMake })
    #expect(s.softwareTranslate(0x20_0000, memory: m.memory)?.pa == 0x5000_0000)
    #expect(s.softwareTranslate(0x20_1000, memory: m.memory)?.pa == 0x4000_1000)
    #expect(s.softwareTranslate(0x3F_F000, memory: m.memory)?.pa == 0x401F_F000)
  }

  @Test("protect inside a block splits it; only the named page changes")
  func protectSplits() throws {
    let (m, s, mapper) = try Self.space()
    _ = try mapper.map(va: 0x20_0000, pa: 0x4000_0000, size: 2 << 20, attributes: MapAttributes())
    var change = AttributeChange()
    change.writable = false
    let r = try mapper.protect(va: 0x20_1000, size: 0x1000, change: change)
    #expect(r.tablesAllocated == 1 && r.entriesWritten == 1)
    #expect(r.warnings.count == 1)
    #expect(r.warnings.first?.kind == .breakBeforeMake && r.warnings.first?.level == 2)
    // The split keeps the block's attributes on each page: 0x0060_0000_4000_0703...
    let a = try #require(s.softwareTranslate(0x20_0000, memory: m.memory))
    #expect(a.level == 3 && a.descriptor == 0x0060_0000_4000_0703)
    #expect(a.stage1Permissions?.privWrite == true)
    // ...and the protected page has AP[2] set (0x80): 0x0060_0000_4000_1783.
    let b = try #require(s.softwareTranslate(0x20_1000, memory: m.memory))
    #expect(b.descriptor == 0x0060_0000_4000_1783)
    #expect(b.stage1Permissions?.privWrite == false)
    #expect(s.softwareTranslate(0x20_2000, memory: m.memory)?.pa == 0x4000_2000)
  }

  @Test("unmap: a partial block is split; entries become invalid; free releases tables")
  func unmapping() throws {
    var (m, s, mapper) = try Self.space()
    _ = try mapper.map(va: 0x20_0000, pa: 0x4000_0000, size: 2 << 20, attributes: MapAttributes())
    var r = try mapper.unmap(va: 0x20_0000, size: 0x1000)
    #expect(r.tablesAllocated == 1 && r.entriesWritten == 1 && r.warnings.count == 1)
    #expect(
      s.softwareWalk(0x20_0000, memory: m.memory, trace: false).outcome.fault
        == Fault(.translation, level: 3))
    #expect(s.softwareTranslate(0x20_1000, memory: m.memory)?.pa == 0x4000_1000)

    // Without free: the leaf is zeroed, the tables stay.
    (m, s, mapper) = try Self.space()
    _ = try mapper.map(va: 0x1000, pa: 0x8000_1000, size: 0x1000, attributes: MapAttributes())
    let steps = s.softwareWalk(0x1000, memory: m.memory, trace: true).steps
    let leafPA = try #require(steps.last?.entryPA)
    r = try mapper.unmap(va: 0x1000, size: 0x1000)
    #expect(r.entriesWritten == 1 && r.tablesFreed == 0)
    #expect(m.memory.read64(leafPA) == 0)
    #expect(
      s.softwareWalk(0x1000, memory: m.memory, trace: false).outcome.fault
        == Fault(.translation, level: 3))
    // With free: the now-empty L3, L2 and L1 tables go, and the root entry is invalid.
    r = try mapper.unmap(va: 0x1000, size: 0x1000, free: true)
    #expect(r.tablesFreed == 3)
    #expect(m.memory.read64(s.root) == 0)
    #expect(
      s.softwareWalk(0x1000, memory: m.memory, trace: false).outcome.fault
        == Fault(.translation, level: 0))
    #expect(s.pool.bytesInUse == 4096)  // just the root
  }

  @Test("1 GiB as 262,144 pages, then unmapped with free: memory and pool back where they were")
  func oneGiBOfPages() throws {
    let (m, s, mapper) = try Self.space()
    // Something else already lives in the space (its root table is in use).
    _ = try mapper.map(
      va: 0x7FFF_FFFF_F000, pa: 0x1000, size: 0x1000, attributes: MapAttributes())
    let pages0 = m.memory.allocatedPages
    let pool0 = s.pool.bytesInUse
    // VA 0x40_0000_0000: L0 index 0 (new L1 table), L1 index 256 (new L2 table), 512 L3s.
    let r = try mapper.map(
      va: 0x40_0000_0000, pa: 0x1_0000_0000, size: 1 << 30, attributes: MapAttributes(),
      policy: .pages)
    #expect(r.entriesWritten == 262_144)
    #expect(r.tablesAllocated == 514)
    #expect(m.memory.allocatedPages == pages0 + 514)
    #expect(s.pool.bytesInUse == pool0 + 514 * 4096)
    #expect(s.softwareTranslate(0x40_3FFF_F123, memory: m.memory)?.pa == 0x1_3FFF_F123)
    let u = try mapper.unmap(va: 0x40_0000_0000, size: 1 << 30, free: true)
    #expect(u.entriesWritten == 262_144)
    #expect(u.tablesFreed == 514)
    #expect(m.memory.allocatedPages == pages0)
    #expect(s.pool.bytesInUse == pool0)
    // The other mapping is untouched.
    #expect(s.softwareTranslate(0x7FFF_FFFF_F000, memory: m.memory)?.pa == 0x1000)
  }

  @Test("the top and bottom of a 256 TiB space cost 7 table pages, not a dense array")
  func sparseExtremes() throws {
    for upper in [false, true] {
      let (m, s, mapper) = try Self.space(upper: upper)
      let bottom: UInt64 = upper ? 0xFFFF_0000_0000_0000 : 0
      let top: UInt64 = upper ? 0xFFFF_FFFF_FFFF_F000 : 0xFFFF_FFFF_F000
      // Each needs its own L1, L2 and L3 table under the root.
      let a = try mapper.map(va: bottom, pa: 0x8000_0000, size: 0x1000, attributes: MapAttributes())
      let b = try mapper.map(va: top, pa: 0x8000_1000, size: 0x1000, attributes: MapAttributes())
      #expect(a.tablesAllocated == 3 && b.tablesAllocated == 3)
      // Root + 6 tables, and no other memory.
      #expect(s.pool.bytesInUse == 7 * 4096)
      #expect(m.memory.allocatedPages == 7)
      #expect(s.softwareTranslate(bottom | 0x123, memory: m.memory)?.pa == 0x8000_0123)
      #expect(s.softwareTranslate(top | 0xFFF, memory: m.memory)?.pa == 0x8000_1FFF)
    }
  }

  @Test("pool exhaustion is reported before anything is written")
  func poolExhaustion() throws {
    // A 3-page pool: the root takes one, a first 4K mapping needs three more tables.
    let (m, s, mapper) = try Self.space(pool: (base: 0x1000_0000, size: 0x3000))
    #expect(s.root == 0x1000_0000)
    #expect(throws: MapError.poolExhausted(needed: 3, available: 2)) {
      try mapper.map(va: 0, pa: 0x8000_0000, size: 0x1000, attributes: MapAttributes())
    }
    #expect(m.memory.allocatedPages == 0)
    #expect(!m.memory.isBacked(s.root))
    #expect(s.pool.bytesInUse == 0x1000)
    // A 4-page pool is enough.
    let (m2, s2, mapper2) = try Self.space(pool: (base: 0x1000_0000, size: 0x4000))
    let r = try mapper2.map(va: 0, pa: 0x8000_0000, size: 0x1000, attributes: MapAttributes())
    #expect(r.tablesAllocated == 3 && s2.pool.bytesFree == 0)
    #expect(s2.softwareTranslate(0x10, memory: m2.memory)?.pa == 0x8000_0010)
  }

  @Test("splitting a block needs exactly one table; unmapping without a split needs none")
  func tightPools() throws {
    // Root + L1 + L2 for a 2M block = 3 pages; a 4-page pool has 1 left.
    let (m, s, mapper) = try Self.space(pool: (base: 0x1000_0000, size: 0x4000))
    _ = try mapper.map(va: 0x20_0000, pa: 0x4000_0000, size: 2 << 20, attributes: MapAttributes())
    #expect(s.pool.bytesFree == 0x1000)
    // Forcing a page into the block splits it into one L3 table.
    let r = try mapper.map(
      va: 0x20_0000, pa: 0x5000_0000, size: 0x1000, attributes: MapAttributes(), force: true)
    #expect(r.tablesAllocated == 1)
    #expect(s.pool.bytesFree == 0)
    #expect(s.softwareTranslate(0x20_0000, memory: m.memory)?.pa == 0x5000_0000)
    // The pool is now full; unmapping whole pages splits nothing and needs no table...
    let u = try mapper.unmap(va: 0x20_0000, size: 0x1000)
    #expect(u.entriesWritten == 1 && u.tablesAllocated == 0)
    // ...and neither does protecting one.
    var c = AttributeChange()
    c.writable = false
    let p = try mapper.protect(va: 0x20_1000, size: 0x1000, change: c)
    #expect(p.entriesWritten == 1)
    // Unmapping everything with free gives the tables back.
    let all = try mapper.unmap(va: 0x20_0000, size: 2 << 20, free: true)
    #expect(all.tablesFreed == 3)
    #expect(s.pool.bytesInUse == 0x1000)
  }

  @Test("splits are counted before anything is written: a page out of a 1G block takes 2")
  func splitCounts() throws {
    // Root + L1 table for a 1G block = 2 pages of a 3-page pool: 1 free.
    let (m, s, mapper) = try Self.space(pool: (base: 0x1000_0000, size: 0x3000))
    _ = try mapper.map(
      va: 0x4000_0000, pa: 0x8000_0000, size: 1 << 30, attributes: MapAttributes())
    // A 4K hole inside the block: an L2 table, then an L3 table for the 2M around it.
    #expect(throws: MapError.poolExhausted(needed: 2, available: 1)) {
      try mapper.unmap(va: 0x4000_1000, size: 0x1000)
    }
    var c = AttributeChange()
    c.writable = false
    #expect(throws: MapError.poolExhausted(needed: 2, available: 1)) {
      try mapper.protect(va: 0x4000_1000, size: 0x1000, change: c)
    }
    // Nothing changed: still one 1G block, writable.
    let t = try #require(s.softwareTranslate(0x4000_1000, memory: m.memory))
    #expect(t.level == 1 && t.stage1Permissions?.privWrite == true)
    // A 2M-aligned hole needs only the L2 table.
    let r = try mapper.unmap(va: 0x4020_0000, size: 2 << 20)
    #expect(r.tablesAllocated == 1 && r.entriesWritten == 1)
    #expect(
      s.softwareWalk(0x4020_0000, memory: m.memory, trace: false).outcome.fault
        == Fault(.translation, level: 2))
    #expect(s.softwareTranslate(0x4040_0000, memory: m.memory)?.level == 2)
  }

  @Test("stage-2 space from VTCR_EL2 (40-bit, SL0=1): 2 concatenated root tables; leaf format")
  func stage2Space() throws {
    let m = Machine()
    var req = SpaceRequest(name: "s2")
    req.regime = .stage2
    let s = try m.createSpace(req, cpu: m.cpu)
    #expect(s.geometry.startLevel == 1 && s.geometry.concatenatedTables == 2)
    #expect(s.root % 8192 == 0)
    #expect(s.pool.bytesInUse == 8192)
    let mapper = Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair)
    _ = try mapper.map(
      va: 0x80_0000_0000, pa: 0x8000_0000, size: 0x1000, attributes: MapAttributes())
    // IPA 2^39 lies in the second root table (L1 index [39:30] = 512).
    let t = try #require(s.softwareTranslate(0x80_0000_0042, memory: m.memory))
    #expect(t.pa == 0x8000_0042)
    // Stage-2 leaf: AF, SH inner, MemAttr 0b1111 (0x3C), S2AP 11 (0xC0), XN 10 (bit 54).
    #expect(t.descriptor == 0x0040_0000_8000_07FF)
  }

  @Test("a guest space built via a stage-2 space walks in hardware: 4*(3+1)+3 = 19 reads")
  func nestedSpaces() throws {
    let m = Machine()
    // Stage 2 from the reset VTCR_EL2 (4K, 40-bit, start L1).
    var s2req = SpaceRequest(name: "s2")
    s2req.regime = .stage2
    let s2 = try m.createSpace(s2req, cpu: m.cpu)
    let s2map = Mapper(space: s2, memory: m.memory, mair: RegisterDefaults.mair)
    // The guest's table pool: IPA 0x1000_0000 + 1 MiB → PA 0x3000_0000, as pages.
    _ = try s2map.map(
      va: 0x1000_0000, pa: 0x3000_0000, size: 1 << 20, attributes: MapAttributes(),
      policy: .pages)
    // Guest RAM page: IPA 0x5000_0000 → PA 0x6000_0000.
    _ = try s2map.map(va: 0x5000_0000, pa: 0x6000_0000, size: 0x1000, attributes: MapAttributes())
    var s1req = SpaceRequest(name: "guest")
    s1req.via = "s2"
    s1req.pool = (base: 0x1000_0000, size: 1 << 20)
    let s1 = try m.createSpace(s1req, cpu: m.cpu)
    let s1map = Mapper(space: s1, memory: m.memory, mair: RegisterDefaults.mair)
    _ = try s1map.map(va: 0x40_0000, pa: 0x5000_0000, size: 0x1000, attributes: MapAttributes())
    // The guest's root is at IPA 0x1000_0000, so at PA 0x3000_0000.
    #expect(s1.root == 0x1000_0000)
    #expect(s1.tablePA(s1.root, memory: m.memory) == 0x3000_0000)
    m.cpu.registers[.hcr_el2] |= HCR.vm
    #expect(m.switchTable(.vttbr_el2, to: s2, cpu: m.cpu).isEmpty)
    #expect(m.switchTable(.ttbr0_el1, to: s1, cpu: m.cpu).isEmpty)
    let a = m.access(
      cpu: m.cpu, context: m.cpu.context(el: 1), address: 0x40_0123, access: .read)
    #expect(a.outcome.translation?.ipa == 0x5000_0123)
    #expect(a.outcome.translation?.pa == 0x6000_0123)
    // A full miss, by the walker alone (no TLB or walk cache): 4*(3+1) + 3.
    let w = Walker.walk(
      memory: m.memory, registers: m.cpu.registers, context: m.cpu.context(el: 1),
      address: 0x40_0123, access: .read)
    #expect(w.outcome.translation?.pa == 0x6000_0123)
    #expect(w.accesses == 19)
  }
}
