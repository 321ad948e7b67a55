import Testing

@testable import MMU

/// The switches for documented disagreements (architecture.md §13): each default and its
/// alternative, with the expected values derived from the sources the facts sheet cites.
@Suite("Implementation choices")
struct ImplementationChoiceTests {
  func walk(_ r: RegisterFile, _ ctx: AccessContext, _ va: UInt64) -> WalkOutcome {
    Walker.walk(memory: PhysicalMemory(), registers: r, context: ctx, address: va, access: .read)
      .outcome
  }

  @Test func setupFaultLevelIsZeroOrTheStartLevel() {
    var r = RegisterFile()
    // 4K, T0SZ 25: a 39-bit TTBR0 range starting at level 1 (architecture.md §2.5). VA bit 39 set
    // is outside
    // it: a Translation fault before any descriptor is read (architecture.md §2.9).
    r[.tcr_el1] = withBitField(r[.tcr_el1], 5, 0, 25)
    let va: UInt64 = 1 << 39
    #expect(walk(r, AccessContext(regime: .el10), va).fault == Fault(.translation, level: 0))
    r.implementation.setupFaultAtStartLevel = true
    #expect(walk(r, AccessContext(regime: .el10), va).fault == Fault(.translation, level: 1))
    // EPD0 likewise.
    r[.tcr_el1] |= bit(7)
    #expect(walk(r, AccessContext(regime: .el10), 0x1000).fault == Fault(.translation, level: 1))
  }

  @Test func el2VAWithBit55IsTranslationOrAddressSize() {
    var r = RegisterFile()
    let va: UInt64 = 0x0080_0000_0000_0000  // bit 55 only
    #expect(walk(r, AccessContext(regime: .el2), va).fault == Fault(.translation, level: 0))
    r.implementation.el2Bit55AddressSize = true
    #expect(walk(r, AccessContext(regime: .el2), va).fault == Fault(.addressSize, level: 0))
    // Bit 48 alone (below 55) is still a Translation fault under either choice.
    #expect(walk(r, AccessContext(regime: .el2), 1 << 48).fault == Fault(.translation, level: 0))
  }

  @Test func kvmRejectsSmallIPAsAtStageTwoLevelZero() {
    var r = RegisterFile()
    // 4K, SL0 = 2 (start level 0), T0SZ 22 (IA 42): the pseudocode allows level 0 for IA 40..52
    // (architecture.md §5.3), KVM's nested walker needs IA > 42 for 4K level 0.
    r[.vtcr_el2] = withBitField(withBitField(r[.vtcr_el2], 7, 6, 2), 5, 0, 22)
    let s2 = AccessContext(regime: .stage2)
    // The pseudocode walks: memory is empty, so the level-0 entry is invalid.
    #expect(walk(r, s2, 0x1000).fault == Fault(.translation, level: 0, stage: 2, ipa: 0x1000))
    r.implementation.kvmStage2MinimumIA = true
    let f = walk(r, s2, 0x1000).fault
    #expect(f?.kind == .translation && f?.level == 0 && f?.stage == 2)
    // IA 43 is allowed by both.
    #expect(!r.implementation.rejectsStage2(granule: .k4, startLevel: 0, inputBits: 43))
    #expect(r.implementation.rejectsStage2(granule: .k16, startLevel: 1, inputBits: 40))
    #expect(!r.implementation.rejectsStage2(granule: .k16, startLevel: 1, inputBits: 41))
    #expect(r.implementation.rejectsStage2(granule: .k64, startLevel: 1, inputBits: 42))
  }

  @Test func fwbDeviceCombinesOrForcesStageTwo() {
    // Stage 1 Device-nGnRnE (0x00); stage 2 with FWB MemAttr 0b011 = Device-GRE (0x0c).
    let s1 = MemoryAttributes(mair: 0x00, shareability: .outer)
    // KVM: the more restrictive of the two Device types (architecture.md §7.4, §7.3).
    #expect(
      MemoryAttributes.combine(stage1: s1, stage2: 0b011, s2Shareability: .outer, fwb: true).mair
        == 0x00)
    // QEMU: the stage-2 type is forced.
    #expect(
      MemoryAttributes.combine(
        stage1: s1, stage2: 0b011, s2Shareability: .outer, fwb: true, fwbForcesDevice: true
      ).mair == 0x0c)
  }
}
