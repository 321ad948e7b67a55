import Foundation
import MMUTestSupport
import Testing

@testable import MMU

/// The one level loop, observed by nothing, a trace, a TLB fill and a TLB hit, gives the
/// outcomes the previous walkers (a traced loop and a direct loop, before they became one)
/// gave on the same seeded random tables: every granule, output size (40, 48, 52 with LPA
/// or LPA2) and regime (EL1&0 both halves, EL2, EL2&0, stage 2, EL1&0 through stage 2).
/// The fixture (Tests/Fixtures/walk-outcomes/README.md) holds one line per query; a few of
/// its rows come from hand-built tables whose expected lines are written out below.
@Suite("Walk observers against the previous outcomes")
struct WalkObserverFixtureTests {
  typealias V = VisitorWalkAgreementTests

  static let fixture: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<2 { url.deleteLastPathComponent() }
    return url.path + "/Fixtures/walk-outcomes/outcomes.txt"
  }()

  /// One configuration: memory, registers, and the queries made against them.
  struct Case {
    var name: String
    var memory: PhysicalMemory
    var registers: RegisterFile
    var queries: [(AccessContext, UInt64, AccessType)]
  }

  /// The line a query's outcome is written as: a translation's PA, IPA, levels, sizes,
  /// attributes, both stages' rights, nG/contiguous; a fault's kind, level, stage, S1PTW,
  /// IPA and WnR; and the descriptor reads (`n`).
  static func line(_ name: String, _ q: (AccessContext, UInt64, AccessType), _ o: WalkOutcome)
    -> String
  {
    let (ctx, va, access) = q
    let a = ["r", "w", "x"][Int(access.rawValue)] + (ctx.unprivileged ? "u" : "")
    let head = "\(name) \(hex(va)) \(a)"
    switch o {
    case .translated(let t):
      let s2 =
        t.stage2Level.map { "\($0)/\(t.stage2BlockBits ?? 0)/\(hex(t.stage2Descriptor ?? 0))" }
        ?? "-"
      return
        "\(head) T pa=\(hex(t.pa)) ipa=\(t.ipa.map(hex) ?? "-") l=\(t.level)/\(t.blockBits)"
        + "/\(hex(t.descriptor)) s2=\(s2) attr=\(String(t.attributes.mair, radix: 16))"
        + "/\(t.attributes.shareability.rawValue) p1=\(rights(t.stage1Permissions))"
        + " p2=\(rights(t.stage2Permissions)) g=\(t.global ? 1 : 0) c=\(t.contiguous ? 1 : 0)"
    case .faulted(let f):
      return
        "\(head) F \(f.kind.rawValue) l=\(f.level) s=\(f.stage) ptw=\(f.s1ptw ? 1 : 0)"
        + " ipa=\(f.ipa.map(hex) ?? "-") wnr=\(f.write ? 1 : 0)"
    }
  }

  static func hex(_ v: UInt64) -> String { String(v, radix: 16) }

  /// Rights as six letters, privileged then EL0 (`-` where absent); `none` without rights.
  static func rights(_ p: Permissions?) -> String {
    guard let p else { return "none" }
    let bits = [p.privRead, p.privWrite, p.privExec, p.el0Read, p.el0Write, p.el0Exec]
    return String(zip("rwxRWX", bits).map { $1 ? $0 : "-" })
  }

  // MARK: The cases

  static let accesses: [AccessType] = [.read, .write, .exec]

  /// The random cases, generated from one seed in a fixed order.
  static func randomCases() throws -> [Case] {
    var g = SplitMix64(seed: 0x0B5E_77E5)
    var cases: [Case] = []
    let regimes: [(Regime, upper: Bool, nested: Bool)] = [
      (.el10, false, false), (.el10, true, false), (.el2, false, false), (.el20, true, false),
      (.stage2, false, false), (.el10, false, true),
    ]
    for granule in Granule.allCases {
      for oaBits in [40, 48, 52] {
        for (regime, upper, nested) in regimes {
          let k = [Granule.k4: "4k", .k16: "16k", .k64: "64k"][granule] ?? ""
          let r = [Regime.el10: "el10", .el2: "el2", .el20: "el20", .stage2: "s2"][regime] ?? ""
          let name = "\(k)-\(oaBits)-\(r)\(upper ? "-upper" : "")\(nested ? "-nested" : "")"
          if let c = try randomCase(name, &g, granule, oaBits, regime, upper, nested) {
            cases.append(c)
          }
        }
      }
    }
    return cases
  }

  static func randomCase(
    _ name: String, _ g: inout SplitMix64, _ granule: Granule, _ oaBits: Int, _ regime: Regime,
    _ upper: Bool, _ nested: Bool
  ) throws -> Case? {
    let root: UInt64 = 0x100_0000
    guard var regs = V.registers(regime, granule, oaBits: oaBits, root: root) else { return nil }
    let setup: StageSetup
    if regime == .stage2 {
      setup = try TranslationSetup.stage2(regs, ipa: 0, access: .read).get()
    } else {
      setup = try TranslationSetup.stage1(regs, regime: regime, va: upper ? ~0 : 0, access: .read)
        .get()
    }
    // The tables are built where their own addresses say (IPAs when nested) and the leaf
    // runs read from there; a nested case then moves them up by `shift` in physical memory,
    // where stage 2 maps them.
    let tables = PhysicalMemory()
    var next = root + 0x10_0000
    try V.randomTables(tables, &g, setup: setup, next: &next)
    let space = AddressSpace.registerView(name: "t", setup: setup)
    let first: UInt64 = upper ? ~lowMask(setup.geometry.inputBits) : 0
    let last: UInt64 = upper ? ~0 : lowMask(setup.geometry.inputBits)
    let runs = try space.leafRuns(from: first, through: last, memory: tables, setup: setup)

    var memory = tables
    if nested {
      let shift: UInt64 = 0x2000_0000
      guard let s2 = V.registers(.stage2, granule, oaBits: oaBits, root: 0x4000_0000) else {
        return nil
      }
      memory = PhysicalMemory()
      for pa in stride(from: root, to: next, by: 8) where tables.read64(pa) != 0 {
        try memory.write64(pa + shift, tables.read64(pa))
      }
      let s2Setup = try TranslationSetup.stage2(s2, ipa: 0, access: .read).get()
      var s2Next: UInt64 = 0x4010_0000
      try V.randomTables(memory, &g, setup: s2Setup, next: &s2Next)
      // New stage-2 tables come from a pool above the random ones.
      let s2Space = AddressSpace(
        name: "s2", regime: .stage2, geometry: s2Setup.geometry, root: s2Setup.tableBase,
        pool: TablePool(base: 0x6000_0000, size: 0x100_0000), via: nil,
        outputBits: s2Setup.outputBits, paMax: s2Setup.paMax, upper: nil)
      let mapper = Mapper(space: s2Space, memory: memory, mair: 0)
      // The first entry of each queried leaf run: its output IPA maps to a PA 64 GiB away
      // (where that is aligned and in range; else stage 2 leaves it as it was).
      for run in runs.prefix(10) {
        let size: UInt64 = 1 << UInt64(run.entryBits)
        let ipa = run.output & ~(size - 1)
        _ = try? mapper.map(
          va: ipa, pa: ipa ^ (1 << 36), size: size, attributes: MapAttributes(), force: true)
      }
      // The stage-1 tables' IPAs map to where they now are; in half the cases all but the
      // last table page made: a walk that needs that one takes a stage-2 fault on its table
      // fetch (S1PTW).
      let hole = g.next() % 2 == 0 ? granule.size : 0
      _ = try mapper.map(
        va: root, pa: root + shift, size: next - hole - root, attributes: MapAttributes(),
        policy: .pages, force: true)
      regs[.hcr_el2] = HCR.vm
      regs[.vtcr_el2] = s2[.vtcr_el2]
      regs[.vttbr_el2] = s2[.vttbr_el2]
    }

    let contexts: [AccessContext]
    switch regime {
    case .stage2: contexts = [s2Ctx]
    case .el2: contexts = [el2Ctx]
    case .el10, .el20:
      contexts = [
        AccessContext(regime: regime, stage2: nested),
        AccessContext(regime: regime, unprivileged: true, stage2: nested),
      ]
    }
    var queries: [(AccessContext, UInt64, AccessType)] = []
    func query(_ va: UInt64) {
      let ctx = contexts[Int(g.next() % UInt64(contexts.count))]
      queries.append((ctx, va, accesses[Int(g.next() % 3)]))
    }
    // Leaves (up to 10 runs, two addresses each: nested, both in the first entry, which
    // stage 2 maps), then addresses anywhere in the range.
    for run in runs.prefix(10) {
      query(run.first)
      let span = nested ? 1 << UInt64(run.entryBits) : run.size
      query(run.first &+ (g.next() % span) & ~0x7)
    }
    for _ in 0..<8 { query(first | (g.next() & lowMask(setup.geometry.inputBits))) }
    return Case(name: name, memory: memory, registers: regs, queries: queries)
  }

  /// Hand-built tables whose outcomes are derived in `handRows`.
  static func handCases() throws -> [Case] {
    // 4K granule, 48-bit VA and OA, EL1&0 (architecture.md §2.1-§2.3): TTBR0 0x1000; L0[0] ->
    // 0x2000; L1[0] -> 0x3000 with APTable[1] (read-only below, §3.5) and PXNTable; L2[1] a
    // 2 MiB block at 0x4000_0000, AttrIndx 1, AP=01 (EL1 and EL0 RW, §8.1), inner, AF, nG;
    // L2[2] a block with AF clear (Access flag fault, §4.4; HA is off).
    let mem = PhysicalMemory()
    var r = baseRegisters()
    r[.ttbr0_el1] = 0x1000
    try mem.put(0x1000, 0, 0x2000 | D.table)
    try mem.put(0x2000, 0, 0x3000 | D.table | D.apTable(0b10) | D.pxnTable)
    try mem.put(
      0x3000, 1, 0x4000_0000 | D.block | D.attrIndx(1) | D.ap(0b01) | D.shInner | D.af | D.nG)
    try mem.put(0x3000, 2, 0x6000_0000 | D.block | D.ap(0b01) | D.shInner)
    let el1 = Case(
      name: "hand-4k-48-el10", memory: mem, registers: r,
      queries: [
        (el1Ctx, 0x20_1234, .read), (el0Ctx, 0x20_1234, .write), (el1Ctx, 0x40_0008, .read),
        (el1Ctx, 0x80_0000, .read),
      ])

    // The same stage 1 through stage 2 (§6.1): 4K, 40-bit IPA, start level 1 (two
    // concatenated tables at 0x10_0000, §5.3); IPA [0, 1 GiB) is an L1 block to PA
    // 0x8000_0000 with S2AP=11 MemAttr 0b1111 (Normal WB, §7.2), XN=10 (no execution, §8.5).
    // Stage-1 tables are read at IPA+0x8000_0000; IPA 0x4000_0000 (the stage-1 output) is
    // in L1[1], a block to PA 0xC000_0000 with S2AP=01 (read only).
    let nmem = PhysicalMemory()
    var n = r
    n[.hcr_el2] = HCR.vm
    n[.vtcr_el2] = VTCR.t0sz(24) | VTCR.sl0(0b01) | VTCR.tg0(.k4) | VTCR.ps(0b101) | VTCR.res1
    n[.vttbr_el2] = 0x10_0000
    try nmem.put(0x10_0000, 0, 0x8000_0000 | D.block | D.s2rw | D.s2xn(0b10))
    try nmem.put(
      0x10_0000, 1, 0xC000_0000 | D.block | D.memAttr(0b1111) | D.s2ap(0b01) | D.shInner | D.af)
    for (t, i, d) in [
      (UInt64(0x1000), UInt64(0), UInt64(0x2000) | D.table),
      (0x2000, 0, 0x3000 | D.table | D.apTable(0b10) | D.pxnTable),
      (0x3000, 1, 0x4000_0000 | D.block | D.attrIndx(1) | D.ap(0b01) | D.shInner | D.af | D.nG),
    ] {
      try nmem.put(0x8000_0000 + t, i, d)
    }
    let nestedCtx = AccessContext(regime: .el10, stage2: true)
    let nested = Case(
      name: "hand-4k-48-el10-nested", memory: nmem, registers: n,
      queries: [(nestedCtx, 0x20_1234, .read), (nestedCtx, 0x20_1234, .write)])
    return [el1, nested]
  }

  /// The hand-derived lines of the hand cases, in query order.
  static let handRows: [String] = [
    // VA 0x20_1234: L0 index 0, L1 index 0, L2 index 1 (VA[29:21] = 1), a 2 MiB block (§2.3):
    // PA 0x4000_0000 + 0x1234 = 0x4000_1234. MAIR Attr1 = 0x04 (Device-nGnRE, testMAIR),
    // SH inner (3). AP=01 with APTable[1]: read-only at both ELs (§8.1); PXNTable: no
    // privileged execution; UXN clear, WXN clear: EL0 may execute (§8.2). nG: not global.
    "hand-4k-48-el10 201234 r T pa=40001234 ipa=- l=2/21/40000f45 s2=- attr=4/3"
      + " p1=r--R-X p2=none g=0 c=0",
    // EL0 write: APTable[1] removes write (§8.1): Permission fault, level 2, stage 1, WnR.
    "hand-4k-48-el10 201234 wu F permission l=2 s=1 ptw=0 ipa=- wnr=1",
    // VA 0x40_0008: L2 index 2, AF clear (§4.4): Access flag fault, level 2.
    "hand-4k-48-el10 400008 r F access_flag l=2 s=1 ptw=0 ipa=- wnr=0",
    // VA 0x80_0000: L2 index 4, invalid: Translation fault, level 2 (§9.2).
    "hand-4k-48-el10 800000 r F translation l=2 s=1 ptw=0 ipa=- wnr=0",
    // Nested: IPA 0x4000_1234, stage-2 L1 index 1, a 1 GiB block: PA 0xC000_1234, stage-2
    // level 1, 30 bits. Attributes: Device-nGnRE (0x04) combined with Normal WB is Device
    // (§7.3), and a Device result is Outer Shareable (§7.5). Stage-2 rights S2AP=01 read, XN=00 execute both (§8.5).
    "hand-4k-48-el10-nested 201234 r T pa=c0001234 ipa=40001234 l=2/21/40000f45"
      + " s2=1/30/c000077d attr=4/2 p1=r--R-X p2=r-xR-X g=0 c=0",
    // A write: stage 1 first (§6.4): APTable[1] makes it read-only, a stage-1 fault.
    "hand-4k-48-el10-nested 201234 w F permission l=2 s=1 ptw=0 ipa=- wnr=1",
  ]

  static func allCases() throws -> [Case] { try handCases() + randomCases() }

  /// Runs every query of `c` under every observer; returns the lines (from the walk with no
  /// observer) and records any disagreement.
  static func outcomes(_ c: Case, check: Bool) -> [String] {
    var lines: [String] = []
    for q in c.queries {
      let (ctx, va, access) = q
      var reads = 0
      let direct = Walker.translateDirect(
        memory: c.memory, registers: c.registers, setupMemo: nil, ctx, va, access,
        hardwareUpdates: true, reads: &reads)
      lines.append(line(c.name, q, direct) + " n=\(reads)")
      guard check else { continue }
      let what = "\(c.name) \(hex(va)) \(access)"
      let traced = Walker.walk(
        memory: c.memory, registers: c.registers, context: ctx, address: va, access: access,
        trace: true)
      #expect(traced.outcome == direct, "trace: \(what)")
      #expect(traced.accesses == reads, "trace reads: \(what)")
      let m = Machine(memory: c.memory)
      m.cpu.registers = c.registers
      let fill = m.fillTLB(cpu: m.cpu, context: ctx, address: va, access: access)
      #expect(fill.outcome == direct, "TLB fill: \(what)")
      let hit = m.access(cpu: m.cpu, context: ctx, address: va, access: access)
      #expect(hit.outcome == direct, "TLB hit: \(what)")
      if direct.translation != nil { #expect(hit.tlb == .hit, "TLB hit status: \(what)") }
    }
    return lines
  }

  @Test("every observer gives the fixture's outcome for every query")
  func againstFixture() throws {
    let cases = try Self.allCases()
    var lines: [String] = []
    for c in cases { lines += Self.outcomes(c, check: true) }
    if let out = ProcessInfo.processInfo.environment["MMUSH_WRITE_WALK_FIXTURE"] {
      try (lines.joined(separator: "\n") + "\n").write(
        toFile: out, atomically: true, encoding: .utf8)
    }
    let expected = try String(contentsOfFile: Self.fixture, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    #expect(lines.count == expected.count)
    for (now, then) in zip(lines, expected) { #expect(now == then) }
    // The sample reaches translations and faults of every kind, through both stages.
    let translated = expected.filter { $0.contains(" T ") }
    #expect(translated.count > 200, "\(translated.count) translations")
    #expect(translated.filter { !$0.contains("ipa=- ") }.count > 10, "nested translations")
    for kind in ["translation", "address_size", "permission"] {
      #expect(expected.contains { $0.contains(" F \(kind) ") }, "\(kind) faults")
    }
    #expect(expected.contains { $0.contains(" ptw=1 ") }, "S1PTW faults")
  }

  @Test("the fixture's hand-built rows are the hand-derived outcomes")
  func handRowsMatch() throws {
    let expected = try String(contentsOfFile: Self.fixture, encoding: .utf8)
      .split(separator: "\n").map(String.init)
    let hand = expected.filter { $0.hasPrefix("hand-") }.map {
      // Drop the read count: it is not part of the hand derivation.
      String($0[..<($0.range(of: " n=")?.lowerBound ?? $0.endIndex)])
    }
    #expect(hand == Self.handRows)
    var now: [String] = []
    for c in try Self.handCases() { now += Self.outcomes(c, check: true) }
    #expect(
      now.map { String($0[..<($0.range(of: " n=")?.lowerBound ?? $0.endIndex)]) } == Self.handRows)
  }
}
