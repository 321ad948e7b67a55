import Testing

@testable import MMU

/// Hit, miss, stale hit, conflict, fills and tags (architecture.md §10.1), on tables written by
/// hand.
@Suite("TLB lookup")
struct TLBLookupTests {
  typealias F = TLBFix

  @Test func missFillsThenHits() throws {
    let m = try F.machine()
    let a = F.read(m)
    #expect(a.tlb == .miss)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.accesses == 4)  // L0..L3
    let e = try #require(m.cpu.tlb.entries.first)
    // A global page: no ASID; EL1&0 entries carry the VMID even with stage 2 off (architecture.md
    // §10.1).
    #expect(m.cpu.tlb.count == 1)
    #expect(e.regime == .el10 && e.stage == .stage1 && e.vmid == 1 && e.asid == nil)
    #expect(e.inputBase == F.va && e.sizeBits == 12 && e.level == 3)
    // The three table descriptors are walk-cache entries, levels 0, 1, 2.
    #expect(m.cpu.tlb.walkEntries.map(\.level) == [0, 1, 2])
    #expect(m.cpu.tlb.walkEntries.map(\.nextTable) == [F.l1, F.l2, F.l3])

    let b = F.read(m, F.va + 0x123)
    #expect(b.tlb == .hit)
    #expect(b.accesses == 0)
    #expect(b.outcome.translation?.pa == F.paA + 0x123)
    // The hit answered from that entry: nothing was added or replaced.
    #expect(m.cpu.tlb.entries == [e])
  }

  @Test func notlbWalksAloneAndFillsNothing() throws {
    let m = try F.machine()
    let a = m.access(cpu: m.cpu, context: F.el1, address: F.va, access: .read, useTLB: false)
    #expect(a.tlb == .notUsed)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(m.cpu.tlb.isEmpty)
  }

  @Test func probeChangesNothing() throws {
    let m = try F.machine()
    let p = m.probe(cpu: m.cpu, context: F.el1, address: F.va)
    #expect(p.tlb == .miss)
    #expect(m.cpu.tlb.isEmpty)
    _ = F.read(m)
    #expect(m.probe(cpu: m.cpu, context: F.el1, address: F.va).tlb == .hit)
  }

  @Test func tlbFillAlwaysWalksAndInserts() throws {
    let m = try F.machine()
    let f = m.fillTLB(cpu: m.cpu, context: F.el1, address: F.va)
    #expect(f.tlb == .miss)
    #expect(m.cpu.tlb.count == 1)
    // A second fill walks again (from the walk cache: one access) and replaces the entry.
    let g = m.fillTLB(cpu: m.cpu, context: F.el1, address: F.va)
    #expect(g.accesses == 1)
    #expect(g.walkCacheUsed.map(\.level) == [2])
    #expect(m.cpu.tlb.count == 1)
  }

  @Test func staleHitAfterARawRewrite() throws {
    let m = try F.machine()
    _ = F.read(m)
    // valid -> valid with another output address, no break: reported at the write (architecture.md
    // §11).
    let w = try m.writeMemory(F.l3 + 3 * 8, F.page(F.paB))
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(w.first?.oldDescriptor == F.page(F.paA) && w.first?.newDescriptor == F.page(F.paB))
    let a = F.read(m)
    #expect(a.outcome.translation?.pa == F.paA)  // the entry still answers
    guard case .stale(let now) = a.tlb else {
      Issue.record("expected stale, got \(a.tlb)")
      return
    }
    #expect(now.translation?.pa == F.paB)  // what the tables say
  }

  @Test func staleHitShowsAFaultTheTablesNowGive() throws {
    let m = try F.machine()
    _ = F.read(m)
    _ = try m.writeMemory(F.l3 + 3 * 8, 0)  // unmapped, no TLBI
    let a = F.read(m)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.tlb == .stale(current: .faulted(Fault(.translation, level: 3))))
  }

  @Test func permissionsComeFromTheEntry() throws {
    let m = try F.machine()
    _ = F.read(m)
    // AP[2]=1 (read-only): a permission change needs no break-before-make (architecture.md §11).
    let w = try m.writeMemory(F.l3 + 3 * 8, F.page(F.paA) | (1 << 7))
    #expect(w.isEmpty)
    // The cached entry is still read-write: the write succeeds from the TLB (stale).
    let a = m.access(cpu: m.cpu, context: F.el1, address: F.va, access: .write)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.tlb == .stale(current: .faulted(Fault(.permission, level: 3, write: true))))
  }

  @Test func asidTagsNonGlobalEntries() throws {
    let m = try F.machine(ng: true)
    _ = F.read(m)
    #expect(m.cpu.tlb.entries.first?.asid == 1)
    // ASID 2 (TTBR0_EL1[63:48]) misses, fills its own entry; ASID 1 then still hits.
    m.cpu.registers[.ttbr0_el1] = F.l0 | (2 << 48)
    #expect(F.read(m).tlb == .miss)
    #expect(m.cpu.tlb.entries.map(\.asid) == [1, 2])
    m.cpu.registers[.ttbr0_el1] = F.l0 | (1 << 48)
    #expect(F.read(m).tlb == .hit)
  }

  @Test func globalEntriesMatchAnyASID() throws {
    let m = try F.machine()
    _ = F.read(m)
    m.cpu.registers[.ttbr0_el1] = F.l0 | (7 << 48)
    #expect(F.read(m).tlb == .hit)
  }

  @Test func vmidTagsEL1EntriesWithStage2Off() throws {
    let m = try F.machine()
    _ = F.read(m)
    m.cpu.registers[.vttbr_el2] = 2 << 48
    #expect(F.read(m).tlb == .miss)
    #expect(m.cpu.tlb.entries.map(\.vmid) == [1, 2])
  }

  @Test func taggedPointersShareEntries() throws {
    let m = try F.machine()
    m.cpu.registers[.tcr_el1] |= 1 << 37  // TBI0
    _ = F.read(m)
    let a = F.read(m, 0x5a00_0000_4020_3010)
    #expect(a.tlb == .hit)
    #expect(a.outcome.translation?.pa == F.paA + 0x10)
  }

  @Test func withoutTBIATaggedPointerFaultsDespiteTheEntry() throws {
    let m = try F.machine()
    _ = F.read(m)
    let a = F.read(m, 0x5a00_0000_4020_3010)
    #expect(a.tlb == .miss)
    #expect(a.outcome.fault == Fault(.translation, level: 0))
  }

  @Test func registerWritesNeverInvalidate() throws {
    let m = try F.machine()
    _ = F.read(m)
    m.cpu.registers[.ttbr0_el1] = 0x7000_0000 | (1 << 48)  // tables elsewhere
    m.cpu.registers[.tcr_el1] |= 1 << 23  // EPD1: irrelevant to the cached page
    #expect(m.cpu.tlb.count == 1)
    let a = F.read(m)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.tlb == .stale(current: .faulted(Fault(.translation, level: 0))))
  }

  @Test func conflictAfterABlockSplitWithoutBBM() throws {
    let m = Machine()
    // L2 index 1 is a 2M block: VA 0x4020_0000 -> PA 0x8000_0000.
    try m.memory.write64(F.l0, F.table(F.l1))
    try m.memory.write64(F.l1 + 8, F.table(F.l2))
    try m.memory.write64(F.l2 + 8, F.block(F.paA))
    m.cpu.registers[.ttbr0_el1] = F.l0 | (1 << 48)
    #expect(F.read(m).outcome.translation?.blockBits == 21)
    // The same addresses as 512 pages in a new table, swapped in without BBM.
    let t: UInt64 = 0x10_8000
    for i: UInt64 in 0..<512 { try m.memory.write64(t + i * 8, F.page(F.paA + i * 0x1000)) }
    let w = try m.writeMemory(F.l2 + 8, F.table(t))
    #expect(w.first?.kind == .breakBeforeMake)
    #expect(w.first?.reason == .liveChange(.size))
    // The 2M entry still answers, and agrees with the tables.
    #expect(F.read(m).tlb == .hit)
    // A walk (here `tlb fill`) caches the 4K page beside it: both now match.
    _ = m.fillTLB(cpu: m.cpu, context: F.el1, address: F.va)
    let a = F.read(m)
    #expect(a.tlb == .conflict(entries: 2))
    #expect(a.conflicting.map(\.sizeBits) == [21, 12])
    #expect(a.outcome.fault?.kind == .tlbConflict)
    #expect(a.outcome.fault?.statusCode == 0b110000)
  }

  @Test func dbmWriteWalksAgainInsteadOfFaulting() throws {
    let m = try F.machine()
    m.cpu.registers[.tcr_el1] |= (1 << 39) | (1 << 40)  // HA, HD
    // Writable-clean: AP[2]=1 with DBM: a write sets the dirty state (clears AP[2], architecture.md
    // §4.4).
    try m.memory.write64(F.l3 + 3 * 8, F.page(F.paA) | (1 << 7) | (1 << 51))
    _ = F.read(m)
    let a = m.access(cpu: m.cpu, context: F.el1, address: F.va, access: .write)
    #expect(a.tlb == .miss)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(m.memory.read64(F.l3 + 3 * 8) & (1 << 7) == 0)
  }

  @Test func listingIsSorted() throws {
    let m = try F.machine(ng: true)
    for asid: UInt64 in [3, 1, 2] {
      m.cpu.registers[.ttbr0_el1] = F.l0 | (asid << 48)
      _ = F.read(m)
    }
    #expect(m.cpu.tlb.entries.map(\.asid) == [1, 2, 3])
    #expect(m.cpu.tlb.walkEntries.map(\.asid) == [1, 1, 1, 2, 2, 2, 3, 3, 3])
  }
}
