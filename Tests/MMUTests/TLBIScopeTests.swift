import Testing

@testable import MMU

/// What each TLBI removes and leaves (architecture.md §10.3). One CPU holds a fixed set of entries;
/// each case issues one operation, completes it with `dsb sy`, and lists by hand what is gone.
@Suite("TLBI scope")
struct TLBIScopeTests {
  static let x: UInt64 = 0x4020_3000  // a VA with a 4K entry and a 2M block entry over it
  static let y: UInt64 = 0x5000_0000  // another VA
  static let ipa: UInt64 = 0x8000_0000

  /// Current on the CPU: ASID 1 (TTBR0_EL1 and TTBR0_EL2), VMID 1.
  static func leaves() -> [(String, TLBEntry)] {
    typealias F = TLBFix
    return [
      ("A", F.leaf(.el10, vmid: 1, asid: 1, at: x)),
      ("B", F.leaf(.el10, vmid: 1, asid: 2, at: x)),
      ("G", F.leaf(.el10, vmid: 1, at: x)),
      ("Y1", F.leaf(.el10, vmid: 1, asid: 1, at: y)),
      ("V2", F.leaf(.el10, vmid: 2, asid: 1, at: x)),
      ("C", F.leaf(.el10, .combined, vmid: 1, asid: 1, at: x)),
      ("BLK", F.leaf(.el10, vmid: 1, at: x, bits: 21, level: 2)),
      ("S2", F.leaf(.stage2, .stage2, vmid: 1, at: ipa)),
      ("S2v2", F.leaf(.stage2, .stage2, vmid: 2, at: ipa)),
      ("E2", F.leaf(.el2, at: x)),
      ("H1", F.leaf(.el20, asid: 1, at: x)),
      ("HG", F.leaf(.el20, at: x)),
    ]
  }

  static func walks() -> [(String, WalkCacheEntry)] {
    typealias F = TLBFix
    return [
      ("W1", F.walkEntry(.el10, vmid: 1, asid: 1, covering: x)),
      ("W2", F.walkEntry(.el10, vmid: 1, asid: 2, covering: x)),
      ("WY", F.walkEntry(.el10, vmid: 1, asid: 1, covering: y)),
      ("WV2", F.walkEntry(.el10, vmid: 2, asid: 1, covering: x)),
      ("WS2", F.walkEntry(.stage2, vmid: 1, covering: ipa)),
      ("WE2", F.walkEntry(.el2, covering: x)),
      ("WH", F.walkEntry(.el20, asid: 1, covering: x)),
    ]
  }

  struct Case: Sendable, CustomTestStringConvertible {
    var op: String
    var address: UInt64? = nil
    var asid: UInt64? = nil
    var level: Int? = nil
    var size: UInt64? = nil
    var xt: UInt64? = nil
    var el = 1
    var hcr: UInt64 = 0
    var removed: Set<String>
    var removedWalks: Set<String>
    var why: String
    var testDescription: String { "\(op): \(why)" }
  }

  static let cases: [Case] = [
    Case(
      op: "vmalle1", removed: ["A", "B", "G", "Y1", "C", "BLK"], removedWalks: ["W1", "W2", "WY"],
      why: "every EL1&0 stage-1 and combined entry of the current VMID, all ASIDs"),
    Case(
      op: "vae1", address: x, removed: ["A", "G", "C", "BLK"], removedWalks: ["W1"],
      why: "the VA, current ASID 1 or global, current VMID; walk entries of ASID 1"),
    Case(
      op: "vae1", address: x, asid: 2, removed: ["B", "G", "BLK"], removedWalks: ["W2"],
      why: "the operand's ASID 2 or global"),
    Case(
      op: "vale1", address: x, removed: ["A", "G", "C", "BLK"], removedWalks: [],
      why: "last level: leaves of any size, no walk-cache entry"),
    Case(
      op: "vaae1", address: x, removed: ["A", "B", "G", "C", "BLK"], removedWalks: ["W1", "W2"],
      why: "the VA, every ASID"),
    Case(
      op: "vaale1", address: x, removed: ["A", "B", "G", "C", "BLK"], removedWalks: [],
      why: "the VA, every ASID, last level"),
    Case(
      op: "aside1", asid: 1, removed: ["A", "Y1", "C"], removedWalks: ["W1", "WY"],
      why: "non-global entries of ASID 1 only: globals stay"),
    Case(
      op: "vmalls12e1", el: 2, removed: ["A", "B", "G", "Y1", "C", "BLK", "S2"],
      removedWalks: ["W1", "W2", "WY", "WS2"], why: "stage 1, 2 and combined of VMID 1"),
    Case(
      op: "alle1", el: 2, removed: ["A", "B", "G", "Y1", "V2", "C", "BLK", "S2", "S2v2"],
      removedWalks: ["W1", "W2", "WY", "WV2", "WS2"], why: "every EL1&0 entry, every VMID"),
    Case(
      op: "ipas2e1", address: ipa, el: 2, removed: ["S2"], removedWalks: ["WS2"],
      why: "stage-2 entries of the IPA, VMID 1; the combined entry C stays"),
    Case(
      op: "ipas2le1", address: ipa, el: 2, removed: ["S2"], removedWalks: [],
      why: "stage-2 leaf only"),
    Case(
      op: "alle2", el: 2, removed: ["E2", "H1", "HG"], removedWalks: ["WE2", "WH"],
      why: "EL2 and EL2&0"),
    Case(
      op: "vae2", address: x, el: 2, removed: ["E2"], removedWalks: ["WE2"],
      why: "E2H=0: the EL2 regime"),
    Case(
      op: "vale2", address: x, el: 2, removed: ["E2"], removedWalks: [],
      why: "EL2, last level"),
    Case(
      op: "vae2", address: x, el: 2, hcr: 1 << 34, removed: ["H1", "HG"], removedWalks: ["WH"],
      why: "E2H=1: EL2&0 with the current ASID, and globals"),
    Case(
      op: "vmalle1", el: 2, hcr: (1 << 34) | (1 << 27), removed: ["H1", "HG"],
      removedWalks: ["WH"], why: "E2H=TGE=1 at EL2: an E1 operation applies to EL2&0"),
    Case(
      op: "vae1", address: x, level: 2, removed: ["BLK"], removedWalks: ["W1"],
      why: "TTL level 2: only the level-2 leaf; table entries on the path still go"),
    Case(
      op: "vae1", address: x, level: 3, removed: ["A", "G", "C"], removedWalks: ["W1"],
      why: "TTL level 3: the 2M block (level 2) is left, as with a wrong hint"),
    Case(
      op: "vae1", xt: (1 << 48) | (x >> 12), removed: ["A", "G", "C", "BLK"],
      removedWalks: ["W1"], why: "Xt: ASID [63:48], VA[55:12] in [43:0]"),
    Case(
      op: "vae1", xt: (2 << 48) | (0b0111 << 44) | (x >> 12), removed: ["B", "G"],
      removedWalks: ["W2"], why: "Xt TTL 0b0111 (4K, level 3): the block stays"),
    Case(
      op: "ipas2e1", xt: ipa >> 12, el: 2, removed: ["S2"], removedWalks: ["WS2"],
      why: "Xt: IPA[47:12] in [35:0]"),
    Case(
      op: "rvae1", address: 0x4000_0000, size: 0x1000_1000, removed: ["A", "G", "C", "BLK", "Y1"],
      removedWalks: ["W1", "WY"], why: "range [0x4000_0000, 0x5000_0fff] covers X and Y"),
    Case(
      // TG 01 (4K), SCALE 0, NUM 1: (1+1) * 2^1 = 4 pages from BaseADDR 0x40203.
      op: "rvaae1", xt: (0b01 << 46) | (1 << 39) | (x >> 12), removed: ["A", "B", "G", "C", "BLK"],
      removedWalks: ["W1", "W2"], why: "range Xt: 4 pages from X"),
    Case(
      op: "rvaae1", xt: (0b00 << 46) | (1 << 39) | (x >> 12), removed: [], removedWalks: [],
      why: "range Xt with reserved TG 00: nothing"),
  ]

  @Test(arguments: cases)
  func scope(_ c: Case) throws {
    let m = Machine()
    let cpu = m.cpu
    cpu.registers[.ttbr0_el1] = 1 << 48
    cpu.registers[.ttbr0_el2] = 1 << 48
    cpu.registers[.vttbr_el2] = 1 << 48
    cpu.registers[.hcr_el2] = c.hcr
    cpu.el = c.el
    for (_, e) in Self.leaves() { cpu.tlb.insert(e) }
    for (_, w) in Self.walks() { cpu.tlb.insertWalk(w) }
    #expect(cpu.tlb.count == 12 && cpu.tlb.walkCount == 7)

    let op = try #require(TLBIOperation(name: c.op))
    try m.tlbi(
      op, address: c.address, asid: c.asid, level: c.level, size: c.size, xt: c.xt, cpu: cpu)
    // Nothing happens before the DSB.
    #expect(cpu.tlb.count == 12 && cpu.tlb.walkCount == 7)
    m.dsb(.sy, cpu: cpu)

    let leftLeaves = cpu.tlb.entries
    let leftWalks = cpu.tlb.walkEntries
    let removed = Set(Self.leaves().filter { !leftLeaves.contains($0.1) }.map(\.0))
    let removedWalks = Set(Self.walks().filter { !leftWalks.contains($0.1) }.map(\.0))
    #expect(removed == c.removed, "\(c.why)")
    #expect(removedWalks == c.removedWalks, "\(c.why)")
  }

  /// The same cases on two CPUs holding the same entries: the local form leaves CPU 1
  /// alone; the IS form removes the same set from both once `dsb ish` completes it (architecture.md
  /// §10.3).
  @Test(arguments: cases)
  func broadcast(_ c: Case) throws {
    for form in ["", "is"] {
      let m = Machine()
      m.addCPUs(upTo: 2)
      for cpu in m.cpus {
        cpu.registers[.ttbr0_el1] = 1 << 48
        cpu.registers[.ttbr0_el2] = 1 << 48
        cpu.registers[.vttbr_el2] = 1 << 48
        cpu.registers[.hcr_el2] = c.hcr
        for (_, e) in Self.leaves() { cpu.tlb.insert(e) }
        for (_, w) in Self.walks() { cpu.tlb.insertWalk(w) }
      }
      m.cpus[0].el = c.el
      let op = try #require(TLBIOperation(name: c.op + form))
      try m.tlbi(
        op, address: c.address, asid: c.asid, level: c.level, size: c.size, xt: c.xt,
        cpu: m.cpus[0])
      m.dsb(.ish, cpu: m.cpus[0])
      for cpu in m.cpus {
        let left = cpu.tlb.entries
        let removed = Set(Self.leaves().filter { !left.contains($0.1) }.map(\.0))
        let expected = form == "is" || cpu.index == 0 ? c.removed : []
        #expect(removed == expected, "\(op.name) on cpu\(cpu.index)")
      }
    }
  }

  @Test func reportPreviewsAndCompletionLists() throws {
    let m = Machine()
    m.cpu.registers[.ttbr0_el1] = 1 << 48
    m.cpu.registers[.vttbr_el2] = 1 << 48
    for (_, e) in Self.leaves() { m.cpu.tlb.insert(e) }
    let r = try m.tlbi(TLBIOperation(.vale1), address: Self.x, cpu: m.cpu)
    #expect(r.targets == [0])
    #expect(r.inScope.first?.entries.count == 4)  // A, G, C, BLK
    #expect(m.cpu.pendingTLBIs.count == 1)
    let d = m.dsb(.ish, cpu: m.cpu)
    #expect(d.completed.count == 1)
    #expect(d.completed.first?.removed.first?.entries.count == 4)
    #expect(m.cpu.pendingTLBIs.isEmpty)
  }
}
