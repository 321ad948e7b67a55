import Testing

@testable import MMU

@Suite("Descriptors")
struct DescriptorTests {
  func kind(_ raw: UInt64, _ level: Int, _ g: Granule, ds: Bool = false, paMax: Int = 52)
    -> DescriptorKind
  {
    Descriptor(raw).kind(level: level, granule: g, ds: ds, paMax: paMax)
  }

  @Test("type by bits[1:0] at every level (architecture.md §3.1)")
  func typeByLowBits() {
    // x0 is invalid everywhere, whatever the other bits hold.
    for level in -1...3 {
      #expect(kind(0, level, .k4, ds: true) == .invalid)
      #expect(kind(0b10, level, .k4, ds: true) == .invalid)
      #expect(kind(~UInt64(1), level, .k4, ds: true) == .invalid)
    }
    // 11: table above level 3, page at level 3.
    for level in -1...2 { #expect(kind(0b11, level, .k4, ds: true) == .table) }
    #expect(kind(0b11, 3, .k4) == .page)
    #expect(kind(0b11, 3, .k16) == .page)
    #expect(kind(0b11, 3, .k64) == .page)
    // 01 at level 3 is reserved: invalid, not a page (architecture.md §13 item 4).
    #expect(kind(0b01, 3, .k4) == .reserved)
    #expect(kind(0b01, 3, .k16) == .reserved)
    #expect(kind(0b01, 3, .k64) == .reserved)
    // 01 at level -1: no blocks there.
    #expect(kind(0b01, -1, .k4, ds: true) == .reserved)
  }

  @Test("where blocks are allowed (architecture.md §2.3, QEMU's rule)")
  func blockLevels() {
    // 4K: L1 and L2; L0 only with DS.
    #expect(kind(0b01, 0, .k4) == .reserved)
    #expect(kind(0b01, 0, .k4, ds: true) == .block)
    #expect(kind(0b01, 1, .k4) == .block)
    #expect(kind(0b01, 2, .k4) == .block)
    // 16K: L2; L1 only with DS; L0 never.
    #expect(kind(0b01, 0, .k16, ds: true) == .reserved)
    #expect(kind(0b01, 1, .k16) == .reserved)
    #expect(kind(0b01, 1, .k16, ds: true) == .block)
    #expect(kind(0b01, 2, .k16) == .block)
    // 64K: L2; L1 only when the implementation's PA size is 52 (not TCR.IPS).
    #expect(kind(0b01, 1, .k64, paMax: 48) == .reserved)
    #expect(kind(0b01, 1, .k64, paMax: 52) == .block)
    #expect(kind(0b01, 2, .k64, paMax: 48) == .block)
  }

  @Test("48-bit address fields (architecture.md §3.2)")
  func addressFields48() {
    // A 4K table descriptor: next-level address [47:12]; attributes and bits above 47 aside.
    let t = Descriptor(0xF800_1234_5678_9003)
    // bits [47:12] of 0xF800_1234_5678_9003 = 0x1234_5678_9000.
    #expect(t.address(granule: .k4, ds: false, outputBits: 48) == 0x1234_5678_9000)
    // 64K: [47:16]; bits [15:12] are not address bits with a 48-bit OA.
    let t64 = Descriptor(0x0000_1234_5678_F003)
    #expect(t64.address(granule: .k64, ds: false, outputBits: 48) == 0x1234_5678_0000)
    // A 4K level-2 block: OA[47:21].
    let b = Descriptor(0x0000_0000_8021_2701)
    #expect(b.address(granule: .k4, ds: false, outputBits: 48, level: 2) == 0x8020_0000)
  }

  @Test("LPA2 (DS=1): OA[51:50] in bits [9:8] (architecture.md §2.6, §3.2)")
  func lpa2AddressField() {
    // OA 0xF_8000_1234_5000: [49:12] in place, OA[51:50]=0b11 in [9:8].
    let raw: UInt64 = 0x0003_8000_1234_5000 | (0b11 << 8) | D.af | D.page
    let d = Descriptor(raw)
    #expect(d.address(granule: .k4, ds: true, outputBits: 52) == 0x000F_8000_1234_5000)
    // Encoding it back yields the same raw value.
    let enc = Descriptor(D.af | D.page).withAddress(0x000F_8000_1234_5000, granule: .k4, ds: true)
    #expect(enc.raw == raw)
    // 16K with DS: the field is [49:14].
    let d16 = Descriptor(0x0002_0000_0000_4000 | (0b01 << 8) | D.table)
    #expect(d16.address(granule: .k16, ds: true, outputBits: 52) == 0x0006_0000_0000_4000)
  }

  @Test("64K with a 52-bit OA (FEAT_LPA): OA[51:48] in bits [15:12] (architecture.md §3.2)")
  func lpaAddressField() {
    // OA 0xA_0000_0003_0000 → [47:16] = 0x3_0000, [15:12] = 0xA.
    let raw: UInt64 = 0x0003_0000 | (0xA << 12) | D.af | D.shInner | D.page
    #expect(raw == 0x0000_0000_0003_A703)
    #expect(
      Descriptor(raw).address(granule: .k64, ds: false, outputBits: 52) == 0x000A_0000_0003_0000)
    let enc = Descriptor(D.af | D.shInner | D.page).withAddress(
      0x000A_0000_0003_0000, granule: .k64, ds: false)
    #expect(enc.raw == raw)
  }

  @Test("stage-1 leaf fields (architecture.md §3.3)")
  func stage1Fields() {
    // AttrIndx 5, NS, AP=0b11, SH=0b10, AF, nG, Contiguous, PXN, UXN, DBM, GP, SW 0b1010,
    // PBHA 0b0110.
    let raw: UInt64 =
      D.attrIndx(5) | (1 << 5) | D.ap(0b11) | D.shOuter | D.af | D.nG | D.contiguous | D.pxn
      | D.uxn | D.dbm | (1 << 50) | (0b1010 << 55) | (0b0110 << 59) | D.page
    let d = Descriptor(raw)
    #expect(d.attrIndx == 5)
    #expect(d.ns)
    #expect(d.ap == 0b11)
    #expect(d.sh == 0b10)
    #expect(d.af && d.nG && d.contiguous && d.pxn && d.uxn && d.dbm && d.gp)
    #expect(d.softwareBits == 0b1010)
    #expect(d.pbha == 0b0110)
    let none = Descriptor(D.page)
    #expect(!none.af && !none.nG && !none.contiguous && !none.pxn && !none.uxn && none.ap == 0)
  }

  @Test("stage-2 leaf fields (architecture.md §3.4) and table attributes (architecture.md §3.5)")
  func stage2AndTableFields() {
    let s2 = Descriptor(D.memAttr(0b1101) | D.s2ap(0b10) | D.s2xn(0b01) | D.af | (1 << 11) | 3)
    #expect(s2.memAttr == 0b1101)
    #expect(s2.s2ap == 0b10)
    #expect(s2.s2xn == 0b01)
    #expect(s2.fnxs)
    let t = Descriptor(D.pxnTable | D.apTable(0b10) | (1 << 63) | D.table)
    #expect(t.pxnTable && !t.uxnTable && t.apTable == 0b10 && t.nsTable)
    let u = Descriptor(D.uxnTable | D.apTable(0b01) | D.table)
    #expect(!u.pxnTable && u.uxnTable && u.apTable == 0b01 && !u.nsTable)
  }

  @Test("fault status codes (architecture.md §9.1)")
  func statusCodes() {
    let table: [(FaultKind, Int, UInt64)] = [
      (.addressSize, -1, 0b101001), (.addressSize, 0, 0b000000), (.addressSize, 1, 0b000001),
      (.addressSize, 2, 0b000010), (.addressSize, 3, 0b000011),
      (.translation, -1, 0b101011), (.translation, 0, 0b000100), (.translation, 1, 0b000101),
      (.translation, 2, 0b000110), (.translation, 3, 0b000111),
      (.accessFlag, 0, 0b001000), (.accessFlag, 1, 0b001001), (.accessFlag, 2, 0b001010),
      (.accessFlag, 3, 0b001011),
      (.permission, 0, 0b001100), (.permission, 1, 0b001101), (.permission, 2, 0b001110),
      (.permission, 3, 0b001111),
      (.tlbConflict, 0, 0b110000),
    ]
    for (k, level, code) in table {
      #expect(Fault(k, level: level).statusCode == code, "\(k) L\(level)")
    }
  }
}
