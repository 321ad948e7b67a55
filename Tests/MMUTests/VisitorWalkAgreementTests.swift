import MMUTestSupport
import Testing

@testable import MMU

/// One walker for walks, dumps and the mapper: on random tables, for every granule, output
/// size and regime, every leaf the table visitor (and the scan behind `dump`) reports must be
/// what a walk of that address finds (same output, attributes and rights), every entry it
/// does not descend must stop a walk, and a walk must give the same outcome whatever observes
/// it (nothing, a trace, a TLB fill).
@Suite("Visitor, scan and walker agree")
struct VisitorWalkAgreementTests {
  /// A register file for `regime` with `granule`, a `oaBits` output size (IPS/PS) and TTBR or
  /// VTTBR at `root`; nil when the combination is not a valid walk (52-bit OA on 4K/16K takes
  /// DS, which changes the descriptor format: included).
  static func registers(_ regime: Regime, _ g: Granule, oaBits: Int, root: UInt64)
    -> RegisterFile?
  {
    var r = baseRegisters()
    guard let ps = PhysicalAddressSize.encoding(bits: oaBits) else { return nil }
    let ds: UInt64 = oaBits == 52 && g != .k64 ? 1 : 0
    let ia = 40
    switch regime {
    case .el10, .el20:
      let tcr =
        TCR.t0sz(UInt64(64 - ia)) | TCR.tg0(g) | TCR.t1sz(UInt64(64 - ia)) | TCR.tg1(g)
        | TCR.ips(ps) | (ds << 59)
      if regime == .el10 {
        r[.tcr_el1] = tcr
        r[.ttbr0_el1] = root
        r[.ttbr1_el1] = root
      } else {
        r[.hcr_el2] = HCR.e2h | HCR.tge
        r[.tcr_el2] = tcr
        r[.ttbr0_el2] = root
        r[.ttbr1_el2] = root
      }
    case .el2:
      r[.tcr_el2] = TCR2.t0sz(UInt64(64 - ia)) | TCR2.tg0(g) | TCR2.ps(ps) | TCR2.res1 | (ds << 32)
      r[.ttbr0_el2] = root
    case .stage2:
      let geometry = Geometry.kvmStage2(granule: g, ipaBits: ia, ds: ds == 1)
      guard let sl = Geometry.sl0(granule: g, startLevel: geometry.startLevel) else { return nil }
      r[.hcr_el2] = HCR.vm
      r[.vtcr_el2] =
        VTCR.t0sz(UInt64(64 - ia)) | VTCR.sl0(sl.sl0) | VTCR.tg0(g) | VTCR.ps(ps) | VTCR.res1
        | (ds << 32) | (sl.sl2 ? VTCR.sl2 : 0)
      r[.vttbr_el2] = root
    }
    return r
  }

  /// Random tables under `root`: a few random entries per table, each invalid, a table (to a
  /// fresh table page, with random table-attribute bits and, with 64K, random bits [15:12]),
  /// or a block/page with random attributes and an output address that sometimes lies beyond
  /// the output size.
  static func randomTables(
    _ mem: PhysicalMemory, _ g: inout SplitMix64, setup: StageSetup, next: inout UInt64
  ) throws {
    let geo = setup.geometry
    let granule = geo.granule
    let stage2 = setup.regime.isStage2
    func fill(_ table: UInt64, level: Int) throws {
      let entries = geo.entries(atLevel: level)
      for _ in 0..<4 {
        let index = UInt64(g.next() % UInt64(entries))
        let roll = g.next() % 8
        var d: UInt64
        if roll == 3 && level < 3 && setup.outputBits == 40 {
          // A table address beyond a 40-bit output size: a walk stops there.
          d = Descriptor(D.table).withAddress(next | 1 << 44, granule: granule, ds: geo.ds).raw
          try mem.put(table, index, d)
          continue
        }
        if roll < 3 && level < 3 {
          let child = next
          next += granule.size
          d = Descriptor(D.table).withAddress(child, granule: granule, ds: geo.ds).raw
          if !stage2 { d |= (g.next() % 32) << 59 }
          // 64K: bits [15:12] are OA[51:48] only with a 52-bit output size.
          if granule == .k64 && setup.outputBits < 52 { d |= (g.next() % 16) << 12 }
          try mem.put(table, index, d)
          try fill(child, level: level + 1)
          continue
        }
        if roll == 7 { continue }
        let leafKind = level == 3 ? D.page : D.block
        // Output: usually within the first 4 GiB, sometimes at the top of a 52-bit space.
        var out = (g.next() % 0x1_0000_0000)
        if g.next() % 6 == 0 { out |= (g.next() % 16) << 48 }
        if g.next() % 6 == 0 { out |= (g.next() % 256) << 40 }
        d = Descriptor(leafKind).withAddress(out, granule: granule, ds: geo.ds).raw | D.af
        let attrs = g.next()
        if stage2 {
          d |= attrs & (D.memAttr(0xf) | D.s2ap(3) | D.s2xn(3) | D.shInner | D.contiguous)
          d |= D.s2ap(1)  // readable: a read walk reaches the comparison
        } else {
          d |= attrs & (D.attrIndx(7) | D.ap(3) | D.nG | D.pxn | D.uxn | D.contiguous)
          if !geo.ds { d |= attrs & D.shInner }
        }
        try mem.put(table, index, d)
      }
    }
    try fill(setup.tableBase, level: geo.startLevel)
  }

  @Test("every leaf the scan reports is what a walk finds; every observer agrees")
  func agreement() throws {
    var g = SplitMix64(seed: 0x715_170E)
    var compared = 0
    var addressSizeStops = 0
    let regimes: [(Regime, upper: Bool)] = [
      (.el10, false), (.el10, true), (.el2, false), (.el20, true), (.stage2, false),
    ]
    for granule in Granule.allCases {
      for oaBits in [40, 48, 52] {
        for (regime, upper) in regimes {
          let mem = PhysicalMemory()
          let root: UInt64 = 0x100_0000
          guard let regs = Self.registers(regime, granule, oaBits: oaBits, root: root) else {
            continue
          }
          let setup: StageSetup
          if regime == .stage2 {
            setup = try TranslationSetup.stage2(regs, ipa: 0, access: .read).get()
          } else {
            setup = try TranslationSetup.stage1(
              regs, regime: regime, va: upper ? ~0 : 0, access: .read
            ).get()
          }
          var next = root + 0x10_0000
          try Self.randomTables(mem, &g, setup: setup, next: &next)
          let space = AddressSpace.registerView(name: "t", setup: setup)
          let ctx = regime == .stage2 ? s2Ctx : AccessContext(regime: regime)
          let what = "\(granule) OA \(oaBits) \(regime)\(upper ? " upper" : "")"
          let first: UInt64 = upper ? ~lowMask(setup.geometry.inputBits) : 0
          let last: UInt64 = upper ? ~0 : lowMask(setup.geometry.inputBits)

          // Entries the visit does not descend into, or whose output does not fit, stop a walk.
          try space.visit(from: first, through: last, memory: mem, skipInvalid: true) { phase, e in
            guard phase == .leaf, !e.addressFits else { return }
            addressSizeStops += 1
            let f = walk(mem, regs, ctx, e.inputAddress).outcome
            #expect(
              f
                == .faulted(
                  Walker.stageFault(setup, .addressSize, e.level, e.inputAddress, .read, false)),
              "\(what) \(e.inputAddress)")
          }

          let runs = try space.leafRuns(from: first, through: last, memory: mem, setup: setup)
          for run in runs {
            for va in [run.first, run.last & ~0xfff, run.first &+ (run.size / 2) & ~0xfff] {
              let w = walk(mem, regs, ctx, va).outcome
              guard case .translated(let t) = w else {
                // Only an output beyond the output size may fail a leaf the scan reports.
                let f = Walker.stageFault(setup, .addressSize, run.level, va, .read, false)
                #expect(w == .faulted(f), "\(what) \(va): \(w)")
                continue
              }
              compared += 1
              let offset = va &- run.first
              #expect(t.pa == run.output &+ offset, "\(what) \(va)")
              #expect(t.level == run.level, "\(what) \(va)")
              #expect(t.attributes == run.attributes, "\(what) \(va)")
              #expect(t.permissions == run.permissions, "\(what) \(va)")
              #expect(t.global == run.global, "\(what) \(va)")

              // The same walk observed by a trace and by a TLB fill gives the same outcome.
              let traced = walk(mem, regs, ctx, va, trace: true)
              #expect(traced.outcome == w, "\(what) \(va) traced")
              let m = Machine(memory: mem)
              m.cpu.registers = regs
              #expect(m.fillTLB(cpu: m.cpu, context: ctx, address: va).outcome == w)
              #expect(m.access(cpu: m.cpu, context: ctx, address: va, access: .read).outcome == w)
            }
          }
        }
      }
    }
    #expect(compared > 500, "\(compared) leaves compared")
    #expect(addressSizeStops > 10, "\(addressSizeStops) address-size stops")
  }

  @Test("64K with a 48-bit OA: a table descriptor with bit 12 set is followed by dump as by walk")
  func sixtyFourKBit12() throws {
    let mem = PhysicalMemory()
    var r = baseRegisters()
    // 64K, 42-bit VA (start level 2), IPS 48.
    r[.tcr_el1] = TCR.t0sz(22) | TCR.tg0(.k64) | TCR.ips(0b101)
    r[.ttbr0_el1] = 0x10000
    // L2 entry 0 → L3 table at 0x20000, with bit 12 set (RES0 below a 52-bit OA: ignored).
    try mem.put(0x10000, 0, 0x20000 | (1 << 12) | D.table)
    try mem.put(0x20000, 1, 0x8765_0000 | D.af | D.shInner | D.page)
    // VA 0x1_2345: L3 index 1 → PA 0x8765_2345.
    #expect(walk(mem, r, el1Ctx, 0x1_2345).outcome.translation?.pa == 0x8765_2345)
    let setup = try TranslationSetup.stage1(r, regime: .el10, va: 0, access: .read).get()
    let space = AddressSpace.registerView(name: "k", setup: setup)
    let runs = try space.leafRuns(from: 0, through: lowMask(42), memory: mem, setup: setup)
    #expect(runs.map(\.first) == [0x1_0000])
    #expect(runs.map(\.output) == [0x8765_0000])
  }
}
