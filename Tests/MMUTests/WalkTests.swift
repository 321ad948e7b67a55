import Testing

@testable import MMU

/// Walks of hand-built tables for each regime. Table addresses, indexes and descriptors are
/// written out by hand from the index ranges of architecture.md §2.2 and the formats of
/// architecture.md §3.
@Suite("Walks")
struct WalkTests {
  // VA used for 4K/48-bit walks: L0 index VA[47:39] = 1, L1 [38:30] = 2, L2 [29:21] = 3,
  // L3 [20:12] = 4, offset 0x567.
  static let va4K48: UInt64 = (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12) | 0x567
  // = 0x0000_0080_8060_4567.

  /// Four 4K tables at 0x1000 (L0), 0x2000 (L1), 0x3000 (L2), 0x4000 (L3) on the path of
  /// `va4K48`, ending in `leaf` (L3 entry 4). Table descriptors carry `tableBits[level]`.
  static func build4K48(
    _ m: PhysicalMemory, leaf: UInt64, tableBits: [UInt64] = [0, 0, 0]
  ) throws {
    try m.put(0x1000, 1, 0x2000 | D.table | tableBits[0])  // entry at 0x1008
    try m.put(0x2000, 2, 0x3000 | D.table | tableBits[1])  // entry at 0x2010
    try m.put(0x3000, 3, 0x4000 | D.table | tableBits[2])  // entry at 0x3018
    try m.put(0x4000, 4, leaf)  // entry at 0x4020
  }
  /// A Normal WB (AttrIndx 0), inner-shareable, AF=1, EL1 read/write page at 0x8765_4000.
  static let rwPage: UInt64 = 0x8765_4000 | D.af | D.shInner | D.page
  // = 0x0000_0000_8765_4703

  // MARK: EL1&0

  @Test("EL1&0 TTBR0, 4K 48-bit: 4 levels, 4 reads")
  func el1TTBR0() throws {
    let m = PhysicalMemory()
    try Self.build4K48(m, leaf: Self.rwPage)
    #expect(Self.rwPage == 0x0000_0000_8765_4703)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    let w = walk(m, r, el1Ctx, Self.va4K48, trace: true)
    let t = try #require(w.outcome.translation)
    #expect(t.pa == 0x8765_4567)
    #expect(t.level == 3 && t.blockBits == 12)
    #expect(t.descriptor == 0x8765_4703)
    #expect(t.global)  // nG = 0
    #expect(t.attributes == MemoryAttributes(mair: 0xFF, shareability: .inner))
    #expect(w.accesses == 4)
    #expect(w.steps.map(\.level) == [0, 1, 2, 3])
    #expect(w.steps.map(\.index) == [1, 2, 3, 4])
    #expect(w.steps.map(\.entryAddress) == [0x1008, 0x2010, 0x3018, 0x4020])
    #expect(w.steps.map(\.kind) == [.table, .table, .table, .page])
    // The same walk with nG=1 is not global.
    try m.put(0x4000, 4, Self.rwPage | D.nG)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome.translation?.global == false)
  }

  @Test("EL1&0 TTBR1 and the top-bit check (VA[55] selects, [63:IA] must equal it)")
  func el1TTBR1() throws {
    let m = PhysicalMemory()
    try Self.build4K48(m, leaf: Self.rwPage)
    var r = baseRegisters()
    r[.ttbr1_el1] = 0x1000
    // The same indexes in the upper half: 0xFFFF_0080_8060_4567.
    let upper: UInt64 = 0xFFFF_0000_0000_0000 | Self.va4K48
    #expect(upper == 0xFFFF_0080_8060_4567)
    #expect(walk(m, r, el1Ctx, upper).outcome.translation?.pa == 0x8765_4567)
    // TTBR0 is 0: a lower-half VA walks other (empty) tables → Translation L0.
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.translation, level: 0)))
    let l0 = WalkOutcome.faulted(Fault(.translation, level: 0))
    // Bit 55 set, bit 48 clear: [63:48] not all equal to bit 55.
    #expect(walk(m, r, el1Ctx, 0xFFFE_0080_8060_4567).outcome == l0)
    // Bit 55 clear, bit 48 set.
    #expect(walk(m, r, el1Ctx, 0x0001_0000_0000_0000).outcome == l0)
    // Bit 55 set, bit 63 clear (TBI off: the top byte is checked).
    #expect(walk(m, r, el1Ctx, 0x7FFF_0080_8060_4567).outcome == l0)
    // With TBI1 the top byte is ignored: [55:48] are all ones → translates.
    r[.tcr_el1] |= TCR.tbi1
    #expect(walk(m, r, el1Ctx, 0x7FFF_0080_8060_4567).outcome.translation?.pa == 0x8765_4567)
    // TBID1 limits TBI to data: an instruction fetch checks [63:48] again → Translation L0.
    r[.tcr_el1] |= TCR.tbid1
    #expect(walk(m, r, el1Ctx, 0x7FFF_0080_8060_4567).outcome.translation?.pa == 0x8765_4567)
    #expect(walk(m, r, el1Ctx, 0x7FFF_0080_8060_4567, .exec).outcome == l0)
  }

  @Test("TTBR1 with T1SZ=25 (39-bit, 3 levels): the range starts at 0xFFFF_FF80_0000_0000")
  func ttbr1ThirtyNine() throws {
    let m = PhysicalMemory()
    // Start level 1 (architecture.md §2.5); all indexes of 0xFFFF_FF80_0000_0000 are 0 ([38:30],
    // [29:21], [20:12]).
    try m.put(0x20000, 0, 0x21000 | D.table)
    try m.put(0x21000, 0, 0x22000 | D.table)
    try m.put(0x22000, 0, 0x9000_0000 | D.af | D.shInner | D.page)
    var r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.t1sz(25) | TCR.tg1(.k4) | TCR.ips(0b101)
    r[.ttbr1_el1] = 0x20000
    let w = walk(m, r, el1Ctx, 0xFFFF_FF80_0000_0ABC)
    #expect(w.outcome.translation?.pa == 0x9000_0ABC)
    #expect(w.accesses == 3)
    // One page below the range: bit 39 is 0 while bit 55 is 1.
    #expect(
      walk(m, r, el1Ctx, 0xFFFF_FF7F_FFFF_F000).outcome
        == .faulted(Fault(.translation, level: 0)))
  }

  @Test("EPD0 and E0PD0: Translation L0 without a walk (architecture.md §2.9)")
  func epdAndE0pd() throws {
    let m = PhysicalMemory()
    try Self.build4K48(m, leaf: Self.rwPage | D.ap(0b01))
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    #expect(walk(m, r, el0Ctx, Self.va4K48).outcome.translation?.pa == 0x8765_4567)
    var e = r
    e[.tcr_el1] |= TCR.epd0
    let w = walk(m, e, el1Ctx, Self.va4K48)
    #expect(w.outcome == .faulted(Fault(.translation, level: 0)))
    #expect(w.accesses == 0)
    e = r
    e[.tcr_el1] |= TCR.e0pd0
    #expect(walk(m, e, el0Ctx, Self.va4K48).outcome == .faulted(Fault(.translation, level: 0)))
    // E0PD only affects unprivileged accesses.
    #expect(walk(m, e, el1Ctx, Self.va4K48).outcome.translation?.pa == 0x8765_4567)
  }

  // MARK: EL2

  @Test("EL2 without VHE: TTBR0_EL2 only, TCR_EL2's own layout, bit 55 set faults")
  func el2NonVHE() throws {
    let m = PhysicalMemory()
    // AP[2:1]=01 is read/write in a one-range regime (AP[1] RES1, ignored): and, unlike
    // EL1&0, it does not imply PXN — there is no EL0 (architecture.md §8.4).
    try Self.build4K48(m, leaf: Self.rwPage | D.ap(0b01))
    var r = baseRegisters()
    r[.ttbr0_el2] = 0x1000
    let w = walk(m, r, el2Ctx, Self.va4K48)
    #expect(w.outcome.translation?.pa == 0x8765_4567)
    #expect(walk(m, r, el2Ctx, Self.va4K48, .write).outcome.translation != nil)
    #expect(walk(m, r, el2Ctx, Self.va4K48, .exec).outcome.translation != nil)
    // The CPU at EL2 with E2H=0 uses this regime.
    let c = CPU(index: 0)
    c.registers = r
    #expect(c.context(el: 2) == AccessContext(regime: .el2))
    // No TTBR1: bit 55 set → Translation L0 (QEMU / VAIsOutOfRange; KVM's AT emulation
    // would say Address size — the model documents the Translation choice).
    let l0 = WalkOutcome.faulted(Fault(.translation, level: 0))
    #expect(walk(m, r, el2Ctx, 0x0080_0080_8060_4567).outcome == l0)
    #expect(walk(m, r, el2Ctx, 0xFFFF_0080_8060_4567).outcome == l0)
    // TCR_EL2.TBI (bit 20): the top byte is ignored, bits [55:48] must still be 0.
    var tbi = r
    tbi[.tcr_el2] |= 1 << 20
    #expect(walk(m, tbi, el2Ctx, 0xFF00_0080_8060_4567).outcome.translation?.pa == 0x8765_4567)
    #expect(walk(m, tbi, el2Ctx, 0xFF80_0080_8060_4567).outcome == l0)
    // nG is ignored in EL2: the entry is global.
    try m.put(0x4000, 4, Self.rwPage | D.ap(0b01) | D.nG)
    #expect(walk(m, r, el2Ctx, Self.va4K48).outcome.translation?.global == true)
  }

  @Test("EL2&0 with VHE: E2H=1, TCR_EL2 in the EL1 layout, TTBR1_EL2 for the upper half")
  func el2VHE() throws {
    let m = PhysicalMemory()
    try Self.build4K48(m, leaf: Self.rwPage | D.ap(0b01) | D.nG)
    var r = baseRegisters()
    r[.hcr_el2] = HCR.e2h
    // EL1 layout: T1SZ [21:16] = 16, TG1 [31:30] = 0b10 (4K), IPS [34:32] = 48.
    r[.tcr_el2] =
      TCR.t0sz(16) | TCR.tg0(.k4) | TCR.t1sz(16) | TCR.tg1(.k4) | TCR.ips(0b101)
    r[.ttbr1_el2] = 0x1000
    let c = CPU(index: 0)
    c.registers = r
    #expect(c.context(el: 2) == AccessContext(regime: .el20))
    let upper: UInt64 = 0xFFFF_0080_8060_4567
    let t = try #require(walk(m, r, c.context(el: 2), upper).outcome.translation)
    #expect(t.pa == 0x8765_4567)
    #expect(!t.global)  // nG counts in EL2&0 (two ranges, ASIDs)
    // The implicit PXN of an EL0-writable page applies here as in EL1&0 (architecture.md §8.2).
    #expect(
      walk(m, r, c.context(el: 2), upper, .exec).outcome
        == .faulted(Fault(.permission, level: 3)))
    // With TGE, EL0 joins EL2&0: AP=01 lets it read.
    c.registers[.hcr_el2] = HCR.e2h | HCR.tge
    #expect(c.context(el: 0) == AccessContext(regime: .el20, unprivileged: true))
    #expect(walk(m, c.registers, c.context(el: 0), upper).outcome.translation?.pa == 0x8765_4567)
  }

  // MARK: Stage 2

  @Test("stage 2 alone: 40-bit IPA, 4K, SL0=1 → L1 over 2 concatenated tables")
  func stage2Alone() throws {
    let m = PhysicalMemory()
    // IPA 0x80_4020_1234: L1 index IPA[39:30] = 0b10_0000_0001 = 513, which lies in the
    // second of the two tables: entry at 0x10_0000 + 513*8 = 0x10_1008. L2 index IPA[29:21]
    // = 1, L3 index IPA[20:12] = 1.
    let ipa: UInt64 = 0x80_4020_1234
    try m.write64(0x10_1008, 0x11_0000 | D.table)
    try m.put(0x11_0000, 1, 0x12_0000 | D.table)
    let leaf: UInt64 = 0x5_6789_A000 | D.s2rw | D.page
    #expect(leaf == 0x5_6789_A7FF)
    try m.put(0x12_0000, 1, leaf)
    var r = baseRegisters()
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101) | VTCR.res1
    r[.vttbr_el2] = 0x10_0000  // 8 KiB aligned, as two tables need
    let w = walk(m, r, s2Ctx, ipa, .write)
    let t = try #require(w.outcome.translation)
    #expect(t.pa == 0x5_6789_A234)
    #expect(t.level == 3)
    #expect(w.accesses == 3)
    // Stage-2 Normal WB shown as a MAIR byte.
    #expect(t.attributes.mair == 0xFF)
    // IPA bit 40 set: outside the 40-bit IPA space → stage-2 Translation L0.
    #expect(
      walk(m, r, s2Ctx, 1 << 40).outcome
        == .faulted(Fault(.translation, level: 0, stage: 2, ipa: 1 << 40)))
    // An invalid L2 entry: stage-2 Translation L2 with the IPA.
    let ipa2: UInt64 = 0x80_4000_0000  // L2 index 0, invalid
    #expect(
      walk(m, r, s2Ctx, ipa2).outcome
        == .faulted(Fault(.translation, level: 2, stage: 2, ipa: ipa2)))
  }

  @Test("stage 2 alone: 40-bit IPA, 16K, SL0=1 → L2 over 16 tables, a 32M block")
  func stage2SixteenK() throws {
    let m = PhysicalMemory()
    // L2 index = IPA[39:25] (15 bits); choose 0x7ABC → entry at base + 0x7ABC*8 = base +
    // 0x3D5E0, inside the 16 × 16 KiB = 0x40000 bytes of the start tables.
    let ipa: UInt64 = (0x7ABC << 25) | 0x5678
    #expect(ipa == 0xF5_7800_5678)
    let base: UInt64 = 0x40_0000  // 256 KiB aligned
    try m.write64(base + 0x3D5E0, 0x2_0000_0000 | D.s2rw | D.block)
    var r = baseRegisters()
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k16) | VTCR.ps(0b101)
    r[.vttbr_el2] = base
    let w = walk(m, r, s2Ctx, ipa)
    #expect(w.outcome.translation?.pa == 0x2_0000_5678)
    #expect(w.outcome.translation?.blockBits == 25)
    #expect(w.accesses == 1)
  }

  // MARK: Nested

  /// Stage 2: 4K, 48-bit IPA, SL0=2 (start L0), tables at PA 0x100_0000..0x100_3000, mapping
  /// IPA page n (n < 512) to PA 0x200_0000 + n*4K with `s2Leaf(n)`. Stage 1: 4K/48 tables at
  /// IPAs 0x1000..0x4000 (so at PAs 0x200_1000..0x200_4000) for `va4K48`, leaf → IPA 0x5000.
  static func buildNested(
    _ m: PhysicalMemory, s1Leaf: UInt64 = 0x5000 | D.af | D.shInner | D.page,
    s2Leaf: (UInt64) -> UInt64 = { _ in D.s2rw | D.page }
  ) throws -> RegisterFile {
    try m.put(0x100_0000, 0, 0x100_1000 | D.table)
    try m.put(0x100_1000, 0, 0x100_2000 | D.table)
    try m.put(0x100_2000, 0, 0x100_3000 | D.table)
    for n: UInt64 in 0...8 {
      try m.put(0x100_3000, n, (0x200_0000 + n * 0x1000) | s2Leaf(n))
    }
    // Stage-1 entries, written at PA = 0x200_0000 + IPA.
    try m.write64(0x200_1008, 0x2000 | D.table)
    try m.write64(0x200_2010, 0x3000 | D.table)
    try m.write64(0x200_3018, 0x4000 | D.table)
    try m.write64(0x200_4020, s1Leaf)
    var r = baseRegisters()
    r[.hcr_el2] = HCR.vm
    r[.vtcr_el2] = VTCR.t0sz(16) | VTCR.sl0(2) | VTCR.tg0(.k4) | VTCR.ps(0b101) | VTCR.res1
    r[.vttbr_el2] = 0x100_0000
    r[.ttbr0_el1] = 0x1000  // an IPA
    return r
  }
  static let nested = AccessContext(regime: .el10, stage2: true)
  static let nestedEL0 = AccessContext(regime: .el10, unprivileged: true, stage2: true)

  @Test("nested 4+4 levels: 24 descriptor reads on a full miss (architecture.md §6)")
  func nestedFullMiss() throws {
    let m = PhysicalMemory()
    let r = try Self.buildNested(m)
    let w = walk(m, r, Self.nested, Self.va4K48, trace: true)
    let t = try #require(w.outcome.translation)
    #expect(t.ipa == 0x5567)
    #expect(t.pa == 0x200_5567)
    #expect(t.level == 3 && t.stage2Level == 3)
    // 4 stage-1 reads, each after a 4-read stage-2 walk, then 4 reads for the output IPA:
    // 4*(4+1) + 4 = 24.
    #expect(w.accesses == 24)
    // Each stage-1 step carries its stage-2 walk; entries were read at PA 0x200_0000 + IPA.
    #expect(
      w.steps.filter { $0.stage == 1 }.map(\.entryPA) == [
        0x200_1008, 0x200_2010, 0x200_3018, 0x200_4020,
      ])
    #expect(w.steps.filter { $0.stage == 1 }.allSatisfy { $0.stage2Steps.count == 4 })
  }

  @Test("nested 3+4 levels: 19 reads (architecture.md §6 table)")
  func nestedThreePlusFour() throws {
    let m = PhysicalMemory()
    var r = try Self.buildNested(m)
    // T0SZ=25: start at L1; VA 0x8060_4567 has L1 index 2, L2 3, L3 4 — the same
    // tables from IPA 0x2000 down.
    r[.tcr_el1] = TCR.t0sz(25) | TCR.tg0(.k4) | TCR.t1sz(25) | TCR.tg1(.k4) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x2000
    let w = walk(m, r, Self.nested, 0x8060_4567)
    #expect(w.outcome.translation?.pa == 0x200_5567)
    #expect(w.accesses == 19)  // 3*(4+1) + 4
  }

  @Test("a stage-1 table address that faults at stage 2: stage 2, S1PTW, the stage-2 level")
  func nestedTableFault() throws {
    let m = PhysicalMemory()
    // IPA page 3 (the stage-1 L2 table) has no stage-2 mapping.
    let r = try Self.buildNested(m, s2Leaf: { n in n == 3 ? 0 : D.s2rw | D.page })
    let w = walk(m, r, Self.nested, Self.va4K48)
    // The faulting IPA is the descriptor's: L2 table IPA 0x3000 + index 3 * 8.
    #expect(
      w.outcome
        == .faulted(Fault(.translation, level: 3, stage: 2, s1ptw: true, ipa: 0x3018)))
    // L0 and L1: 5 reads each; then the failing stage-2 walk: 4.
    #expect(w.accesses == 14)
    // Stage-1 table walks are reads at stage 2: S2AP=10 (write-only) on the L1 table page →
    // stage-2 Permission fault at the stage-2 leaf level, S1PTW.
    let m2 = PhysicalMemory()
    let r2 = try Self.buildNested(
      m2,
      s2Leaf: { n in n == 2 ? D.memAttr(0b1111) | D.s2ap(0b10) | D.af | D.page : D.s2rw | D.page })
    #expect(
      walk(m2, r2, Self.nested, Self.va4K48).outcome
        == .faulted(Fault(.permission, level: 3, stage: 2, s1ptw: true, ipa: 0x2010)))
    // The stage-2 level is reported, not the stage-1 one: make IPA 0..2M a stage-2 hole at
    // level 2 → fault level 2 for the very first stage-1 fetch (IPA 0x1008).
    let m3 = PhysicalMemory()
    let r3 = try Self.buildNested(m3)
    try m3.put(0x100_2000, 0, 0)
    #expect(
      walk(m3, r3, Self.nested, Self.va4K48).outcome
        == .faulted(Fault(.translation, level: 2, stage: 2, s1ptw: true, ipa: 0x1008)))
  }

  @Test("the output IPA faults at stage 2 after stage 1 succeeds; stage-1 faults win")
  func nestedOutputFaults() throws {
    // IPA page 5 (the output) unmapped at stage 2.
    let m = PhysicalMemory()
    let r = try Self.buildNested(m, s2Leaf: { n in n == 5 ? 0 : D.s2rw | D.page })
    #expect(
      walk(m, r, Self.nested, Self.va4K48).outcome
        == .faulted(Fault(.translation, level: 3, stage: 2, ipa: 0x5567)))
    // IPA page 5 read-only at stage 2: a write faults at stage 2 (S1PTW clear).
    let ro: (UInt64) -> UInt64 = { n in
      n == 5 ? D.memAttr(0b1111) | D.s2ap(0b01) | D.af | D.page : D.s2rw | D.page
    }
    let m2 = PhysicalMemory()
    let r2 = try Self.buildNested(m2, s2Leaf: ro)
    #expect(walk(m2, r2, Self.nested, Self.va4K48).outcome.translation?.pa == 0x200_5567)
    #expect(
      walk(m2, r2, Self.nested, Self.va4K48, .write).outcome
        == .faulted(Fault(.permission, level: 3, stage: 2, ipa: 0x5567, write: true)))
    // Stage 1 read-only too: the stage-1 Permission fault is reported (architecture.md §8.6).
    let m3 = PhysicalMemory()
    let r3 = try Self.buildNested(
      m3, s1Leaf: 0x5000 | D.af | D.shInner | D.ap(0b10) | D.page, s2Leaf: ro)
    #expect(
      walk(m3, r3, Self.nested, Self.va4K48, .write).outcome
        == .faulted(Fault(.permission, level: 3, write: true)))
  }

  // MARK: Address size

  @Test("TTBR beyond the OA → Address size L0; effective OA = min(IPS, PAMax)")
  func ttbrAddressSize() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    // IPS = 0b010 (40 bits); TTBR0 = 2^40.
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b010)
    r[.ttbr0_el1] = 1 << 40
    #expect(walk(m, r, el1Ctx, 0).outcome == .faulted(Fault(.addressSize, level: 0)))
    r[.ttbr0_el1] = (1 << 40) - 0x1000  // just inside: walks (and finds nothing at L0)
    #expect(walk(m, r, el1Ctx, 0).outcome == .faulted(Fault(.translation, level: 0)))
    // IPS 48 but PARange 0b001 (36 bits): 2^36 is beyond.
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b101)
    r[.id_aa64mmfr0_el1] = ID.mmfr0(parange: 0b001)
    r[.ttbr0_el1] = 1 << 36
    #expect(
      walk(m, r, el1Ctx, 0, .write).outcome == .faulted(Fault(.addressSize, level: 0, write: true)))
    // Stage 2: VTTBR beyond PS (40 bits) → stage-2 Address size L0.
    r = baseRegisters()
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b010)
    r[.vttbr_el2] = 1 << 40
    #expect(
      walk(m, r, s2Ctx, 0x1000).outcome
        == .faulted(Fault(.addressSize, level: 0, stage: 2, ipa: 0x1000)))
  }

  @Test("a next-level or output address beyond the OA → Address size at that level")
  func descriptorAddressSize() throws {
    var r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b010)  // OA 40 bits
    r[.ttbr0_el1] = 0x1000
    // L0 table descriptor pointing at 2^40.
    var m = PhysicalMemory()
    try m.put(0x1000, 1, (1 << 40) | D.table)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.addressSize, level: 0)))
    // L1 table descriptor at bit 41.
    m = PhysicalMemory()
    try m.put(0x1000, 1, 0x2000 | D.table)
    try m.put(0x2000, 2, (1 << 41) | D.table)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.addressSize, level: 1)))
    // An L2 block whose output is at 2^40.
    m = PhysicalMemory()
    try m.put(0x1000, 1, 0x2000 | D.table)
    try m.put(0x2000, 2, 0x3000 | D.table)
    try m.put(0x3000, 3, (1 << 40) | D.af | D.block)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.addressSize, level: 2)))
    // A page at 2^44 (and AF=0: Address size is checked before the access flag, architecture.md
    // §9.2).
    m = PhysicalMemory()
    try Self.build4K48(m, leaf: (1 << 44) | D.page)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.addressSize, level: 3)))
    // The same page with the 48-bit OA: fine.
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b101)
    try Self.build4K48(m, leaf: (1 << 44) | D.af | D.page)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome.translation?.pa == (1 << 44) | 0x567)
  }

  @Test("nested: the stage-1 output IPA is checked against TCR_EL1.IPS (stage 1)")
  func nestedOutputIPASize() throws {
    let m = PhysicalMemory()
    var r = try Self.buildNested(m, s1Leaf: (1 << 40) | D.af | D.page)
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.ips(0b010)
    #expect(
      walk(m, r, Self.nested, Self.va4K48).outcome == .faulted(Fault(.addressSize, level: 3)))
  }

  // MARK: Access flag

  @Test("AF=0: Access flag fault at the leaf level; HA=1 sets AF in memory (architecture.md §4.4)")
  func accessFlag() throws {
    let m = PhysicalMemory()
    let leaf: UInt64 = 0x8765_4000 | D.shInner | D.page  // AF = 0
    try Self.build4K48(m, leaf: leaf)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.accessFlag, level: 3)))
    #expect(m.read64(0x4020) == leaf)
    // The Access flag is checked before permissions (architecture.md §9.2): EL0, which has no
    // access to this AP=00 page, still sees the Access flag fault.
    #expect(walk(m, r, el0Ctx, Self.va4K48).outcome == .faulted(Fault(.accessFlag, level: 3)))
    // HA=1 but the access faults anyway (EL0 has no access to AP=00): no update.
    r[.tcr_el1] |= TCR.ha
    #expect(walk(m, r, el0Ctx, Self.va4K48).outcome == .faulted(Fault(.permission, level: 3)))
    #expect(m.read64(0x4020) == leaf)
    // HA=1, a good access: translated, and bit 10 is now set in memory.
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome.translation?.pa == 0x8765_4567)
    #expect(m.read64(0x4020) == leaf | D.af)
    // HA without FEAT_HAFDBS does nothing.
    try m.put(0x4000, 4, leaf)
    r[.id_aa64mmfr1_el1] = ID.mmfr1(hafdbs: 0)
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.accessFlag, level: 3)))
    // A level-2 block with AF=0 → Access flag L2.
    let m2 = PhysicalMemory()
    try m2.put(0x1000, 1, 0x2000 | D.table)
    try m2.put(0x2000, 2, 0x3000 | D.table)
    try m2.put(0x3000, 3, 0x8000_0000 | D.block)
    var r2 = baseRegisters()
    r2[.ttbr0_el1] = 0x1000
    #expect(walk(m2, r2, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.accessFlag, level: 2)))
  }

  @Test("dirty state: HD + DBM turns a write to a read-only page into clearing AP[2]")
  func dirtyBitModifier() throws {
    let m = PhysicalMemory()
    let leaf: UInt64 = 0x8765_4000 | D.af | D.shInner | D.ap(0b10) | D.dbm | D.page
    try Self.build4K48(m, leaf: leaf)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    #expect(
      walk(m, r, el1Ctx, Self.va4K48, .write).outcome
        == .faulted(Fault(.permission, level: 3, write: true)))
    r[.tcr_el1] |= TCR.ha | TCR.hd
    #expect(walk(m, r, el1Ctx, Self.va4K48, .write).outcome.translation?.pa == 0x8765_4567)
    #expect(m.read64(0x4020) == leaf & ~D.ap(0b10))
    // APTable[1] on the path still forbids the write, and memory stays as it was.
    try Self.build4K48(m, leaf: leaf, tableBits: [0, D.apTable(0b10), 0])
    #expect(
      walk(m, r, el1Ctx, Self.va4K48, .write).outcome
        == .faulted(Fault(.permission, level: 3, write: true)))
    #expect(m.read64(0x4020) == leaf)
  }

  @Test("stage-2 AF: VTCR_EL2.HA sets it; without HA an Access flag fault at stage 2")
  func stage2AccessFlag() throws {
    let m = PhysicalMemory()
    try m.put(0x10_0000, 0, 0x11_0000 | D.table)  // L1 index IPA[39:30] = 0
    try m.put(0x11_0000, 0, 0x12_0000 | D.table)  // L2 index 0
    let leaf: UInt64 = 0x7000_0000 | D.memAttr(0b1111) | D.s2ap(0b11) | D.page
    try m.put(0x12_0000, 5, leaf)  // L3 index IPA[20:12] = 5
    var r = baseRegisters()
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101)
    r[.vttbr_el2] = 0x10_0000
    #expect(
      walk(m, r, s2Ctx, 0x5008).outcome
        == .faulted(Fault(.accessFlag, level: 3, stage: 2, ipa: 0x5008)))
    r[.vtcr_el2] |= VTCR.ha
    #expect(walk(m, r, s2Ctx, 0x5008).outcome.translation?.pa == 0x7000_0008)
    #expect(m.read64(0x12_0000 + 5 * 8) == leaf | D.af)
  }

  @Test("nested HA: setting a stage-1 AF is a write through stage 2 (architecture.md §4.4)")
  func nestedHardwareAF() throws {
    // Stage-1 leaf with AF=0 and TCR_EL1.HA=1. Its table (IPA page 4) is writable at
    // stage 2: the walker sets AF at PA 0x200_4020.
    let leaf: UInt64 = 0x5000 | D.shInner | D.page
    let m = PhysicalMemory()
    var r = try Self.buildNested(m, s1Leaf: leaf)
    r[.tcr_el1] |= TCR.ha
    #expect(walk(m, r, Self.nested, Self.va4K48).outcome.translation?.pa == 0x200_5567)
    #expect(m.read64(0x200_4020) == leaf | D.af)
    // The same table read-only at stage 2: the update needs stage-2 write permission, so
    // the access takes a stage-2 Permission fault on the walk (S1PTW), level 3, at the
    // descriptor's IPA; memory is unchanged.
    let m2 = PhysicalMemory()
    var r2 = try Self.buildNested(
      m2, s1Leaf: leaf,
      s2Leaf: { n in n == 4 ? D.memAttr(0b1111) | D.s2ap(0b01) | D.af | D.page : D.s2rw | D.page })
    r2[.tcr_el1] |= TCR.ha
    let f = walk(m2, r2, Self.nested, Self.va4K48).outcome.fault
    #expect(f?.kind == .permission && f?.stage == 2 && f?.s1ptw == true)
    #expect(f?.level == 3 && f?.ipa == 0x4020)
    #expect(m2.read64(0x200_4020) == leaf)
  }

  @Test("a stage-2 AF update on a table fetch that then faults is not made (architecture.md §4.4)")
  func stage2AFOnFaultingTableFetch() throws {
    // IPA page 2 (stage-1 L1 table): stage-2 AF=0 and write-only (S2AP=10); VTCR.HA=1.
    let m = PhysicalMemory()
    let s2leaf: UInt64 = 0x200_2000 | D.memAttr(0b1111) | D.s2ap(0b10) | D.page
    var r = try Self.buildNested(
      m, s2Leaf: { n in n == 2 ? D.memAttr(0b1111) | D.s2ap(0b10) | D.page : D.s2rw | D.page })
    r[.vtcr_el2] |= VTCR.ha
    #expect(m.read64(0x100_3000 + 2 * 8) == s2leaf)
    #expect(
      walk(m, r, Self.nested, Self.va4K48).outcome
        == .faulted(Fault(.permission, level: 3, stage: 2, s1ptw: true, ipa: 0x2010)))
    #expect(m.read64(0x100_3000 + 2 * 8) == s2leaf)
  }

  // MARK: Blocks

  @Test("4K 1 GiB (L1) and 2 MiB (L2) blocks")
  func fourKBlocks() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    // VA 0xD234_5678: L0 index 0, L1 index VA[38:30] = 3, offset 0x1234_5678.
    try m.put(0x1000, 0, 0x2000 | D.table)
    try m.put(0x2000, 3, 0x1_C000_0000 | D.af | D.shInner | D.block)
    var w = walk(m, r, el1Ctx, 0xD234_5678)
    #expect(w.outcome.translation?.pa == 0x1_D234_5678)
    #expect(w.outcome.translation?.level == 1 && w.outcome.translation?.blockBits == 30)
    #expect(w.accesses == 2)
    // VA 0x61_2345: L1 index 0, L2 index VA[29:21] = 3, offset 0x1_2345.
    try m.put(0x2000, 0, 0x3000 | D.table)
    try m.put(0x3000, 3, 0x8020_0000 | D.af | D.shInner | D.block)
    w = walk(m, r, el1Ctx, 0x61_2345)
    #expect(w.outcome.translation?.pa == 0x8021_2345)
    #expect(w.outcome.translation?.level == 2 && w.outcome.translation?.blockBits == 21)
    #expect(w.accesses == 3)
  }

  @Test("4K level-0 block (512 GiB) only with DS=1")
  func fourKLevel0Block() throws {
    let m = PhysicalMemory()
    // VA: L0 index 1, offset 0x12_3456_789A (< 2^39). Block at 2^40 (512G aligned).
    try m.put(0x1000, 1, 0x100_0000_0000 | D.af | D.block)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    let va: UInt64 = (1 << 39) | 0x12_3456_789A
    #expect(walk(m, r, el1Ctx, va).outcome == .faulted(Fault(.translation, level: 0)))
    r[.tcr_el1] |= TCR.ds
    let t = try #require(walk(m, r, el1Ctx, va).outcome.translation)
    #expect(t.pa == 0x112_3456_789A)
    #expect(t.level == 0 && t.blockBits == 39)
  }

  @Test("16K: 32 MiB L2 block; L1 block (64 GiB) only with DS")
  func sixteenKBlocks() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    // 16K, T0SZ=17: 47-bit, start L1 (index VA[46:36]), L2 index VA[35:25].
    r[.tcr_el1] = TCR.t0sz(17) | TCR.tg0(.k16) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x10000
    let va: UInt64 = (2 << 36) | (3 << 25) | 0x12_3456
    try m.put(0x10000, 2, 0x20000 | D.table)
    try m.put(0x20000, 3, 0x4_0000_0000 | D.af | D.shInner | D.block)
    let w = walk(m, r, el1Ctx, va)
    #expect(w.outcome.translation?.pa == 0x4_0012_3456)
    #expect(w.outcome.translation?.blockBits == 25)
    #expect(w.accesses == 2)
    // An L1 block descriptor without DS is invalid → Translation L1.
    try m.put(0x10000, 2, 0x10_0000_0000 | D.af | D.block)
    #expect(walk(m, r, el1Ctx, va).outcome == .faulted(Fault(.translation, level: 1)))
    // With DS (no SH bits: they are OA[51:50] now) it is a 64 GiB block at 2^36.
    r[.tcr_el1] |= TCR.ds
    let t = try #require(walk(m, r, el1Ctx, va).outcome.translation)
    #expect(t.pa == 0x10_0612_3456)
    #expect(t.level == 1 && t.blockBits == 36)
  }

  @Test("64K: 512 MiB L2 block; 4 TiB L1 block only with PAMax 52")
  func sixtyFourKBlocks() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    // 64K, T0SZ=22: 42-bit, start L2 (index VA[41:29]).
    r[.tcr_el1] = TCR.t0sz(22) | TCR.tg0(.k64) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x10000
    try m.put(0x10000, 5, 0x6000_0000 | D.af | D.shInner | D.block)
    let w = walk(m, r, el1Ctx, (5 << 29) | 0x1234_5678)
    #expect(w.outcome.translation?.pa == 0x7234_5678)
    #expect(w.outcome.translation?.level == 2 && w.accesses == 1)
    // T0SZ=16: start L1 (index VA[47:42]); a block at 2^46, 4 TiB aligned.
    r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k64) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x20000
    try m.put(0x20000, 3, 0x4000_0000_0000 | D.af | D.shInner | D.block)
    let va: UInt64 = (3 << 42) | 0x123_4567_89AB
    let t = try #require(walk(m, r, el1Ctx, va).outcome.translation)
    #expect(t.pa == 0x4123_4567_89AB)
    #expect(t.level == 1 && t.blockBits == 42)
    // PARange 48 (an implementation without FEAT_LPA): no L1 block → Translation L1.
    r[.id_aa64mmfr0_el1] = ID.mmfr0(parange: 0b101)
    #expect(walk(m, r, el1Ctx, va).outcome == .faulted(Fault(.translation, level: 1)))
  }

  @Test("0b01 at level 3 is a Translation fault, not a page")
  func level3Block() throws {
    let m = PhysicalMemory()
    try Self.build4K48(m, leaf: 0x8765_4000 | D.af | D.block)
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.translation, level: 3)))
    // An invalid L1 entry: Translation L1.
    try m.put(0x2000, 2, 0x3000)  // bit 0 clear
    #expect(walk(m, r, el1Ctx, Self.va4K48).outcome == .faulted(Fault(.translation, level: 1)))
  }

  @Test("contiguous entries: each entry still translates its own page")
  func contiguousEntries() throws {
    let m = PhysicalMemory()
    // 16 L3 entries (64 KiB, architecture.md §3.6) at L3 indexes 0..15, output 0x9000_0000 + i*4K.
    try m.put(0x1000, 0, 0x2000 | D.table)
    try m.put(0x2000, 0, 0x3000 | D.table)
    try m.put(0x3000, 0, 0x4000 | D.table)
    for i: UInt64 in 0..<16 {
      try m.put(0x4000, i, (0x9000_0000 + i * 0x1000) | D.af | D.shInner | D.contiguous | D.page)
    }
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    for i: UInt64 in [0, 7, 15] {
      let t = try #require(walk(m, r, el1Ctx, i * 0x1000 + 0x10).outcome.translation)
      #expect(t.pa == 0x9000_0010 + i * 0x1000)
      #expect(t.contiguous)
    }
  }

  // MARK: 52-bit output

  @Test("LPA2 4K, 52-bit VA and OA: level -1, OA[51:50] in bits [9:8], SH from TCR")
  func lpa2FiftyTwo() throws {
    let m = PhysicalMemory()
    // VA 0x000A_0080_8060_4567: L-1 index VA[51:48] = 0xA, then 1, 2, 3, 4.
    let va: UInt64 = (0xA << 48) | (1 << 39) | (2 << 30) | (3 << 21) | (4 << 12) | 0x567
    #expect(va == 0x000A_0080_8060_4567)
    // L-1 → an L0 table at PA 0xC_0000_0000_2000: [49:12] = 0x2000, [51:50] = 0b11 in [9:8].
    try m.put(0x1000, 0xA, 0x2000 | (0b11 << 8) | D.table)
    try m.put(0x000C_0000_0000_2000, 1, 0x3000 | D.table)
    try m.put(0x3000, 2, 0x4000 | D.table)
    try m.put(0x4000, 3, 0x5000 | D.table)
    // Page at PA 0x000F_8000_1234_5000: [49:12] = 0x0003_8000_1234_5, OA[51:50] = 0b11.
    let leaf: UInt64 = 0x0003_8000_1234_5000 | (0b11 << 8) | D.af | D.page
    #expect(leaf == 0x0003_8000_1234_5703)
    try m.put(0x5000, 4, leaf)
    var r = baseRegisters()
    // T0SZ=12, 4K, IPS 52, DS=1, SH0 = 0b10 (outer): leaf shareability comes from here.
    r[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k4) | TCR.ips(0b110) | TCR.ds | TCR.sh0(0b10)
    r[.ttbr0_el1] = 0x1000
    let w = walk(m, r, el1Ctx, va, trace: true)
    let t = try #require(w.outcome.translation)
    #expect(t.pa == 0x000F_8000_1234_5567)
    #expect(t.attributes.shareability == .outer)
    #expect(w.accesses == 5)
    #expect(w.steps.map(\.level) == [-1, 0, 1, 2, 3])
    #expect(w.steps[1].entryPA == 0x000C_0000_0000_2008)
    // An invalid L-1 entry: Translation fault level -1 (FSC 0x2B).
    try m.put(0x1000, 0xA, 0)
    let f = walk(m, r, el1Ctx, va).outcome.fault
    #expect(f == Fault(.translation, level: -1))
    #expect(f?.statusCode == 0b101011)
    // With IPS 48 (OA 48), an L-1 table address with bit 48 set: Address size level -1.
    r[.tcr_el1] = TCR.t0sz(12) | TCR.tg0(.k4) | TCR.ips(0b101) | TCR.ds
    try m.put(0x1000, 0xA, 0x1_0000_0000_2000 | D.table)
    let f2 = walk(m, r, el1Ctx, va).outcome.fault
    #expect(f2 == Fault(.addressSize, level: -1))
    #expect(f2?.statusCode == 0b101001)
  }

  @Test("64K LPA: 52-bit OA with OA[51:48] in bits [15:12], BADDR[51:48] in TTBR[5:2]")
  func lpaSixtyFourK() throws {
    let m = PhysicalMemory()
    // 64K, T0SZ=22 (start L2, index VA[41:29]), IPS 52. Root at PA 0xA_0000_0001_0000:
    // TTBR = 0x1_0000 | (0xA << 2).
    var r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(22) | TCR.tg0(.k64) | TCR.ips(0b110)
    r[.ttbr0_el1] = 0x1_0000 | (0xA << 2)
    let va: UInt64 = (5 << 29) | (7 << 16) | 0x1234
    // L2 entry 5 → L3 table at PA 0xB_0000_0002_0000: [47:16] = 0x2_0000, [15:12] = 0xB.
    let table: UInt64 = 0x2_0000 | (0xB << 12) | D.table
    #expect(table == 0x0000_0000_0002_B003)
    try m.put(0x000A_0000_0001_0000, 5, table)
    // L3 entry 7 → page at PA 0xC_0000_0003_0000.
    let leaf: UInt64 = 0x3_0000 | (0xC << 12) | D.af | D.shInner | D.page
    #expect(leaf == 0x0000_0000_0003_C703)
    try m.put(0x000B_0000_0002_0000, 7, leaf)
    let w = walk(m, r, el1Ctx, va)
    #expect(w.outcome.translation?.pa == 0x000C_0000_0003_1234)
    #expect(w.accesses == 2)
  }

  // MARK: Setup faults

  @Test("TxSZ out of range (T0SZ 0 and 63) → Translation L0, stage 1 and stage 2")
  func txszOutOfRange() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    for tsz: UInt64 in [0, 63] {
      r[.tcr_el1] = TCR.t0sz(tsz) | TCR.tg0(.k4) | TCR.ips(0b101)
      #expect(walk(m, r, el1Ctx, 0).outcome == .faulted(Fault(.translation, level: 0)))
      r[.vtcr_el2] = VTCR.t0sz(tsz) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101)
      #expect(
        walk(m, r, s2Ctx, 0).outcome == .faulted(Fault(.translation, level: 0, stage: 2, ipa: 0)))
    }
    // TCR_EL2 (non-VHE) T0SZ 63 → the same for EL2.
    r[.tcr_el2] = TCR2.t0sz(63) | TCR2.tg0(.k4) | TCR2.ps(0b101) | TCR2.res1
    #expect(walk(m, r, el2Ctx, 0).outcome == .faulted(Fault(.translation, level: 0)))
  }

  @Test("MMU off: flat map, VA bits at/above PAMax → Address size L0 (architecture.md §2.9)")
  func mmuOff() throws {
    let m = PhysicalMemory()
    var r = baseRegisters()
    r[.sctlr_el1] = 0
    let t = try #require(walk(m, r, el1Ctx, 0x1234_5678).outcome.translation)
    #expect(t.pa == 0x1234_5678)
    // Data: Device-nGnRnE (architecture.md §7.6).
    #expect(t.attributes.mair == 0x00)
    #expect(walk(m, r, el1Ctx, (1 << 52) - 1).outcome.translation?.pa == (1 << 52) - 1)
    #expect(walk(m, r, el1Ctx, 1 << 52).outcome == .faulted(Fault(.addressSize, level: 0)))
    r[.id_aa64mmfr0_el1] = ID.mmfr0(parange: 0b010)  // 40 bits
    #expect(walk(m, r, el1Ctx, 1 << 40).outcome == .faulted(Fault(.addressSize, level: 0)))
  }
}
