import Testing

@testable import MMU

/// TLBI names, operands (architecture.md §10.4), errors; CPUs online and offline; speculation.
@Suite("TLBI operands, CPUs, speculation")
struct TLBOperandTests {
  typealias F = TLBFix

  static let languageNames = [
    "vmalle1", "vmalle1is", "vae1", "vae1is", "vale1", "vale1is", "vaae1", "vaae1is",
    "vaale1", "vaale1is", "aside1", "aside1is", "vmalls12e1", "vmalls12e1is", "alle1",
    "alle1is", "ipas2e1", "ipas2e1is", "ipas2le1", "ipas2le1is", "alle2", "alle2is", "vae2",
    "vae2is", "vale2", "vale2is",
  ]

  @Test func everyLanguageNameParses() {
    for n in Self.languageNames {
      let op = TLBIOperation(name: n)
      #expect(op?.name == n)
      #expect(op?.broadcast == n.hasSuffix("is"))
    }
    #expect(TLBIOperation(name: "VAE1IS") == TLBIOperation(.vae1, .inner))
    #expect(TLBIOperation(name: "vae3") == nil)
    #expect(TLBIOperation(name: "is") == nil)
    #expect(TLBIOperation.all.count == TLBIOperation.Base.allCases.count * 3)
  }

  @Test func properties() {
    #expect(TLBIOperation(.vale1).lastLevel && !TLBIOperation(.vae1).lastLevel)
    #expect(TLBIOperation(.ipas2le1).lastLevel && TLBIOperation(.ipas2e1).stage2Only)
    #expect(!TLBIOperation(.vmalls12e1).stage2Only)
    #expect(TLBIOperation(.aside1).takesASID && !TLBIOperation(.aside1).byAddress)
    #expect(TLBIOperation(.vaae1).anyASID && !TLBIOperation(.vaae1).takesASID)
    #expect(TLBIOperation(.rvale1).isRange && TLBIOperation(.rvale1).lastLevel)
    #expect(TLBIOperation(.vmalle1).requiredEL == 1 && TLBIOperation(.alle1).requiredEL == 2)
  }

  @Test func ttlDecoding() {
    // TTL = TG[3:2]:level[1:0]; TG 01 4K, 10 16K, 11 64K; 0b00xx no hint (architecture.md §10.4).
    #expect(TTLHint(ttl: 0b0000) == nil)
    #expect(TTLHint(ttl: 0b0011) == nil)
    #expect(TTLHint(ttl: 0b0111) == TTLHint(level: 3, granule: .k4))
    #expect(TTLHint(ttl: 0b0100) == TTLHint(level: 0, granule: .k4))
    #expect(TTLHint(ttl: 0b1010) == TTLHint(level: 2, granule: .k16))
    #expect(TTLHint(ttl: 0b1000) == nil)  // 16K has no level-0 leaf
    #expect(TTLHint(ttl: 0b1101) == TTLHint(level: 1, granule: .k64))
  }

  @Test func xtVAIsSignExtendedFromBit55() throws {
    let m = Machine()
    // VA[55:12] = all ones in [43:0]: the VA is 0xffff_ffff_ffff_f000.
    let r = try m.tlbi(TLBIOperation(.vaae1), xt: lowMask(44), cpu: m.cpu)
    let lo: UInt64 = 0xffff_ffff_ffff_f000
    #expect(r.tlbi.scope.addresses == lo...lo)
    // The address form takes the VA as given, page aligned, top byte from bit 55.
    let s = try m.tlbi(TLBIOperation(.vaae1), address: 0x00ff_8000_0000_1234, cpu: m.cpu)
    let a: UInt64 = 0xffff_8000_0000_1000
    #expect(s.tlbi.scope.addresses == a...a)
  }

  @Test func asidWidthFollowsTCRAS() throws {
    let m = Machine()
    m.cpu.registers[.tcr_el1] &= ~(1 << 36)  // AS=0: 8-bit ASIDs
    let r = try m.tlbi(TLBIOperation(.aside1), xt: 0x1234 << 48, cpu: m.cpu)
    #expect(r.tlbi.scope.asid == 0x34)
    #expect(r.tlbi.scope.globals == false)
  }

  @Test func errors() {
    let m = Machine()
    let c = m.cpu
    #expect(throws: TLBIError.missingAddress(TLBIOperation(.vae1))) {
      try m.tlbi(TLBIOperation(.vae1), cpu: c)
    }
    #expect(throws: TLBIError.unexpectedAddress(TLBIOperation(.vmalle1))) {
      try m.tlbi(TLBIOperation(.vmalle1), address: 0x1000, cpu: c)
    }
    #expect(throws: TLBIError.asidNotUsed(TLBIOperation(.vaae1))) {
      try m.tlbi(TLBIOperation(.vaae1), address: 0x1000, asid: 3, cpu: c)
    }
    #expect(throws: TLBIError.badLevel(TLBIOperation(.vae1), 4)) {
      try m.tlbi(TLBIOperation(.vae1), address: 0x1000, level: 4, cpu: c)
    }
    #expect(throws: TLBIError.xtWithOtherOperands) {
      try m.tlbi(TLBIOperation(.vae1), address: 0x1000, xt: 1, cpu: c)
    }
    #expect(throws: TLBIError.badSize(TLBIOperation(.rvae1))) {
      try m.tlbi(TLBIOperation(.rvae1), address: 0x1000, cpu: c)
    }
    // EL2 operations are UNDEFINED at EL1; every TLBI at EL0.
    #expect(throws: TLBIError.undefinedAtEL(TLBIOperation(.alle2), el: 1)) {
      try m.tlbi(TLBIOperation(.alle2), cpu: c)
    }
    c.el = 0
    #expect(throws: TLBIError.undefinedAtEL(TLBIOperation(.vmalle1), el: 0)) {
      try m.tlbi(TLBIOperation(.vmalle1), cpu: c)
    }
    #expect(c.pendingTLBIs.isEmpty)
  }

  @Test func barrierNames() {
    #expect(BarrierDomain(name: "") == .sy)
    #expect(BarrierDomain(name: "ISH") == .ish)
    #expect(BarrierDomain(name: "foo") == nil)
    #expect(BarrierDomain.allCases.filter(\.completesTLBI) == [.sy, .ish, .osh, .nsh])
  }

  // MARK: CPUs

  @Test func hotpluggedCPUStartsEmpty() throws {
    let m = try F.machine(cpus: 2)
    _ = F.read(m, cpu: 1)
    m.cpus[1].el = 2
    #expect(m.cpus[1].tlb.count == 1)
    #expect(m.setOnline(1, false))
    #expect(m.cpus[1].tlb.isEmpty && !m.cpus[1].online)
    // Offline CPUs take no part in broadcasts.
    let r = try m.tlbi(TLBIOperation(.vmalle1, .inner), cpu: m.cpus[0])
    #expect(r.targets == [0])
    #expect(m.setOnline(1, true))
    let c = m.cpus[1]
    #expect(c.online && c.tlb.isEmpty && c.el == 1)
    #expect(c.registers[.ttbr0_el1] == RegisterFile()[.ttbr0_el1])
    #expect(!m.setOnline(5, true))
  }

  @Test func addedCPUsStartEmptyAndReceiveBroadcasts() throws {
    let m = try F.machine()
    m.addCPUs(upTo: 3)
    #expect(m.cpus.count == 3 && m.cpus.allSatisfy { $0.tlb.isEmpty })
    m.cpu.el = 2
    let r = try m.tlbi(TLBIOperation(.alle1, .inner), cpu: m.cpu)
    #expect(r.targets == [0, 1, 2])
  }

  // MARK: Speculation

  @Test func speculationHoldsWhatTheTablesAllowed() throws {
    let m = try F.machine()
    #expect(m.speculateTranslations() == 0)  // off by default
    m.options.tlbSpeculative = true
    #expect(m.speculateTranslations() == 1)
    let e = try #require(m.cpu.tlb.entries.first)
    #expect(e.speculative && e.inputBase == F.va)
    // Changed without break-before-make and never accessed: the speculative entry answers.
    _ = try m.writeMemory(F.l3 + 3 * 8, F.page(F.paB))
    let a = F.read(m)
    #expect(a.outcome.translation?.pa == F.paA)
    if case .stale = a.tlb {} else { Issue.record("expected stale, got \(a.tlb)") }
  }

  @Test func aRawWriteSpeculatesFirst() throws {
    let m = try F.machine()
    m.options.tlbSpeculative = true
    // The page is never accessed; another page of the same L3 table is, which makes the
    // table known as live (tables here are outside any pool).
    try m.memory.write64(F.l3 + 4 * 8, F.page(0xa000_0000))
    _ = F.read(m, F.va + 0x1000)
    let w = try m.writeMemory(F.l3 + 3 * 8, F.page(F.paB))
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(F.read(m).outcome.translation?.pa == F.paA)
  }

  @Test func speculationDoesNotRefreshStaleEntries() throws {
    let m = try F.machine()
    m.options.tlbSpeculative = true
    _ = F.read(m)
    try m.memory.write64(F.l3 + 3 * 8, F.page(F.paB))
    m.speculateTranslations()
    #expect(F.read(m).outcome.translation?.pa == F.paA)
  }
}
