import Testing

@testable import MMU

/// Break-before-make completes only with a TLBI that covers what the TLBs hold of the old
/// descriptor: its VMID, ASID, address and level (the Arm ARM's TLBI scope, pseudocode
/// TLBIMatch; the break-before-make sequence of "Translation table entry changes";
/// docs/tlb-model.md). Each case writes the L3 entry of VA 0x4020_3000 invalid, completes a
/// TLBI that misses the cached entry, and writes a new output address: a warning. The same
/// steps with the covering TLBI give none.
@Suite("Break-before-make: what a TLBI covers")
struct TLBBreakBeforeMakeScopeTests {
  typealias F = TLBFix
  static let slot = F.l3 + 3 * 8

  /// Fills the entry (ASID 1 in TTBR0_EL1, VMID 1 in VTTBR_EL2) and makes the break.
  static func broken(ng: Bool = false) throws -> Machine {
    let m = try F.machine(ng: ng)
    #expect(F.read(m).outcome.translation?.pa == F.paA)
    #expect(try m.writeMemory(slot, 0).isEmpty)
    return m
  }

  static func make(_ m: Machine) throws -> [ModelWarning] {
    try m.writeMemory(slot, F.page(F.paB))
  }

  @Test func aTLBIForAnotherAddressDoesNotCoverTheEntry() throws {
    let m = try Self.broken()
    // VAE1 of the next page, 0x4020_4000: the entry's page is 0x4020_3000.
    try F.flush(m, "vae1", address: F.va + 0x1000)
    let w = try Self.make(m)
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(w.first?.reason == .changedAfterBreak(.outputAddress, allLevels: false, cpu: 0))
  }

  @Test func aTLBIForTheAddressCoversIt() throws {
    let m = try Self.broken()
    try F.flush(m, "vae1", address: F.va)
    #expect(try Self.make(m).isEmpty)
  }

  @Test func aTLBIForAnotherASIDDoesNotCoverANonGlobalEntry() throws {
    let m = try Self.broken(ng: true)
    #expect(m.cpu.tlb.entries.first?.asid == 1)
    try F.flush(m, "vae1", address: F.va, asid: 2)
    #expect(try Self.make(m).map(\.kind) == [.breakBeforeMake])
  }

  @Test func aTLBIForTheEntrysASIDCoversIt() throws {
    let m = try Self.broken(ng: true)
    try F.flush(m, "vae1", address: F.va, asid: 1)
    #expect(try Self.make(m).isEmpty)
  }

  @Test func aTLBIUnderAnotherVMIDDoesNotCoverTheEntry() throws {
    let m = try Self.broken()
    #expect(m.cpu.tlb.entries.first?.vmid == 1)
    // VMALLE1 takes the VMID from VTTBR_EL2 when it executes: now 2.
    m.cpu.registers[.vttbr_el2] = 2 << 48
    try F.flush(m, "vmalle1")
    #expect(try Self.make(m).map(\.kind) == [.breakBeforeMake])
    m.cpu.registers[.vttbr_el2] = 1 << 48
    try F.flush(m, "vmalle1")
    // The record went with the first make; a second break and VMID-1 TLBI is clean.
    #expect(try m.writeMemory(Self.slot, 0).isEmpty)
    try F.flush(m, "vmalle1")
    #expect(try m.writeMemory(Self.slot, F.page(F.paA)).isEmpty)
  }

  @Test func aTLBIHintingAnotherLevelDoesNotCoverTheEntry() throws {
    let m = try Self.broken()
    // TTL says level 2; the entry is a level-3 page, so a hinted VALE1 leaves it
    // (docs/tlb-model.md: TTL hints are honoured).
    try F.flush(m, "vale1", address: F.va, level: 2)
    #expect(m.cpu.tlb.count == 1)
    #expect(try Self.make(m).map(\.kind) == [.breakBeforeMake])
  }

  @Test func aTLBIHintingTheEntrysLevelCoversIt() throws {
    let m = try Self.broken()
    try F.flush(m, "vale1", address: F.va, level: 3)
    #expect(m.cpu.tlb.count == 0)
    #expect(try Self.make(m).isEmpty)
  }

  /// Two CPUs hold the entry: a covering TLBI on each (local ones) completes the sequence; a
  /// covering one on cpu0 and a missing one on cpu1 leaves cpu1 named.
  @Test func everyCPUNeedsACoveringTLBI() throws {
    let m = try F.machine(cpus: 2)
    _ = F.read(m, cpu: 0)
    _ = F.read(m, cpu: 1)
    #expect(try m.writeMemory(Self.slot, 0).isEmpty)
    try F.flush(m, "vae1", address: F.va, cpu: 0)
    try F.flush(m, "vae1", address: F.va + 0x1000, cpu: 1)
    let w = try m.writeMemory(Self.slot, F.page(F.paB))
    #expect(w.first?.reason == .changedAfterBreak(.outputAddress, allLevels: false, cpu: 1))
    #expect(try m.writeMemory(Self.slot, 0).isEmpty)
    try F.flush(m, "vae1", address: F.va, cpu: 0)
    try F.flush(m, "vae1", address: F.va, cpu: 1)
    #expect(try m.writeMemory(Self.slot, F.page(F.paA)).isEmpty)
  }
}
