import Testing

@testable import MMU

/// A slot's key is one word: the input range in 45 bits (address bits [55:11] with a size
/// marker) and the context's number in 19. These check the encoding against values worked
/// out by hand, that no address outside the encoding's reach matches, and that contexts
/// numbered again (when numbers run out) keep every lookup right.
@Suite("TLB leaf slots")
struct TLBLeafSlotTests {
  typealias F = TLBFix
  typealias Slot = TLBLeafSlot

  @Test("range codes: address bits [55:11] with the bit below the aligned part set")
  func rangeCodes() {
    // 0x1000 >> 11 = 2; a 4 KB page sets bit 0.
    #expect(Slot.rangeCode(base: 0x1000, sizeBits: 12) == 0b11)
    // A 2 MB block at 0x4020_0000: 0x4020_0000 >> 11 = 0x8_0400; bit 9 marks 2^21.
    #expect(Slot.rangeCode(base: 0x4020_0000, sizeBits: 21) == 0x8_0400 | 1 << 9)
    // The top of the upper range: bits [55:11] of 0xffff_ffff_ffe0_0000 are 45 ones but
    // the last ten, then bit 9 for 2 MB.
    #expect(
      Slot.rangeCode(base: 0xffff_ffff_ffe0_0000, sizeBits: 21) == (1 << 45 - 1) & ~0x3ff | 1 << 9)
    // A page and a block of the same base differ.
    #expect(Slot.rangeCode(base: 0, sizeBits: 12) == 1)
    #expect(Slot.rangeCode(base: 0, sizeBits: 30) == 1 << 18)
  }

  @Test("a slot's size is its range code's marker bit")
  func sizeFromKey() {
    for (base, bits) in [(UInt64(0x1000), 12), (0x20_0000, 21), (0x4000_0000, 30), (0, 14)] {
      let s = Slot(
        key: Slot.rangeCode(base: base, sizeBits: bits) | 7 << Slot.contextShift,
        output: 0x8000_0000, fullPathOnly: false, twin: false, epoch: 3)
      #expect(s.sizeBits == bits && s.output == 0x8000_0000 && s.checked == 3 && s.isFull)
    }
  }

  @Test("canonical: bits [63:55] all equal")
  func canonical() {
    #expect(Slot.canonical(0))
    #expect(Slot.canonical(0x007f_ffff_ffff_ffff))
    #expect(Slot.canonical(0xff80_0000_0000_0000))
    #expect(Slot.canonical(.max))
    #expect(!Slot.canonical(0x0080_0000_0000_0000))
    #expect(!Slot.canonical(0x0100_0000_0000_1000))
    #expect(!Slot.canonical(0xff7f_ffff_ffff_f000))
    #expect(!Slot.encodable(base: 0x1000, sizeBits: 56))
    #expect(!Slot.encodable(base: 0x1000, sizeBits: 11))
  }

  @Test("an address whose top bits the key drops matches no entry")
  func nonCanonicalMatchesNothing() {
    let store = TLBLeafStore()
    let low = F.leaf(.el10, vmid: 1, asid: 1, at: 0x1000)
    let high = F.leaf(.el10, vmid: 1, asid: 1, at: 0xff80_0000_0000_1000)
    for e in [low, high] { store.insert(e, cold: .init()) }
    let group = TLBLeafStore.group(low)
    let numbers = store.contextNumbers(group: group, asid: 1)
    for (address, want) in [
      (UInt64(0x1234), 1), (0xff80_0000_0000_1234, 1),
      // Bits [55:11] as above, top bits not a copy of bit 55.
      (0x0100_0000_0000_1234, 0), (0x0080_0000_0000_1234, 0), (0x7f80_0000_0000_1234, 0),
    ] {
      var m = TLBLeafStore.Matches()
      store.find(group: group, sizeBits: 12, address: address, numbers: numbers, into: &m)
      #expect(m.count == want, "\(address)")
      let sole = store.soleMatch(group: group, sizes: 1 << 12, address: address, numbers: numbers)
      #expect((sole != nil) == (want == 1), "\(address)")
    }
  }

  @Test("contexts numbered again when numbers run out: lookups stay right, extras dropped")
  func renumbering() {
    let store = TLBLeafStore(contextLimit: 2)
    let a = F.leaf(.el10, vmid: 1, asid: 1, at: 0x1000)
    let b = F.leaf(.el10, vmid: 1, asid: 2, at: 0x1000)
    let c = F.leaf(.el10, vmid: 1, asid: 3, at: 0x2000)
    let g = F.leaf(.el10, vmid: 1, at: 0x1000)
    store.insert(a, cold: .init())
    store.insert(b, cold: .init())
    _ = store.remove { $0 == a }
    // Numbers 1 and 2 given: c's context takes a number freed by the renumbering.
    store.insert(c, cold: .init())
    #expect(store.count == 2)
    let found = { (e: TLBEntry, asid: UInt64) in
      TLBLeafStoreTests.find(store, e, asid: asid)
    }
    #expect(found(a, 1).count == 0)
    #expect(store.entry(found(b, 2).first) == b && found(b, 2).count == 1)
    #expect(store.entry(found(c, 3).first) == c && found(c, 3).count == 1)
    // A third live context: no number left, so the global entry is dropped (a TLB may).
    store.insert(g, cold: .init())
    #expect(store.count == 2 && found(g, 2).count == 1)
    // With b gone, the global entry gets a number: it and b's page conflict no more.
    _ = store.remove { $0 == b }
    store.insert(g, cold: .init())
    #expect(store.count == 2 && store.entry(found(g, 2).first) == g)
    store.insert(b, cold: .init())
    #expect(store.count == 2, "a third context again: b is dropped")
  }

  @Test("an entry without a range code is not stored (no walk gives one)")
  func uncodedEntriesAreNotStored() {
    #expect(Slot.isCoded(sizeBits: 12) && Slot.isCoded(sizeBits: 55))
    #expect(!Slot.isCoded(sizeBits: 11) && !Slot.isCoded(sizeBits: 56))
    #expect(!Slot.isCoded(sizeBits: -1) && !Slot.isCoded(sizeBits: 64))
    let store = TLBLeafStore()
    // Bits [63:55] not all equal; a size beyond 2^55.
    store.insert(F.leaf(.el10, vmid: 1, asid: 1, at: 0x0100_0000_0000_1000), cold: .init())
    var huge = F.leaf(.el10, vmid: 1, at: 0, bits: 56, level: 0)
    huge.sizeBits = 56
    store.insert(huge, cold: .init())
    #expect(store.count == 0)
    store.insert(F.leaf(.el10, vmid: 1, asid: 1, at: 0x1000), cold: .init())
    #expect(store.count == 1)
  }
}
