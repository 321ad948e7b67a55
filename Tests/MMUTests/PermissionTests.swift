import Testing

@testable import MMU

/// Permission checks through real walks. Expected rights are written as "rwx" strings per
/// exception level, transcribed from the tables of architecture.md §8.
@Suite("Permissions")
struct PermissionTests {
  // 4K, T0SZ=25 (3 levels from L1). VA 0x4060_4567: L1 index [38:30] = 1, L2 [29:21] = 3,
  // L3 [20:12] = 4. Tables at 0x1000 (L1), 0x2000 (L2), 0x3000 (L3).
  static let va: UInt64 = 0x4060_4567

  static func build(
    _ m: PhysicalMemory, leaf: UInt64, l1TableBits: UInt64 = 0, l2TableBits: UInt64 = 0
  ) throws {
    try m.put(0x1000, 1, 0x2000 | D.table | l1TableBits)
    try m.put(0x2000, 3, 0x3000 | D.table | l2TableBits)
    try m.put(0x3000, 4, leaf)
  }
  static let base: UInt64 = 0x9000_0000 | D.af | D.shInner | D.page

  static func registers(wxn: Bool = false) -> RegisterFile {
    var r = baseRegisters()
    r[.tcr_el1] = TCR.t0sz(25) | TCR.tg0(.k4) | TCR.t1sz(25) | TCR.tg1(.k4) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x1000
    r[.tcr_el2] = TCR2.t0sz(25) | TCR2.tg0(.k4) | TCR2.ps(0b101) | TCR2.res1
    r[.ttbr0_el2] = 0x1000
    if wxn {
      r[.sctlr_el1] |= 1 << 19
      r[.sctlr_el2] |= 1 << 19
    }
    return r
  }

  /// Walks read, write and exec in `ctx` and renders what succeeded as "rwx"; every failure
  /// must be a Permission fault at `level` (stage `stage`).
  static func rights(
    _ m: PhysicalMemory, _ r: RegisterFile, _ ctx: AccessContext, _ address: UInt64 = va,
    level: Int = 3, stage: Int = 1
  ) -> String {
    var s = ""
    for (a, ch) in [(AccessType.read, "r"), (.write, "w"), (.exec, "x")] {
      let o = walk(m, r, ctx, address, a).outcome
      if o.translation != nil {
        s += ch
      } else {
        let f = o.fault
        #expect(f?.kind == .permission && f?.level == level && f?.stage == stage, "\(a): \(f!)")
        #expect(f?.write == (a == .write))
        s += "-"
      }
    }
    return s
  }

  /// architecture.md §8.1 data permissions × architecture.md §8.2 execute rules, WXN = 0:
  /// (AP[2:1], UXN, PXN) → (EL0, EL1).
  static let twoRangeWXN0: [(UInt64, Bool, Bool, String, String)] = [
    (0b00, false, false, "--x", "rwx"),
    (0b00, false, true, "--x", "rw-"),
    (0b00, true, false, "---", "rwx"),
    (0b00, true, true, "---", "rw-"),
    // EL0-writable: implicitly PXN at EL1 whatever PXN says.
    (0b01, false, false, "rwx", "rw-"),
    (0b01, false, true, "rwx", "rw-"),
    (0b01, true, false, "rw-", "rw-"),
    (0b01, true, true, "rw-", "rw-"),
    (0b10, false, false, "--x", "r-x"),
    (0b10, false, true, "--x", "r--"),
    (0b10, true, false, "---", "r-x"),
    (0b10, true, true, "---", "r--"),
    (0b11, false, false, "r-x", "r-x"),
    (0b11, false, true, "r-x", "r--"),
    (0b11, true, false, "r--", "r-x"),
    (0b11, true, true, "r--", "r--"),
  ]
  /// WXN = 1: anything writable at a level is not executable there.
  static let twoRangeWXN1: [(UInt64, Bool, Bool, String, String)] = [
    (0b00, false, false, "--x", "rw-"),
    (0b00, false, true, "--x", "rw-"),
    (0b00, true, false, "---", "rw-"),
    (0b00, true, true, "---", "rw-"),
    (0b01, false, false, "rw-", "rw-"),
    (0b01, false, true, "rw-", "rw-"),
    (0b01, true, false, "rw-", "rw-"),
    (0b01, true, true, "rw-", "rw-"),
    (0b10, false, false, "--x", "r-x"),
    (0b10, false, true, "--x", "r--"),
    (0b10, true, false, "---", "r-x"),
    (0b10, true, true, "---", "r--"),
    (0b11, false, false, "r-x", "r-x"),
    (0b11, false, true, "r-x", "r--"),
    (0b11, true, false, "r--", "r-x"),
    (0b11, true, true, "r--", "r--"),
  ]

  @Test("EL1&0: every AP[2:1] × UXN × PXN at EL0 and EL1, WXN off and on")
  func twoRangeMatrix() throws {
    let m = PhysicalMemory()
    for (wxn, table) in [(false, Self.twoRangeWXN0), (true, Self.twoRangeWXN1)] {
      let r = Self.registers(wxn: wxn)
      for (ap, uxn, pxn, el0, el1) in table {
        try Self.build(m, leaf: Self.base | D.ap(ap) | (uxn ? D.uxn : 0) | (pxn ? D.pxn : 0))
        let what = "AP \(ap) UXN \(uxn) PXN \(pxn) WXN \(wxn)"
        #expect(Self.rights(m, r, el0Ctx) == el0, "EL0 \(what)")
        #expect(Self.rights(m, r, el1Ctx) == el1, "EL1 \(what)")
      }
    }
  }

  @Test("APTable, UXNTable, PXNTable, and HPD disabling them (architecture.md §3.5, §8.1)")
  func hierarchical() throws {
    let m = PhysicalMemory()
    var r = Self.registers()
    // Leaf AP=01, UXN=0, PXN=0: EL0 rwx, EL1 rw- (implicit PXN).
    let user = Self.base | D.ap(0b01)
    // APTable on the L1 table descriptor → (EL0, EL1).
    let apCases: [(UInt64, String, String)] = [
      (0b00, "rwx", "rw-"),
      // 01: no EL0 data access; the page is no longer EL0-writable, so no implicit PXN.
      (0b01, "--x", "rwx"),
      // 10: read-only everywhere (effective AP 11).
      (0b10, "r-x", "r-x"),
      // 11: read-only, no EL0 data (effective AP 10).
      (0b11, "--x", "r-x"),
    ]
    for (apt, el0, el1) in apCases {
      try Self.build(m, leaf: user, l1TableBits: D.apTable(apt))
      #expect(Self.rights(m, r, el0Ctx) == el0, "APTable \(apt) EL0")
      #expect(Self.rights(m, r, el1Ctx) == el1, "APTable \(apt) EL1")
    }
    // UXNTable: EL0 loses exec.
    try Self.build(m, leaf: user, l2TableBits: D.uxnTable)
    #expect(Self.rights(m, r, el0Ctx) == "rw-")
    #expect(Self.rights(m, r, el1Ctx) == "rw-")
    // PXNTable on an AP=00 page: EL1 loses exec (EL0 keeps its exec).
    try Self.build(m, leaf: Self.base, l1TableBits: D.pxnTable)
    #expect(Self.rights(m, r, el1Ctx) == "rw-")
    #expect(Self.rights(m, r, el0Ctx) == "--x")
    // Table bits from two levels combine: UXNTable at L1, APTable[1] at L2.
    try Self.build(m, leaf: user, l1TableBits: D.uxnTable, l2TableBits: D.apTable(0b10))
    #expect(Self.rights(m, r, el0Ctx) == "r--")
    #expect(Self.rights(m, r, el1Ctx) == "r-x")
    // HPD0=1 (FEAT_HPDS): all of them ignored — the leaf alone decides.
    r[.tcr_el1] |= TCR.hpd0
    try Self.build(
      m, leaf: user, l1TableBits: D.apTable(0b11) | D.uxnTable | D.pxnTable,
      l2TableBits: D.apTable(0b10))
    #expect(Self.rights(m, r, el0Ctx) == "rwx")
    #expect(Self.rights(m, r, el1Ctx) == "rw-")
    // Without FEAT_HPDS the HPD bit does nothing: APTable 11 | 10 → read-only, no EL0 data.
    r[.id_aa64mmfr1_el1] = ID.mmfr1(hpds: false)
    #expect(Self.rights(m, r, el0Ctx) == "---")
    #expect(Self.rights(m, r, el1Ctx) == "r--")
  }

  /// architecture.md §8.4: AP[2] alone (AP[1] ignored), XN = bit 54, bit 53 RES0 (ignored).
  @Test("EL2 (one range): AP[2:1] × XN × bit 53, WXN")
  func oneRange() throws {
    let m = PhysicalMemory()
    for wxn in [false, true] {
      let r = Self.registers(wxn: wxn)
      for ap: UInt64 in 0...3 {
        for xn in [false, true] {
          for b53 in [false, true] {
            try Self.build(m, leaf: Self.base | D.ap(ap) | (xn ? D.uxn : 0) | (b53 ? D.pxn : 0))
            let writable = ap & 0b10 == 0
            let data = writable ? "rw" : "r-"
            let exec = !xn && !(wxn && writable)
            #expect(
              Self.rights(m, r, el2Ctx) == data + (exec ? "x" : "-"),
              "AP \(ap) XN \(xn) b53 \(b53) WXN \(wxn)")
          }
        }
      }
    }
  }

  @Test("EL2 table attributes: APTable[1], XNTable; APTable[0] and PXNTable do nothing; HPD")
  func oneRangeHierarchical() throws {
    let m = PhysicalMemory()
    var r = Self.registers()
    let rwx = Self.base | D.ap(0b01)
    try Self.build(m, leaf: rwx)
    #expect(Self.rights(m, r, el2Ctx) == "rwx")
    try Self.build(m, leaf: rwx, l1TableBits: D.apTable(0b10))
    #expect(Self.rights(m, r, el2Ctx) == "r-x")
    try Self.build(m, leaf: rwx, l1TableBits: D.apTable(0b01))
    #expect(Self.rights(m, r, el2Ctx) == "rwx")
    try Self.build(m, leaf: rwx, l2TableBits: D.uxnTable)
    #expect(Self.rights(m, r, el2Ctx) == "rw-")
    try Self.build(m, leaf: rwx, l2TableBits: D.pxnTable)
    #expect(Self.rights(m, r, el2Ctx) == "rwx")
    // HPD (TCR_EL2 bit 24 in the non-VHE layout).
    r[.tcr_el2] |= TCR2.hpd
    try Self.build(m, leaf: rwx, l1TableBits: D.apTable(0b10) | D.uxnTable)
    #expect(Self.rights(m, r, el2Ctx) == "rwx")
  }

  /// architecture.md §8.5: S2AP[0] read, S2AP[1] write; XN[1:0] per EL with FEAT_XNX, XN[1] alone
  /// without.
  @Test("stage 2: every S2AP × XN[1:0], at EL0 and EL1, with and without FEAT_XNX")
  func stage2Matrix() throws {
    let m = PhysicalMemory()
    // 4K, 40-bit IPA, SL0=1: L1 (2 tables) at 0x10_0000, L2 at 0x12_0000, L3 at 0x13_0000.
    // IPA 0x4060_4567: L1 index [39:30] = 1, L2 [29:21] = 3, L3 [20:12] = 4.
    try m.put(0x10_0000, 1, 0x12_0000 | D.table)
    try m.put(0x12_0000, 3, 0x13_0000 | D.table)
    var r = baseRegisters()
    r[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(1) | VTCR.tg0(.k4) | VTCR.ps(0b101)
    r[.vttbr_el2] = 0x10_0000
    let ipa: UInt64 = 0x4060_4567
    // XN → (EL0 exec, EL1 exec).
    let withXNX: [UInt64: (Bool, Bool)] = [
      0b00: (true, true), 0b01: (true, false), 0b10: (false, false), 0b11: (false, true),
    ]
    let withoutXNX: [UInt64: (Bool, Bool)] = [
      0b00: (true, true), 0b01: (true, true), 0b10: (false, false), 0b11: (false, false),
    ]
    for xnx in [true, false] {
      r[.id_aa64mmfr1_el1] = ID.mmfr1(xnx: xnx)
      for s2ap: UInt64 in 0...3 {
        for xn: UInt64 in 0...3 {
          try m.put(
            0x13_0000, 4, 0x7000_0000 | D.memAttr(0b1111) | D.s2ap(s2ap) | D.s2xn(xn) | D.af | 3)
          let data = (s2ap & 1 != 0 ? "r" : "-") + (s2ap & 2 != 0 ? "w" : "-")
          let (x0, x1) = (xnx ? withXNX : withoutXNX)[xn]!
          for (el0, x) in [(true, x0), (false, x1)] {
            let ctx = AccessContext(regime: .stage2, unprivileged: el0)
            var s = ""
            for (a, ch) in [(AccessType.read, "r"), (.write, "w"), (.exec, "x")] {
              let o = walk(m, r, ctx, ipa, a).outcome
              if o.translation != nil {
                s += ch
              } else {
                #expect(
                  o.fault
                    == Fault(.permission, level: 3, stage: 2, ipa: ipa, write: a == .write))
                s += "-"
              }
            }
            #expect(
              s == data + (x ? "x" : "-"), "XNX \(xnx) S2AP \(s2ap) XN \(xn) EL0 \(el0)")
          }
        }
      }
    }
  }

  @Test("combined stages: the intersection, stage-1 faults first (architecture.md §8.6)")
  func combined() throws {
    // Stage 1: leaf at IPA 0x5000 with AP=01 (EL0 rw, EL1 rw + implicit PXN).
    // Stage 2 for IPA page 5: read-only, XN=01 (EL1 may not execute, EL0 may).
    let m = PhysicalMemory()
    let s2: (UInt64) -> UInt64 = { n in
      n == 5 ? D.memAttr(0b1111) | D.s2ap(0b01) | D.s2xn(0b01) | D.af | D.page : D.s2rw | D.page
    }
    var r = try WalkTests.buildNested(
      m, s1Leaf: 0x5000 | D.af | D.shInner | D.ap(0b01) | D.page, s2Leaf: s2)
    r[.id_aa64mmfr1_el1] = ID.mmfr1(xnx: true)
    let va = WalkTests.va4K48
    let el0 = WalkTests.nestedEL0
    let el1 = WalkTests.nested
    #expect(walk(m, r, el0, va).outcome.translation?.pa == 0x200_5567)
    #expect(
      walk(m, r, el0, va, .write).outcome
        == .faulted(Fault(.permission, level: 3, stage: 2, ipa: 0x5567, write: true)))
    #expect(walk(m, r, el0, va, .exec).outcome.translation != nil)
    // EL1 exec: refused by stage 1 (implicit PXN) before stage 2 is consulted.
    #expect(walk(m, r, el1, va, .exec).outcome == .faulted(Fault(.permission, level: 3)))
    let t = try #require(walk(m, r, el0, va).outcome.translation)
    #expect(t.permissions.el0Read && !t.permissions.el0Write && t.permissions.el0Exec)
    #expect(t.permissions.privRead && !t.permissions.privWrite && !t.permissions.privExec)
    // Stage-1 AP=00 (EL1 rwx at stage 1): EL1 exec now fails at stage 2 (XN=01).
    try m.write64(0x200_4020, 0x5000 | D.af | D.shInner | D.page)
    #expect(
      walk(m, r, el1, va, .exec).outcome
        == .faulted(Fault(.permission, level: 3, stage: 2, ipa: 0x5567)))
  }
}
