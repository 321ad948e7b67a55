import Testing

@testable import MMU

/// PSTATE.PAN (FEAT_PAN, FEAT_PAN3), from AArch64.S1DirectBasePermissions: with PAN=1 a
/// privileged data access to memory EL0 can read or write faults (stage-1 Permission); with
/// FEAT_PAN3 and SCTLR_ELx.EPAN=1, also to memory EL0 can execute. Instruction fetches,
/// unprivileged accesses, one-range regimes and AT S1E1R/W are unaffected; AT S1E1RP/WP
/// honour it.
@Suite("PSTATE.PAN")
struct PANTests {
  /// ID_AA64MMFR1_EL1.PAN = 3 (PAN3) on top of the test features.
  static func withPAN(_ m: Machine, level: UInt64 = 3) {
    m.cpu.registers[.id_aa64mmfr1_el1] = ID.mmfr1() | (level << 20)
  }

  /// The flat 4K/48 machine of ATTests with `leaf`, PAN implemented, at `el`.
  static func machine(leaf: UInt64, el: Int = 1) throws -> Machine {
    let m = try ATTests.machine(leaf: leaf)
    withPAN(m)
    m.cpu.el = el
    return m
  }

  static func access(_ m: Machine, _ el: Int, _ a: AccessType, va: UInt64 = ATTests.va)
    -> WalkOutcome
  {
    m.access(cpu: m.cpu, context: m.cpu.context(el: el), address: va, access: a).outcome
  }

  static let permissionL3 = WalkOutcome.faulted(Fault(.permission, level: 3))
  static let permissionL3W = WalkOutcome.faulted(Fault(.permission, level: 3, write: true))

  @Test("EL1 with PAN=1: a user (AP=01) page faults for reads and writes; PAN=0 allows")
  func el1UserPage() throws {
    let m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.page)
    #expect(Self.access(m, 1, .read).translation?.pa == 0x8765_4567)
    m.cpu.pan = true
    #expect(Self.access(m, 1, .read) == Self.permissionL3)
    #expect(Self.access(m, 1, .write) == Self.permissionL3W)
    // EL0 is not privileged: unaffected.
    #expect(Self.access(m, 0, .read).translation?.pa == 0x8765_4567)
    m.cpu.pan = false
    #expect(Self.access(m, 1, .write).translation?.pa == 0x8765_4567)
  }

  @Test("PAN=1: kernel pages (AP=00) and fetches are unaffected; EL0 read-only (AP=11) faults")
  func kernelPagesAndFetches() throws {
    var m = try Self.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.uxn | D.page)
    m.cpu.pan = true
    #expect(Self.access(m, 1, .write).translation?.pa == 0x8765_4567)
    // AP=11: EL0 may read → PAN takes privileged reads; privileged fetch (PXN=0) still runs.
    m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b11) | D.af | D.shInner | D.uxn | D.page)
    m.cpu.pan = true
    #expect(Self.access(m, 1, .read) == Self.permissionL3)
    #expect(Self.access(m, 1, .exec).translation?.pa == 0x8765_4567)
  }

  @Test("PAN3 with SCTLR_EL1.EPAN=1: an EL0-execute-only page (AP=00, UXN=0) faults too")
  func pan3ExecuteOnly() throws {
    let m = try Self.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.pxn | D.page)
    m.cpu.pan = true
    // EPAN=0: only EL0-readable memory is restricted.
    #expect(Self.access(m, 1, .read).translation?.pa == 0x8765_4567)
    m.cpu.registers[.sctlr_el1] |= 1 << 57  // EPAN
    #expect(Self.access(m, 1, .read) == Self.permissionL3)
    // Without FEAT_PAN3 (PAN=2) EPAN has no effect.
    Self.withPAN(m, level: 2)
    #expect(Self.access(m, 1, .read).translation?.pa == 0x8765_4567)
    // Without FEAT_PAN at all, PSTATE.PAN restricts nothing.
    Self.withPAN(m, level: 0)
    m.cpu.registers[.sctlr_el1] &= ~(1 << 57)
    let user = try Self.machine(leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.pxn | D.page)
    Self.withPAN(user, level: 0)
    user.cpu.pan = true
    #expect(Self.access(user, 1, .read).translation?.pa == 0x8765_4567)
  }

  @Test("AT S1E1R ignores PAN; S1E1RP/S1E1WP honour it (PAR 0x81F: Permission L3)")
  func atForms() throws {
    let m = try Self.machine(
      leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.page, el: 2)
    func par(_ op: ATOperation) -> UInt64? {
      if case .par(let p) = m.addressTranslate(op, va: ATTests.va, cpu: m.cpu).result { return p }
      return nil
    }
    // ATTR 0xFF | PA 0x8765_4000 | RES1 | NS | SH inner.
    #expect(par(.s1e1rp) == 0xFF00_0000_8765_4B80)
    m.cpu.pan = true
    #expect(par(.s1e1r) == 0xFF00_0000_8765_4B80)
    #expect(par(.s1e1w) == 0xFF00_0000_8765_4B80)
    #expect(par(.s1e1rp) == 0x81F)
    #expect(par(.s1e1wp) == 0x81F)
    // S1E0R is an EL0 check: unaffected.
    #expect(par(.s1e0r) == 0xFF00_0000_8765_4B80)
  }

  @Test("PAN with stage 2 on: stage-1 Permission fault before stage 2; S12E1R ignores PAN")
  func stage2On() throws {
    // The nested machine's stage-1 leaf is AP=01 (EL0 read/write).
    let m = try ATTests.nestedMachine(el: 1)
    Self.withPAN(m)
    #expect(Self.access(m, 1, .read).translation?.pa == 0x200_5567)
    m.cpu.pan = true
    #expect(Self.access(m, 1, .read) == Self.permissionL3)
    m.cpu.el = 2
    #expect(
      m.addressTranslate(.s1e1rp, va: ATTests.va, cpu: m.cpu).result == .par(0x81F))
    #expect(
      m.addressTranslate(.s12e1r, va: ATTests.va, cpu: m.cpu).result
        == .par(0xFF00_0000_0200_5B80))
  }

  @Test("EL2: PAN applies in EL2&0 (VHE), not in the one-range EL2 regime")
  func el2() throws {
    let leaf = 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.page
    let m = try Self.machine(leaf: leaf, el: 2)
    m.cpu.pan = true
    // Non-VHE EL2: one range, AP[1] has no EL0 meaning → no PAN.
    #expect(Self.access(m, 2, .read).translation?.pa == 0x8765_4567)
    // VHE: EL2&0 with TTBR0_EL2 at the same tables.
    m.cpu.registers[.hcr_el2] = HCR.e2h | HCR.tge
    m.cpu.registers[.tcr_el2] =
      TCR.t0sz(16) | TCR.tg0(.k4) | TCR.t1sz(16) | TCR.tg1(.k4) | TCR.ips(0b101)
    #expect(Self.access(m, 2, .read) == Self.permissionL3)
    m.cpu.pan = false
    #expect(Self.access(m, 2, .read).translation?.pa == 0x8765_4567)
  }

  @Test("PAN is checked on TLB hits: an entry filled with PAN=0 still faults with PAN=1")
  func tlbHit() throws {
    let m = try Self.machine(leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.page)
    let ctx = m.cpu.context(el: 1)
    let first = m.access(cpu: m.cpu, context: ctx, address: ATTests.va, access: .read)
    #expect(first.outcome.translation?.pa == 0x8765_4567)
    m.cpu.pan = true
    let hit = m.access(
      cpu: m.cpu, context: m.cpu.context(el: 1), address: ATTests.va, access: .read)
    #expect(hit.tlb == .hit)
    #expect(hit.outcome == Self.permissionL3)
  }
}
