import Testing

@testable import MMU

/// Two-stage translations and the TLB (architecture.md §6, §10.1, §10.3): combined entries, stage-2
/// entries filled by every stage-2 walk, and the KVM rule IPAS2E1; DSB; VMALLE1.
@Suite("TLB and stage 2")
struct TLBStage2Tests {
  typealias F = TLBFix

  // Stage 2 (VTCR_EL2 default: 4K, 40-bit IPA, start level 1 with two concatenated tables).
  static let s2root: UInt64 = 0x40_0000  // 8K: the two level-1 tables
  static let s2l2: UInt64 = 0x40_2000
  static let s2l3: UInt64 = 0x40_3000
  /// The IPA the guest page maps to (stage 1: F.va -> IPA 0x8000_0000).
  static let ipa: UInt64 = F.paA

  /// Stage-2 block/page: AF, inner shareable, S2AP read-write, MemAttr Normal WB (0b1111).
  static func s2(_ pa: UInt64, _ type: UInt64) -> UInt64 {
    pa | (1 << 10) | (3 << 8) | (0b11 << 6) | (0b1111 << 2) | type
  }

  /// The guest's stage 1 is F's tables (at IPAs equal to their PAs). Stage 2 maps IPA
  /// [0, 1G) with a 1G block at level 1 (index 0), and IPA 0x8000_0000 (level-1 index 2,
  /// level-2 index 0, level-3 index 0) with a 4K page to `pa`.
  static func guest(pa: UInt64 = F.paA) throws -> Machine {
    let m = try F.machine()
    try m.memory.write64(s2root + 0 * 8, s2(0, 0b01))
    try m.memory.write64(s2root + 2 * 8, F.table(s2l2))
    try m.memory.write64(s2l2 + 0 * 8, F.table(s2l3))
    try m.memory.write64(s2l3 + 0 * 8, s2(pa, 0b11))
    m.cpu.registers[.vttbr_el2] = s2root | (1 << 48)
    m.cpu.registers[.hcr_el2] = 1  // VM
    return m
  }

  static func read(_ m: Machine) -> AccessResult { F.read(m, context: F.nested) }

  /// Remaps the guest page's IPA to PA `pa` at stage 2, directly in memory.
  static func remap(_ m: Machine, to pa: UInt64) throws {
    try m.memory.write64(s2l3, s2(pa, 0b11))
  }

  @Test func fullMissFillsCombinedAndStage2Entries() throws {
    let m = try Self.guest()
    let a = Self.read(m)
    #expect(a.tlb == .miss)
    #expect(a.outcome.translation?.pa == F.paA)
    // Stage-1 reads 4; the first table IPA (0x10_0000) walks stage 2 (one level-1 block
    // read) and fills a 1G stage-2 entry the other three table fetches hit; the output IPA
    // walks stage 2 levels 1..3: 4 + 1 + 3 = 8 (the tables alone: 4 + 4 + 3 = 11).
    #expect(a.accesses == 8)
    #expect(
      m.access(cpu: m.cpu, context: F.nested, address: F.va, access: .read, useTLB: false)
        .walk.accesses == 11)
    let e = m.cpu.tlb.entries
    #expect(e.map(\.stage) == [.combined, .stage2, .stage2])
    #expect(e.map(\.vmid) == [1, 1, 1])
    #expect(e.filter { $0.stage == .stage2 }.map(\.sizeBits) == [30, 12])
    #expect(e.filter { $0.stage == .stage2 }.map(\.inputBase) == [0, Self.ipa])
    #expect(Self.read(m).tlb == .hit)
  }

  @Test func ipas2e1LeavesCombinedEntries() throws {
    let m = try Self.guest()
    _ = Self.read(m)
    try Self.remap(m, to: F.paB)
    m.cpu.el = 2
    try F.flush(m, "ipas2e1", address: Self.ipa)
    #expect(m.cpu.tlb.entries.map(\.stage) == [.combined, .stage2])  // the IPA's entry went
    let a = Self.read(m)
    #expect(a.outcome.translation?.pa == F.paA)  // the combined entry still answers
    #expect(a.walk.outcome.translation?.pa == F.paB)
    if case .stale = a.tlb {} else { Issue.record("expected stale, got \(a.tlb)") }
    try F.flush(m, "vmalle1")
    let b = Self.read(m)
    #expect(b.tlb == .miss && b.outcome.translation?.pa == F.paB)
  }

  @Test func vmalle1AloneLeavesStage2Entries() throws {
    let m = try Self.guest()
    _ = Self.read(m)
    try Self.remap(m, to: F.paB)
    try F.flush(m, "vmalle1")
    #expect(m.cpu.tlb.entries.map(\.stage) == [.stage2, .stage2])
    // The walk misses the combined entry but takes stage 2 of the output IPA from the stale
    // stage-2 entry, and fills a combined entry from it.
    let a = Self.read(m)
    #expect(a.outcome.translation?.pa == F.paA)
    if case .stale = a.tlb {} else { Issue.record("expected stale, got \(a.tlb)") }
    // IPAS2E1 alone now is too late: the refilled combined entry answers (architecture.md §10.3).
    m.cpu.el = 2
    try F.flush(m, "ipas2e1", address: Self.ipa)
    #expect(Self.read(m).outcome.translation?.pa == F.paA)
    try F.flush(m, "vmalle1")
    #expect(Self.read(m).outcome.translation?.pa == F.paB)
  }

  @Test func kvmSequenceIsClean() throws {
    let m = try Self.guest()
    _ = Self.read(m)
    m.cpu.el = 2
    #expect(try m.writeMemory(Self.s2l3, 0).isEmpty)
    try F.flush(m, "ipas2e1is", address: Self.ipa)
    try F.flush(m, "vmalle1is")
    #expect(try m.writeMemory(Self.s2l3, Self.s2(F.paB, 0b11)).isEmpty)
    m.cpu.el = 1
    let a = Self.read(m)
    #expect(a.tlb == .miss && a.outcome.translation?.pa == F.paB)
  }

  @Test func stage2RegimeUsesStage2Entries() throws {
    let m = try Self.guest()
    let s2 = AccessContext(regime: .stage2)
    #expect(F.read(m, Self.ipa, context: s2).tlb == .miss)
    #expect(m.cpu.tlb.entries.map(\.stage) == [.stage2])
    #expect(F.read(m, Self.ipa + 8, context: s2).tlb == .hit)
  }

  @Test func otherVMIDMissesStage2Entries() throws {
    let m = try Self.guest()
    _ = Self.read(m)
    m.cpu.registers[.vttbr_el2] = Self.s2root | (2 << 48)
    let a = Self.read(m)
    #expect(a.tlb == .miss)
    #expect(a.walkCacheUsed.isEmpty)  // nothing of VMID 1 is used: 4 + 1 + 3 again
    #expect(a.accesses == 8)
  }
}
