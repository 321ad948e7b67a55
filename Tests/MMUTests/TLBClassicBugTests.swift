import Testing

@testable import MMU

/// Five classic TLB-maintenance bugs, each shown wrong and then done right.
@Suite("TLB classic bugs")
struct TLBClassicBugTests {
  typealias F = TLBFix

  /// Bug 1: switching TTBR0_EL2 to other tables without a TLBI. EL2 has no ASIDs, so the old
  /// entries still match; writing a TTBR never invalidates (architecture.md §10.1).
  @Test func switchTTBR0EL2WithoutTLBI() throws {
    let m = Machine()
    let c = m.cpu
    c.el = 2
    try F.tables(m, root: 0x20_0000, va: F.va, pa: F.paA)
    try F.tables(m, root: 0x30_0000, va: F.va, pa: F.paB)
    c.registers[.ttbr0_el2] = 0x20_0000
    #expect(F.read(m, context: F.el2).outcome.translation?.pa == F.paA)
    c.registers[.ttbr0_el2] = 0x30_0000
    let a = F.read(m, context: F.el2)
    #expect(a.outcome.translation?.pa == F.paA)  // the old tables' page
    #expect(a.walk.outcome.translation?.pa == F.paB)  // what the new tables say
    if case .stale = a.tlb {} else { Issue.record("expected stale, got \(a.tlb)") }
    try F.flush(m, "alle2")
    let b = F.read(m, context: F.el2)
    #expect(b.tlb == .miss && b.outcome.translation?.pa == F.paB)
  }

  /// Bug 2: a local TLBI on a two-CPU machine. Break-before-make done on cpu0 with `vae1`
  /// leaves cpu1's entry; the make step is reported, and cpu1 keeps translating the old page.
  @Test func localTLBIOnTwoCPUs() throws {
    let m = try F.machine(cpus: 2)
    _ = F.read(m, cpu: 0)
    _ = F.read(m, cpu: 1)
    let slot = F.l3 + 3 * 8
    #expect(try m.writeMemory(slot, 0).isEmpty)
    try F.flush(m, "vae1", address: F.va)
    let w = try m.writeMemory(slot, F.page(F.paB))
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(w.first?.reason == .changedAfterBreak(.outputAddress, allLevels: false, cpu: 1))
    #expect(F.read(m, cpu: 0).outcome.translation?.pa == F.paB)
    let a = F.read(m, cpu: 1)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.walk.outcome.translation?.pa == F.paB)
    if case .stale = a.tlb {} else { Issue.record("cpu1 should hit its stale entry: \(a.tlb)") }
  }

  @Test func broadcastTLBIOnTwoCPUs() throws {
    let m = try F.machine(cpus: 2)
    _ = F.read(m, cpu: 0)
    _ = F.read(m, cpu: 1)
    let slot = F.l3 + 3 * 8
    _ = try m.writeMemory(slot, 0)
    try F.flush(m, "vae1is", address: F.va)
    #expect(try m.writeMemory(slot, F.page(F.paB)).isEmpty)
    #expect(F.read(m, cpu: 1).tlb == .miss)
    #expect(F.read(m, cpu: 1).outcome.translation?.pa == F.paB)
  }

  /// Bug 3: VALE1 after replacing a table. The last-level TLBI removes the leaf but leaves
  /// the walk-cache entry for the L2 table descriptor, so the next walk starts from the old
  /// L3 table (architecture.md §10.3: an "L" operation leaves walk-cache entries).
  @Test func vale1AfterReplacingATable() throws {
    let m = try F.machine()
    _ = F.read(m)
    let t2: UInt64 = 0x10_5000
    try m.memory.write64(t2 + 3 * 8, F.page(F.paB))
    let slot = F.l2 + 1 * 8
    #expect(try m.writeMemory(slot, 0).isEmpty)
    try F.flush(m, "vale1", address: F.va)
    let w = try m.writeMemory(slot, F.table(t2))
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(w.first?.reason == .changedAfterBreak(.nextTableAddress, allLevels: true, cpu: 0))
    #expect(m.cpu.tlb.count == 0)
    let a = F.read(m)
    #expect(a.walkCacheUsed.map(\.level) == [2])
    #expect(a.walkCacheUsed.first?.nextTable == F.l3)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.accesses == 1)  // only the old L3 entry was read
    guard case .stale(let now) = a.tlb else {
      Issue.record("expected stale, got \(a.tlb)")
      return
    }
    #expect(now.translation?.pa == F.paB)
  }

  @Test func vae1AfterReplacingATable() throws {
    let m = try F.machine()
    _ = F.read(m)
    let t2: UInt64 = 0x10_5000
    try m.memory.write64(t2 + 3 * 8, F.page(F.paB))
    let slot = F.l2 + 1 * 8
    _ = try m.writeMemory(slot, 0)
    try F.flush(m, "vae1", address: F.va)
    #expect(try m.writeMemory(slot, F.table(t2)).isEmpty)
    let a = F.read(m)
    #expect(a.tlb == .miss && a.outcome.translation?.pa == F.paB)
  }

  /// Bug 4: reusing an ASID for new tables without ASIDE1: the old process's non-global
  /// entries carry the same ASID and still match.
  @Test func asidReuseWithoutASIDE1() throws {
    let m = Machine()
    let rootA: UInt64 = 0x20_0000
    let rootB: UInt64 = 0x30_0000
    try F.tables(m, root: rootA, va: F.va, pa: F.paA, ng: true)
    try F.tables(m, root: rootB, va: F.va, pa: F.paB, ng: true)
    m.cpu.registers[.ttbr0_el1] = rootA | (5 << 48)
    _ = F.read(m)
    #expect(m.cpu.tlb.entries.first?.asid == 5)
    m.cpu.registers[.ttbr0_el1] = rootB | (5 << 48)
    let a = F.read(m)
    #expect(a.outcome.translation?.pa == F.paA)
    #expect(a.walk.outcome.translation?.pa == F.paB)
    if case .stale = a.tlb {} else { Issue.record("expected stale, got \(a.tlb)") }
    try F.flush(m, "aside1", asid: 5)
    #expect(F.read(m).outcome.translation?.pa == F.paB)
  }

  @Test func aFreshASIDNeedsNoInvalidation() throws {
    let m = Machine()
    try F.tables(m, root: 0x20_0000, va: F.va, pa: F.paA, ng: true)
    try F.tables(m, root: 0x30_0000, va: F.va, pa: F.paB, ng: true)
    m.cpu.registers[.ttbr0_el1] = 0x20_0000 | (5 << 48)
    _ = F.read(m)
    m.cpu.registers[.ttbr0_el1] = 0x30_0000 | (6 << 48)
    let a = F.read(m)
    #expect(a.tlb == .miss && a.outcome.translation?.pa == F.paB)
  }

  /// Bug 5: a 2M block replaced by a table of 4K pages without break-before-make. With
  /// speculation the 4K entries join the cached 2M entry and the access takes a TLB conflict
  /// abort (architecture.md §11).
  @Test func blockToTableWithoutBBM() throws {
    let m = Machine()
    m.options.tlbSpeculative = true
    try m.memory.write64(F.l0, F.table(F.l1))
    try m.memory.write64(F.l1 + 8, F.table(F.l2))
    try m.memory.write64(F.l2 + 8, F.block(F.paA))
    m.cpu.registers[.ttbr0_el1] = F.l0
    #expect(F.read(m).outcome.translation?.blockBits == 21)
    let t: UInt64 = 0x10_8000
    for i: UInt64 in 0..<512 { try m.memory.write64(t + i * 8, F.page(F.paA + i * 0x1000)) }
    let w = try m.writeMemory(F.l2 + 8, F.table(t))
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(m.speculateTranslations() == 512)
    let a = F.read(m)
    #expect(a.tlb == .conflict(entries: 2))
    #expect(a.outcome.fault?.statusCode == 0b110000)
  }

  @Test func blockToTableWithBBM() throws {
    let m = Machine()
    m.options.tlbSpeculative = true
    try m.memory.write64(F.l0, F.table(F.l1))
    try m.memory.write64(F.l1 + 8, F.table(F.l2))
    try m.memory.write64(F.l2 + 8, F.block(F.paA))
    m.cpu.registers[.ttbr0_el1] = F.l0
    _ = F.read(m)
    let t: UInt64 = 0x10_8000
    for i: UInt64 in 0..<512 { try m.memory.write64(t + i * 8, F.page(F.paA + i * 0x1000)) }
    #expect(try m.writeMemory(F.l2 + 8, 0).isEmpty)
    try F.flush(m, "vae1", address: 0x4020_0000)
    #expect(try m.writeMemory(F.l2 + 8, F.table(t)).isEmpty)
    m.speculateTranslations()
    let a = F.read(m)
    #expect(a.tlb == .hit && a.outcome.translation?.blockBits == 12)
  }
}
