import MMU
import MMUTestSupport

@testable import QEMUCheck

/// One set of registers and tables, and the queries put to it.
struct Scenario {
  var registers: RegisterFile
  var memory: PhysicalMemory
  var queries: [(A64ATOperation, UInt64)]
}

/// The profiles of the differential test: each makes random registers and tables of its own
/// (seeded) and queries that reach their leaves, faults and tables.
enum DifferentialProfiles {
  static let tableBase: UInt64 = 0x4000_0000
  static let queriesPerScenario = 50

  /// A leaf output: mostly in the RAM the stage-2 profiles map, sometimes anywhere below
  /// 2^bits (Address size faults).
  static func output(_ rng: inout SplitMix64, bits: Int) -> UInt64 {
    rng.chance(85) ? 0x4000_0000 + rng.bits(30) : rng.bits(bits)
  }

  static func pickTxSZ(_ rng: inout SplitMix64, min: Int) -> Int {
    rng.chance(40)
      ? rng.pick([min, min + 1, 25, 33, 39, 40, 47, 48]) : Int.random(in: min...48, using: &rng)
  }

  /// A two-range stage-1 TCR (TCR_EL1, or TCR_EL2 with E2H) and the two trees it walks.
  static func twoRanges(
    _ t: inout RandomTables, lpa2: Bool, lva64: Bool
  ) -> (tcr: UInt64, ttbr0: UInt64, ttbr1: UInt64, vas: [UInt64]) {
    let granules: [Granule] = lva64 ? [.k64] : lpa2 ? [.k4, .k16] : [.k4, .k16, .k64]
    let g0 = t.rng.pick(granules)
    let g1 = t.rng.pick(granules)
    let minimum = lpa2 || lva64 ? 12 : 16
    let t0 = lpa2 || lva64 ? Int.random(in: 12...16, using: &t.rng) : pickTxSZ(&t.rng, min: minimum)
    let t1 = lpa2 || lva64 ? Int.random(in: 12...16, using: &t.rng) : pickTxSZ(&t.rng, min: minimum)
    let oaBits = lpa2 || lva64 ? 52 : 48
    var vas: [UInt64] = []
    var roots: [UInt64] = []
    for (g, txsz, upper) in [(g0, t0, false), (g1, t1, true)] {
      let n = 64 - txsz
      let start = TreeShape.startLevel(g, inputBits: n)
      let shape = TreeShape(
        granule: g, inputBits: n, startLevel: start,
        rootEntries: 1 << max(0, n - (g.bits + g.stride * (3 - start))), ds: lpa2, stage2: false,
        lpa64: lva64)
      t.addresses = []
      roots.append(t.build(shape) { r, _ in output(&r, bits: oaBits) })
      let high: UInt64 = upper ? ~((1 << UInt64(n)) - 1) : 0
      vas += t.addresses.map { $0 | high }
    }
    var tcr = UInt64(t0) | g0.tg0 << 14 | UInt64(t1) << 16 | g1.tg1 << 30
    tcr |= (lpa2 || lva64 ? 6 : UInt64(Int.random(in: 0...6, using: &t.rng))) << 32
    tcr |= 1 << 36  // AS
    tcr |= t.rng.bits(2) << 8 | t.rng.bits(2) << 10 | t.rng.bits(2) << 12  // IRGN0 ORGN0 SH0
    tcr |= t.rng.bits(2) << 24 | t.rng.bits(2) << 26 | t.rng.bits(2) << 28  // IRGN1 ORGN1 SH1
    if t.rng.chance(30) { tcr |= 1 << 37 }  // TBI0
    if t.rng.chance(30) { tcr |= 1 << 38 }  // TBI1
    if t.rng.chance(20) { tcr |= 1 << 39 }  // HA
    if t.rng.chance(10) { tcr |= 1 << 40 }  // HD
    if t.rng.chance(20) { tcr |= 1 << 41 }  // HPD0
    if t.rng.chance(20) { tcr |= 1 << 42 }  // HPD1
    if t.rng.chance(5) { tcr |= 1 << 7 }  // EPD0
    if t.rng.chance(5) { tcr |= 1 << 23 }  // EPD1
    if t.rng.chance(20) { tcr |= 1 << 55 }  // E0PD0
    if t.rng.chance(20) { tcr |= 1 << 56 }  // E0PD1
    if lpa2 { tcr |= 1 << 59 }  // DS
    let asid = t.rng.bits(16) << 48
    return (tcr, roots[0] | asid, roots[1] | asid, vas)
  }

  /// Queries over `vas`, a few with a random top byte (TBI) or a random address.
  static func queries(
    _ rng: inout SplitMix64, _ vas: [UInt64], ops: [A64ATOperation]
  ) -> [(A64ATOperation, UInt64)] {
    (0..<queriesPerScenario).map { _ in
      var va = vas.isEmpty || rng.chance(5) ? rng.next() : rng.pick(vas)
      if rng.chance(15) { va = (va & ((1 << 56) - 1)) | rng.bits(8) << 56 }
      return (rng.pick(ops), va)
    }
  }

  static func el10(_ rng: inout SplitMix64, lpa2: Bool = false, lva64: Bool = false)
    -> Scenario
  {
    let m = PhysicalMemory()
    var t = RandomTables(rng: rng, memory: m, base: tableBase, size: 16 << 20)
    let (tcr, ttbr0, ttbr1, vas) = twoRanges(&t, lpa2: lpa2, lva64: lva64)
    rng = t.rng
    var r = RegisterFile()
    r[.tcr_el1] = tcr
    r[.ttbr0_el1] = ttbr0
    r[.ttbr1_el1] = ttbr1
    r[.mair_el1] = randomMAIR(&rng)
    return Scenario(
      registers: r, memory: m, queries: queries(&rng, vas, ops: [.s1e1r, .s1e1w, .s1e0r, .s1e0w]))
  }

  static func el2(_ rng: inout SplitMix64) -> Scenario {
    let m = PhysicalMemory()
    var t = RandomTables(rng: rng, memory: m, base: tableBase, size: 16 << 20)
    let g = t.rng.pick([Granule.k4, .k16, .k64])
    let txsz = pickTxSZ(&t.rng, min: 16)
    let n = 64 - txsz
    let start = TreeShape.startLevel(g, inputBits: n)
    let shape = TreeShape(
      granule: g, inputBits: n, startLevel: start,
      rootEntries: 1 << max(0, n - (g.bits + g.stride * (3 - start))), ds: false, stage2: false,
      lpa64: false)
    let root = t.build(shape) { r, _ in output(&r, bits: 48) }
    rng = t.rng
    var tcr = UInt64(txsz) | g.tg0 << 14 | UInt64(Int.random(in: 0...5, using: &rng)) << 16
    tcr |= 1 << 23 | 1 << 31 | rng.bits(2) << 12
    if rng.chance(30) { tcr |= 1 << 20 }  // TBI
    if rng.chance(20) { tcr |= 1 << 21 }  // HA
    if rng.chance(20) { tcr |= 1 << 24 }  // HPD
    var r = RegisterFile()
    r[.tcr_el2] = tcr
    r[.ttbr0_el2] = root
    r[.mair_el2] = randomMAIR(&rng)
    return Scenario(
      registers: r, memory: m, queries: queries(&rng, t.addresses, ops: [.s1e2r, .s1e2w]))
  }

  static func vhe(_ rng: inout SplitMix64) -> Scenario {
    let m = PhysicalMemory()
    var t = RandomTables(rng: rng, memory: m, base: tableBase, size: 16 << 20)
    let (tcr, ttbr0, ttbr1, vas) = twoRanges(&t, lpa2: false, lva64: false)
    rng = t.rng
    var r = RegisterFile()
    r[.hcr_el2] = 1 << 34 | (rng.chance(50) ? 1 << 27 : 0)
    r[.tcr_el2] = tcr
    r[.ttbr0_el2] = ttbr0
    r[.ttbr1_el2] = ttbr1
    r[.mair_el2] = randomMAIR(&rng)
    r[.sctlr_el2] = RegisterDefaults.sctlrEL1
    return Scenario(registers: r, memory: m, queries: queries(&rng, vas, ops: [.s1e2r, .s1e2w]))
  }

  /// Stage 2 alone: AT S12E* with stage 1 disabled, every SL2:SL0 encoding, concatenated
  /// roots, HCR_EL2.DC sometimes.
  static func stage2(_ rng: inout SplitMix64) -> Scenario {
    let m = PhysicalMemory()
    var t = RandomTables(rng: rng, memory: m, base: tableBase, size: 16 << 20)
    let g = t.rng.pick([Granule.k4, .k16, .k64])
    let ds = g != .k64 && t.rng.chance(30)
    let txsz = Int.random(in: (ds ? 12 : 16)...40, using: &t.rng)
    let n = 64 - txsz
    let sl0 = Int(t.rng.bits(2))
    let sl2 = g == .k4 && ds && t.rng.chance(30)
    let start: Int
    switch g {
    case .k4: start = sl2 ? -1 : [2, 1, 0, 3][sl0]
    case .k16: start = [3, 2, 1, 0][sl0]
    default: start = [3, 2, 1, 1][sl0]
    }
    let shift = g.bits + g.stride * (3 - start)
    let rootBits = min(max(0, n - shift), g.stride + 4)
    let shape = TreeShape(
      granule: g, inputBits: n, startLevel: start, rootEntries: 1 << rootBits, ds: ds,
      stage2: true, lpa64: false)
    let root = t.build(shape) { r, _ in output(&r, bits: ds ? 52 : 48) }
    rng = t.rng
    var vtcr = UInt64(txsz) | UInt64(sl0) << 6 | g.tg0 << 14 | 1 << 31
    vtcr |= UInt64(Int.random(in: 0...6, using: &rng)) << 16 | rng.bits(2) << 12
    if ds { vtcr |= 1 << 32 }
    if sl2 { vtcr |= 1 << 33 }
    var r = RegisterFile()
    r[.vtcr_el2] = vtcr
    r[.vttbr_el2] = root | rng.bits(8) << 48
    r[.hcr_el2] = 1 | (rng.chance(20) ? 1 << 12 : 0)
    r[.sctlr_el1] &= ~1
    let vas = t.addresses.map { $0 & ((1 << UInt64(n)) - 1) }
    return Scenario(
      registers: r, memory: m,
      queries: queries(&rng, vas, ops: [.s12e1r, .s12e1w, .s12e0r, .s12e0w]))
  }

  /// Stage 1 over an identity stage 2 (4K, 40-bit IPA, two concatenated level-1 tables) whose
  /// 2 MiB blocks are sometimes invalid, read-only, Device or without AF; HCR_EL2.PTW
  /// sometimes.
  static func nested(_ rng: inout SplitMix64) -> Scenario {
    let m = PhysicalMemory()
    var t = RandomTables(rng: rng, memory: m, base: tableBase, size: 16 << 20)
    let (tcr, ttbr0, ttbr1, vas) = twoRanges(&t, lpa2: false, lva64: false)
    rng = t.rng
    // Stage 2 at 0x4100_0000: L1 (2 pages), one L2 table for IPA 0x4000_0000-0x7fff_ffff.
    let l1: UInt64 = 0x4100_0000
    let l2: UInt64 = 0x4100_2000
    _ = try? m.write64(l1 + 8, l2 | 3)
    for i in 0..<512 {
      let pa = 0x4000_0000 + UInt64(i) << 21
      var d = pa | 1 | 1 << 10 | 3 << 6 | 0xF << 2 | 3 << 8
      if rng.chance(4) { d = 0 }
      if rng.chance(8) { d = (d & ~(3 << 6)) | rng.bits(2) << 6 }
      if rng.chance(8) { d = (d & ~(0xF << 2)) | rng.bits(2) << 2 }
      if rng.chance(3) { d &= ~(1 << 10) }
      _ = try? m.write64(l2 + UInt64(i) * 8, d)
    }
    var r = RegisterFile()
    r[.tcr_el1] = tcr
    r[.ttbr0_el1] = ttbr0
    r[.ttbr1_el1] = ttbr1
    r[.mair_el1] = randomMAIR(&rng)
    r[.vtcr_el2] = 24 | 1 << 6 | 1 << 8 | 1 << 10 | 3 << 12 | 5 << 16 | 1 << 31
    r[.vttbr_el2] = l1 | rng.bits(8) << 48
    r[.hcr_el2] = 1 | (rng.chance(30) ? 1 << 2 : 0) | (rng.chance(5) ? 1 << 12 : 0)
    return Scenario(
      registers: r, memory: m,
      queries: queries(&rng, vas, ops: [.s12e1r, .s12e1w, .s12e0r, .s12e0w, .s1e1r, .s1e1w]))
  }
}
