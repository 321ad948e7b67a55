import Testing

@testable import MMU

/// The sizes the code's comments promise (WalkResult.swift: a 49-byte Translation;
/// TranslationSetup.swift: a setup of at most 40 bytes; TLBEntry.swift: 80-byte entries;
/// TLBLeafSlot.swift: 16-byte hot slots), held to: these values are copied on every access
/// (a result, a setup) or stored per TLB entry, so growing one is a performance change that
/// should be made on purpose.
@Suite("Value layouts")
struct LayoutTests {
  @Test("a translation, a fault and an access result stay small")
  func resultSizes() {
    #expect(MemoryLayout<Translation>.size <= 49)
    #expect(MemoryLayout<Fault>.size <= 16)
    #expect(MemoryLayout<AccessResult>.size <= 96)
    #expect(MemoryLayout<Permissions>.size == 1)
    #expect(MemoryLayout<MemoryAttributes>.size <= 2)
  }

  @Test("a stage setup and a TLB entry stay within their stated sizes")
  func setupAndEntrySizes() {
    #expect(MemoryLayout<StageSetup>.size <= 40)
    #expect(MemoryLayout<TLBEntry>.stride <= 80)
  }

  @Test("a TLB slot's hot part is 16 bytes: four a cache line, none straddling two")
  func hotSlotSize() {
    #expect(MemoryLayout<TLBLeafSlot>.stride == 16)
  }
}
