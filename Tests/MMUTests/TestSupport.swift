import Testing

@testable import MMU

// Helpers shared by the MMU tests. They only *encode* values (register fields, descriptor
// bits) at the positions the architecture gives them; no helper computes an expected result.
// Every expected value in the tests is written out by hand next to the rule it comes from
// (section numbers refer to docs/architecture.md).

/// Bits hi...lo of `v` (the tests' own extractor, independent of the model's `bitField`).
func field(_ v: UInt64, _ hi: Int, _ lo: Int) -> UInt64 {
  let width = hi - lo + 1
  let shifted = v >> UInt64(lo)
  return width >= 64 ? shifted : shifted & ((1 << UInt64(width)) - 1)
}

/// Descriptor bits (architecture.md §3.3, §3.4, §3.5).
enum D {
  static let invalid: UInt64 = 0
  /// bits[1:0] = 0b11: a table above level 3, a page at level 3.
  static let table: UInt64 = 0b11
  static let page: UInt64 = 0b11
  /// bits[1:0] = 0b01: a block (where allowed).
  static let block: UInt64 = 0b01
  static let af: UInt64 = 1 << 10
  static let nG: UInt64 = 1 << 11
  static let shOuter: UInt64 = 0b10 << 8
  static let shInner: UInt64 = 0b11 << 8
  static let dbm: UInt64 = 1 << 51
  static let contiguous: UInt64 = 1 << 52
  static let pxn: UInt64 = 1 << 53
  static let uxn: UInt64 = 1 << 54
  /// AP[2:1] at bits [7:6].
  static func ap(_ v: UInt64) -> UInt64 { v << 6 }
  /// AttrIndx at bits [4:2].
  static func attrIndx(_ v: UInt64) -> UInt64 { v << 2 }
  // Table attributes (architecture.md §3.5).
  static let pxnTable: UInt64 = 1 << 59
  static let uxnTable: UInt64 = 1 << 60
  static func apTable(_ v: UInt64) -> UInt64 { v << 61 }
  // Stage 2 (architecture.md §3.4): MemAttr[3:0] at [5:2], S2AP at [7:6], XN[1:0] at [54:53].
  static func memAttr(_ v: UInt64) -> UInt64 { v << 2 }
  static func s2ap(_ v: UInt64) -> UInt64 { v << 6 }
  static func s2xn(_ v: UInt64) -> UInt64 { v << 53 }
  /// A stage-2 leaf's usual bits: Normal WB (MemAttr 0b1111), read/write, inner, AF.
  static let s2rw: UInt64 = memAttr(0b1111) | s2ap(0b11) | shInner | af
}

/// TCR_EL1 (and TCR_EL2 with E2H=1) fields, EL1 layout (architecture.md §2.4, §3.5, register
/// description).
enum TCR {
  static func t0sz(_ v: UInt64) -> UInt64 { v }
  static let epd0: UInt64 = 1 << 7
  static func sh0(_ v: UInt64) -> UInt64 { v << 12 }
  /// TG0: 00 4K, 01 64K, 10 16K.
  static func tg0(_ g: Granule) -> UInt64 {
    switch g {
    case .k4: 0b00 << 14
    case .k64: 0b01 << 14
    case .k16: 0b10 << 14
    }
  }
  static func t1sz(_ v: UInt64) -> UInt64 { v << 16 }
  static let epd1: UInt64 = 1 << 23
  /// TG1: 01 16K, 10 4K, 11 64K (a different encoding from TG0, architecture.md §2.1).
  static func tg1(_ g: Granule) -> UInt64 {
    switch g {
    case .k16: 0b01 << 30
    case .k4: 0b10 << 30
    case .k64: 0b11 << 30
    }
  }
  /// IPS [34:32]: 000 32, 001 36, 010 40, 011 42, 100 44, 101 48, 110 52.
  static func ips(_ v: UInt64) -> UInt64 { v << 32 }
  static let tbi0: UInt64 = 1 << 37
  static let tbi1: UInt64 = 1 << 38
  static let ha: UInt64 = 1 << 39
  static let hd: UInt64 = 1 << 40
  static let hpd0: UInt64 = 1 << 41
  static let hpd1: UInt64 = 1 << 42
  static let tbid1: UInt64 = 1 << 52
  static let e0pd0: UInt64 = 1 << 55
  static let ds: UInt64 = 1 << 59
}

/// TCR_EL2 with E2H=0: its own one-range layout.
enum TCR2 {
  static func t0sz(_ v: UInt64) -> UInt64 { v }
  static func tg0(_ g: Granule) -> UInt64 { TCR.tg0(g) }
  /// PS at [18:16].
  static func ps(_ v: UInt64) -> UInt64 { v << 16 }
  static let ha: UInt64 = 1 << 21
  static let hpd: UInt64 = 1 << 24
  /// RES1 bits 31 and 23.
  static let res1: UInt64 = (1 << 31) | (1 << 23)
}

/// VTCR_EL2 fields (architecture.md §5.1).
enum VTCR {
  static func t0sz(_ v: UInt64) -> UInt64 { v }
  static func sl0(_ v: UInt64) -> UInt64 { v << 6 }
  static func sh0(_ v: UInt64) -> UInt64 { v << 12 }
  static func tg0(_ g: Granule) -> UInt64 { TCR.tg0(g) }
  static func ps(_ v: UInt64) -> UInt64 { v << 16 }
  static let ha: UInt64 = 1 << 21
  static let ds: UInt64 = 1 << 32
  static let sl2: UInt64 = 1 << 33
  static let res1: UInt64 = 1 << 31
}

/// HCR_EL2 bits.
enum HCR {
  static let vm: UInt64 = 1 << 0
  static let tge: UInt64 = 1 << 27
  static let e2h: UInt64 = 1 << 34
  static let fwb: UInt64 = 1 << 46
}

/// ID register values, written field by field (architecture.md §2.10).
enum ID {
  /// ID_AA64MMFR0_EL1: PARange [3:0], ASIDBits [7:4] (2 = 16-bit), TGran16 [23:20]
  /// (1 yes, 2 yes with LPA2), TGran64 [27:24] (0 yes), TGran4 [31:28] (0 yes, 1 with LPA2).
  static func mmfr0(parange: UInt64 = 0b0110, lpa2: Bool = true) -> UInt64 {
    parange | (2 << 4) | ((lpa2 ? 2 : 1) << 20) | (0 << 24) | ((lpa2 ? 1 : 0) << 28)
  }
  /// ID_AA64MMFR1_EL1: HAFDBS [3:0], VMIDBits [7:4], VH [11:8], HPDS [15:12], XNX [31:28].
  static func mmfr1(hafdbs: UInt64 = 2, hpds: Bool = true, xnx: Bool = true) -> UInt64 {
    hafdbs | (2 << 4) | (1 << 8) | ((hpds ? 1 : 0) << 12) | ((xnx ? 1 : 0) << 28)
  }
  /// ID_AA64MMFR2_EL1: VARange [19:16] (1 = LVA), ST [31:28] (1 = TTST), E0PD [63:60].
  static func mmfr2(lva: Bool = true, ttst: Bool = true, e0pd: Bool = true) -> UInt64 {
    ((lva ? 1 : 0) << 16) | ((ttst ? 1 : 0) << 28) | ((e0pd ? 1 : 0) << 60)
  }
}

/// MAIR used by the walk tests: Attr0 0xFF Normal WB RWA, Attr1 0x04 Device-nGnRE, Attr2 0x44
/// Normal NC, Attr3 0xBB Normal WT RWA, Attr4 0x00 Device-nGnRnE, Attr5 0xEE Normal WB RA,
/// Attr6 0xAA Normal WT RA, Attr7 0x0C Device-GRE (architecture.md §7.1).
let testMAIR: UInt64 = 0x0CAA_EE00_BB44_04FF

/// A register file with every control that matters written explicitly: EL1 and EL2 MMUs on,
/// WXN clear, the test MAIR in both MAIRs, all the features of the default implementation
/// (PAMax 52, LPA2, LVA, TTST, HAFDBS=2, HPDS, XNX), HCR_EL2 = 0.
func baseRegisters() -> RegisterFile {
  var r = RegisterFile()
  r[.id_aa64mmfr0_el1] = ID.mmfr0()
  r[.id_aa64mmfr1_el1] = ID.mmfr1()
  r[.id_aa64mmfr2_el1] = ID.mmfr2()
  r[.sctlr_el1] = 1  // M=1, WXN (bit 19) = 0
  r[.sctlr_el2] = 1
  r[.mair_el1] = testMAIR
  r[.mair_el2] = testMAIR
  r[.hcr_el2] = 0
  // 4K both halves, 48-bit, IPS 48.
  r[.tcr_el1] = TCR.t0sz(16) | TCR.tg0(.k4) | TCR.t1sz(16) | TCR.tg1(.k4) | TCR.ips(0b101)
  r[.tcr_el2] = TCR2.t0sz(16) | TCR2.tg0(.k4) | TCR2.ps(0b101) | TCR2.res1
  r[.ttbr0_el1] = 0
  r[.ttbr1_el1] = 0
  r[.ttbr0_el2] = 0
  r[.ttbr1_el2] = 0
  r[.vttbr_el2] = 0
  return r
}

extension PhysicalMemory {
  /// Writes descriptor `value` as entry `index` of the table at `table`.
  func put(_ table: UInt64, _ index: UInt64, _ value: UInt64) throws {
    try write64(table + index * 8, value)
  }
}

func walk(
  _ m: PhysicalMemory, _ r: RegisterFile, _ ctx: AccessContext, _ address: UInt64,
  _ access: AccessType = .read, trace: Bool = false
) -> WalkResult {
  Walker.walk(memory: m, registers: r, context: ctx, address: address, access: access, trace: trace)
}

let el1Ctx = AccessContext(regime: .el10)
let el0Ctx = AccessContext(regime: .el10, unprivileged: true)
let el2Ctx = AccessContext(regime: .el2)
let s2Ctx = AccessContext(regime: .stage2)

extension Result where Failure == Fault {
  /// The fault of a failed setup, nil on success (StageSetup is not Equatable).
  var fault: Fault? {
    if case .failure(let f) = self { return f }
    return nil
  }
}
