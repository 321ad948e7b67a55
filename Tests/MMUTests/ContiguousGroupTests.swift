import Testing

@testable import MMU

/// Contiguous groups as the tables hold them (architecture.md §3.6, `AArch64.ContiguousBit`):
/// N entries of one level, naturally aligned, each a valid leaf with bit 52, the same
/// attributes, outputs base + i × size with the base aligned to N × size.
@Suite("Contiguous groups")
struct ContiguousGroupTests {
  static let contig: UInt64 = 1 << 52
  /// AF, inner shareable, AttrIndx 0: the bits every member shares.
  static let attrs: UInt64 = (1 << 10) | (3 << 8)

  /// A group of `n` leaves of `size` from `base`: pages (0b11) at level 3, blocks (0b01) above.
  static func group(n: Int, size: UInt64, base: UInt64, level: Int) -> [UInt64] {
    (0..<UInt64(n)).map { base + $0 * size | attrs | contig | (level == 3 ? 0b11 : 0b01) }
  }

  static func problems(_ v: [UInt64], level: Int, _ g: Granule) -> [ContiguousProblem] {
    ContiguousGroupReport.problems(
      v, level: level, granule: g, ds: false, outputBits: 48, paMax: 48)
  }

  // 4K: 16 entries at levels 1-3; 16K: 128 at 3, 32 at 2; 64K: 32 at 3 and 2.
  @Test(arguments: [
    (Granule.k4, 3, 16, UInt64(0x1000)), (.k4, 2, 16, 0x20_0000), (.k4, 1, 16, 0x4000_0000),
    (.k16, 3, 128, 0x4000), (.k16, 2, 32, 0x200_0000),
    (.k64, 3, 32, 0x1_0000), (.k64, 2, 32, 0x2000_0000),
  ])
  func soundGroups(granule: Granule, level: Int, n: Int, size: UInt64) {
    #expect(granule.contiguousEntries(at: level) == n)
    // 0x40_0000_0000 (256 GiB) is aligned to every span here (the largest: 64K L2, 16 GiB).
    let v = Self.group(n: n, size: size, base: 0x40_0000_0000, level: level)
    #expect(Self.problems(v, level: level, granule) == [])
  }

  @Test func fourKPagesMisprogrammed() {
    let ok = Self.group(n: 16, size: 0x1000, base: 0x8000_0000, level: 3)
    var v = ok
    v[5] = 0
    #expect(Self.problems(v, level: 3, .k4) == [.notLeaf(first: 5, count: 1)])
    v = ok
    v[7] &= ~Self.contig
    v[9] &= ~Self.contig
    #expect(Self.problems(v, level: 3, .k4) == [.bitClear(first: 7, count: 2)])
    // AP[2] (read-only) on entry 3: other attributes.
    v = ok
    v[3] |= 1 << 7
    #expect(Self.problems(v, level: 3, .k4) == [.attributesDiffer(first: 3, count: 1)])
    // The Access flag and the software bits may differ (hardware sets AF per entry).
    v = ok
    v[2] &= ~(1 << 10)
    v[4] |= 1 << 55
    #expect(Self.problems(v, level: 3, .k4) == [])
    // Entry 3 points at 0x8000_4000 (entry 4's page): out of sequence.
    v = ok
    v[3] = v[4]
    #expect(Self.problems(v, level: 3, .k4) == [.outputNotContiguous(first: 3, count: 1)])
    // Consecutive outputs from 0x8000_1000: not aligned to the 64K span.
    v = Self.group(n: 16, size: 0x1000, base: 0x8000_1000, level: 3)
    #expect(
      Self.problems(v, level: 3, .k4) == [.outputMisaligned(output: 0x8000_1000, span: 0x1_0000)])
  }

  @Test func sixteenKAndSixtyFourKMisprogrammed() {
    // 16K level 3: 128 × 16K = 2M; entry 127 read-only.
    var v = Self.group(n: 128, size: 0x4000, base: 0x8000_0000, level: 3)
    v[127] |= 1 << 7
    #expect(Self.problems(v, level: 3, .k16) == [.attributesDiffer(first: 127, count: 1)])
    // 16K level 2: 32 × 32M = 1G from 0x8200_0000 (32M-aligned, not 1G-aligned).
    v = Self.group(n: 32, size: 0x200_0000, base: 0x8200_0000, level: 2)
    #expect(
      Self.problems(v, level: 2, .k16) == [
        .outputMisaligned(output: 0x8200_0000, span: 0x4000_0000)
      ])
    // 64K level 2: 32 × 512M = 16G; a table descriptor (0b11) at level 2 is not a leaf.
    v = Self.group(n: 32, size: 0x2000_0000, base: 0x4_0000_0000, level: 2)
    v[31] = 0x9000_0000 | 0b11
    #expect(Self.problems(v, level: 2, .k64) == [.notLeaf(first: 31, count: 1)])
    // 64K level 3: 32 × 64K = 2M; half the group without the bit.
    v = Self.group(n: 32, size: 0x1_0000, base: 0x8000_0000, level: 3)
    for i in 16..<32 { v[i] &= ~Self.contig }
    #expect(Self.problems(v, level: 3, .k64) == [.bitClear(first: 16, count: 16)])
  }

  @Test func noGroupAtLevel() throws {
    // 16K level 1 and 64K level 1 have no group (and 4K level 0).
    #expect(Granule.k16.contiguousEntries(at: 1) == nil)
    #expect(Granule.k64.contiguousEntries(at: 1) == nil)
    #expect(Granule.k4.contiguousEntries(at: 0) == nil)
    let m = PhysicalMemory()
    try m.write64(0x10_0008, 0x40_0000_0000 | Self.attrs | Self.contig | 0b01)
    let r = ContiguousGroupReport.check(
      memory: m, stage: 1, entryPA: 0x10_0008, level: 1, granule: .k16, ds: true,
      outputBits: 52, paMax: 52)
    #expect(r.problems == [.noGroupAtLevel] && r.entries == nil)
  }

  /// A walk through a group written by raw stores: the model translates with the descriptor
  /// it read and the check names the group (4K, level 3, the fixture's L3 table).
  @Test func walkThroughAMisprogrammedGroupWarns() throws {
    let m = try TLBFix.machine()
    // VA 0x4020_3000 is L3 entry 3: the group is entries 0-15 at 0x10_3000.
    for i: UInt64 in 0..<16 {
      try m.memory.write64(
        TLBFix.l3 + i * 8, TLBFix.page(TLBFix.paA + i * 0x1000) | Self.contig)
    }
    let sound = TLBFix.read(m)
    #expect(m.contiguousWarnings(sound, cpu: m.cpu, context: TLBFix.el1).isEmpty)
    try m.memory.write64(TLBFix.l3 + 9 * 8, 0)
    let r = TLBFix.read(m, TLBFix.va + 0x4000)  // entry 7, a miss
    #expect(r.outcome.translation?.pa == TLBFix.paA + 0x7000)
    let w = m.contiguousWarnings(r, cpu: m.cpu, context: TLBFix.el1)
    #expect(w.map(\.kind) == [.contiguousMisprogrammed])
    #expect(w.first?.level == 3 && w.first?.entryPA == TLBFix.l3 + 7 * 8)
    guard case .contiguousGroup(let g)? = w.first?.reason else {
      Issue.record("not a contiguous-group warning")
      return
    }
    #expect(g.firstEntryPA == TLBFix.l3 && g.entries == 16 && g.stage == 1)
    #expect(g.problems == [.notLeaf(first: 9, count: 1)])
    // A leaf without the bit is not checked: its own group is none of its business.
    try m.memory.write64(TLBFix.l3 + 10 * 8, TLBFix.page(TLBFix.paA + 0xa000))
    let plain = TLBFix.read(m, TLBFix.va + 0x7000)
    #expect(m.contiguousWarnings(plain, cpu: m.cpu, context: TLBFix.el1).isEmpty)
  }

  /// `protect` keeps groups whole: it sets the bit only on a whole group, and refuses to
  /// change part of one or split a block that has the bit.
  @Test func protectChecksGroups() throws {
    let (m, s, mapper) = try MapperTests.space()
    _ = try mapper.map(
      va: 0x4000_0000, pa: 0x8000_0000, size: 0x2_0000, attributes: MapAttributes(),
      policy: .pages)
    var contig = AttributeChange()
    contig.contiguous = true
    // Half a group (8 of 16 pages).
    #expect(throws: MapError.self) {
      try mapper.protect(va: 0x4000_0000, size: 0x8000, change: contig)
    }
    _ = try mapper.protect(va: 0x4000_0000, size: 0x1_0000, change: contig)
    let leaf = try #require(s.softwareTranslate(0x4000_f000, memory: m.memory))
    #expect(leaf.descriptor & Self.contig != 0)
    // Read-only on one page of the group: its attributes would differ.
    var ro = AttributeChange()
    ro.writable = false
    #expect(throws: MapError.self) {
      try mapper.protect(va: 0x4000_1000, size: 0x1000, change: ro)
    }
    _ = try mapper.protect(va: 0x4000_0000, size: 0x1_0000, change: ro)
    // A 2M block with the bit, split by a 4K protect.
    _ = try mapper.map(
      va: 0x6000_0000, pa: 0xa000_0000, size: 0x200_0000, attributes: MapAttributes())
    _ = try mapper.protect(va: 0x6000_0000, size: 0x200_0000, change: contig)
    #expect(throws: MapError.contiguousSplit(va: 0x6000_0000, level: 2)) {
      try mapper.protect(va: 0x6000_0000, size: 0x1000, change: ro)
    }
  }
}
