import Testing

@testable import MMU

/// The stage-setup memo (a performance cache) must give exactly what `TranslationSetup`
/// derives, for any registers, regime, access and address: it reuses a setup for another
/// address only when the bits at and above IA are the same, under equal registers.
@Suite("Setup memo")
struct SetupMemoTests {
  /// A fixed-seed xorshift64*.
  struct Rng {
    var s: UInt64
    mutating func next() -> UInt64 {
      s ^= s >> 12
      s ^= s << 25
      s ^= s >> 27
      return s &* 0x2545_F491_4F6C_DD1D
    }
  }

  /// Every field of a setup, for comparison (StageSetup is not Equatable).
  static func fields(_ r: Result<StageSetup, Fault>) -> String {
    switch r {
    case .failure(let f): return "fault \(f)"
    case .success(let s):
      return
        "\(s.regime) \(s.geometry) \(s.tableBase) \(s.outputBits) \(s.upperRange) \(s.hpd) "
        + "\(s.hardwareAF) \(s.hardwareDirty) \(s.wxn) \(s.mair) \(s.tcrShareability) "
        + "\(s.asid) \(s.paMax) \(s.xnx)"
    }
  }

  @Test("memoized stage-1 and stage-2 setups equal fresh ones over random registers and VAs")
  func memoMatchesFresh() {
    var rng = Rng(s: 0x1234_5678_9ABC_DEF1)
    let memo = StageSetupMemo()
    var regs = RegisterFile()
    let regimes: [Regime] = [.el10, .el2, .el20]
    var succeeded = 0
    for round in 0..<400 {
      // Now and then new translation controls: TxSZ, granules, IPS, TBI/TBID, HA/HD, HPD,
      // DS, EPD, E0PD, SL0 at random (out-of-range values included), the defaults elsewhere.
      if round % 8 == 0 {
        func field(_ v: inout UInt64, _ hi: Int, _ lo: Int, _ x: UInt64) {
          v = withBitField(v, hi, lo, x)
        }
        var t1 = RegisterDefaults.tcrEL1
        field(&t1, 5, 0, 10 + rng.next() % 40)
        field(&t1, 21, 16, 10 + rng.next() % 40)
        field(&t1, 15, 14, rng.next() % 4)
        field(&t1, 31, 30, rng.next() % 4)
        field(&t1, 34, 32, rng.next() % 7)
        for b in [37, 38, 39, 40, 41, 42, 51, 52, 59] where rng.next() % 3 == 0 { t1 ^= 1 << b }
        for b in [7, 23, 55, 56] where rng.next() % 8 == 0 { t1 ^= 1 << b }
        regs[.tcr_el1] = t1
        var t2 = rng.next() % 2 == 0 ? RegisterDefaults.tcrEL2 : t1
        field(&t2, 5, 0, 10 + rng.next() % 40)
        field(&t2, 15, 14, rng.next() % 4)
        for b in [20, 21, 22, 24, 29, 32] where rng.next() % 3 == 0 { t2 ^= 1 << b }
        regs[.tcr_el2] = t2
        var vt = RegisterDefaults.vtcrEL2
        field(&vt, 5, 0, 10 + rng.next() % 40)
        field(&vt, 7, 6, rng.next() % 4)
        field(&vt, 15, 14, rng.next() % 4)
        field(&vt, 18, 16, rng.next() % 7)
        for b in [21, 22, 32, 33] where rng.next() % 3 == 0 { vt ^= 1 << b }
        regs[.vtcr_el2] = vt
        regs[.ttbr0_el1] = rng.next() & 0x000F_FFFF_FFFF_F000
        regs[.ttbr1_el1] = rng.next() & 0x0000_FFFF_FFFF_F000
        regs[.ttbr0_el2] = rng.next() & 0x0000_FFFF_FFFF_F000
        regs[.vttbr_el2] = rng.next() & 0x0000_00FF_FFFF_F000
        if round % 16 == 0 { regs.implementation.setupFaultAtStartLevel.toggle() }
        if round % 24 == 0 { regs.implementation.el2Bit55AddressSize.toggle() }
      }
      // A family of addresses: shared top bits (lower range, upper range, a tag byte), random
      // low bits of random width.
      let tops: [UInt64] = [0, 0xFFFF_F000_0000_0000, 0x5A00_0000_0000_0000, 0xA5FF_F000_0000_0000]
      let top = tops[Int(rng.next() % 4)]
      for _ in 0..<8 {
        var va = top | (rng.next() >> UInt64(20 + Int(rng.next() % 40)))
        if rng.next() % 7 == 0 { va ^= rng.next() & 0xFF00_0000_0000_0000 }
        let access = AccessType.allCases[Int(rng.next() % 3)]
        let unprivileged = rng.next() % 2 == 0
        let regime = regimes[Int(rng.next() % 3)]
        let fresh = TranslationSetup.stage1(
          regs, regime: regime, va: va, access: access, unprivileged: unprivileged)
        let memoized = memo.stage1(
          regs, regime: regime, va: va, access: access, unprivileged: unprivileged)
        #expect(Self.fields(memoized) == Self.fields(fresh), "stage 1 \(regime) va \(va)")
        let ipa = va >> UInt64(rng.next() % 24)
        let fresh2 = TranslationSetup.stage2(regs, ipa: ipa, access: access)
        let memoized2 = memo.stage2(regs, ipa: ipa, access: access)
        #expect(Self.fields(memoized2) == Self.fields(fresh2), "stage 2 ipa \(ipa)")
        if case .success = fresh { succeeded += 1 }
      }
    }
    // The random registers must also produce successful setups, or the memo went untested.
    #expect(succeeded > 100)
  }

  @Test("walks through the machine (memoized) equal walks by Walker.walk (not memoized)")
  func machineWalksMatch() throws {
    let m = Machine()
    let c = m.cpu
    var req = SpaceRequest(name: "k")
    req.upper = false
    let sp = try m.createSpace(req, cpu: c)
    _ = try Mapper(space: sp, memory: m.memory, mair: RegisterDefaults.mair).map(
      va: 0x40_0000_0000, pa: 0x8000_0000, size: 4 << 20, attributes: MapAttributes(),
      policy: .pages)
    _ = m.switchTable(.ttbr0_el1, to: sp, cpu: c)
    let ctx = AccessContext(regime: .el10)
    var rng = Rng(s: 42)
    for i in 0..<2000 {
      if i % 500 == 250 { c.registers[.tcr_el1] ^= 1 << 37 }  // TBI0 on and off
      let va =
        (0x40_0000_0000 | (rng.next() & 0x7F_FFFF)) ^ (i % 3 == 0 ? 0x0300_0000_0000_0000 : 0)
      let a = m.access(cpu: c, context: ctx, address: va, access: .read, useTLB: false)
      let b = Walker.walk(
        memory: m.memory, registers: c.registers, context: ctx, address: va, access: .read)
      #expect(a.outcome == b.outcome && a.walk == b, "va \(va)")
    }
  }
}
