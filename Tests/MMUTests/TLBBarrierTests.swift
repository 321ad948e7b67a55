import Testing

@testable import MMU

/// When a TLBI takes effect: at a DSB of sufficient scope on the issuing CPU (architecture.md
/// §10.3), and not before. Store-only and load-only DSBs complete nothing; `dsb nsh` only local
/// operations.
@Suite("TLB barriers")
struct TLBBarrierTests {
  typealias F = TLBFix

  /// One CPU (or two) holding the entry for F.va; the page then unmapped without a TLBI.
  static func unmapped(cpus: Int = 1) throws -> Machine {
    let m = try F.machine(cpus: cpus)
    for i in 0..<cpus { _ = F.read(m, cpu: i) }
    try m.memory.write64(F.l3 + 3 * 8, 0)
    return m
  }

  static let gone = TLBStatus.miss

  @Test func oldEntriesAnswerUntilTheDSB() throws {
    let m = try Self.unmapped()
    try m.tlbi(TLBIOperation(.vae1), address: F.va, cpu: m.cpu)
    #expect(F.read(m).outcome.translation?.pa == F.paA)  // still the old entry
    for d in [BarrierDomain.ishst, .ishld, .st, .ld, .oshst, .nshst] {
      m.dsb(d, cpu: m.cpu)
      #expect(m.cpu.pendingTLBIs.count == 1, "dsb \(d.rawValue) completes no TLBI")
    }
    #expect(m.isb(cpu: m.cpu).isEmpty)  // ISB completes nothing either
    #expect(F.read(m).outcome.translation?.pa == F.paA)
    m.dsb(.nsh, cpu: m.cpu)  // a local operation: any full DSB completes it
    #expect(m.cpu.pendingTLBIs.isEmpty)
    let a = F.read(m)
    #expect(a.tlb == .miss)
    #expect(a.outcome.fault == Fault(.translation, level: 3))
  }

  @Test func broadcastNeedsAnInnerShareableDSBOnTheIssuer() throws {
    let m = try Self.unmapped(cpus: 2)
    let r = try m.tlbi(TLBIOperation(.vae1, .inner), address: F.va, cpu: m.cpus[0])
    #expect(r.targets == [0, 1])
    m.dsb(.nsh, cpu: m.cpus[0])  // non-shareable: does not complete a broadcast
    #expect(m.cpus[1].tlb.count == 1 && m.cpus[0].tlb.count == 1)
    m.dsb(.ish, cpu: m.cpus[1])  // another CPU's DSB completes only its own TLBIs
    #expect(m.cpus[0].pendingTLBIs.count == 1)
    #expect(m.cpus[1].tlb.count == 1)
    let d = m.dsb(.ish, cpu: m.cpus[0])
    #expect(d.completed.first?.removed.map(\.cpu) == [0, 1])
    #expect(m.cpus[0].tlb.count == 0 && m.cpus[1].tlb.count == 0)
  }

  @Test func outerShareableNeedsDSBOSH() throws {
    let m = try Self.unmapped(cpus: 2)
    try m.tlbi(TLBIOperation(name: "vae1os")!, address: F.va, cpu: m.cpu)
    m.dsb(.ish, cpu: m.cpu)
    #expect(m.cpu.pendingTLBIs.count == 1)
    m.dsb(.osh, cpu: m.cpu)
    #expect(m.cpus.allSatisfy { $0.tlb.count == 0 })
  }

  @Test func localTLBIReachesOnlyTheIssuer() throws {
    let m = try Self.unmapped(cpus: 2)
    try F.flush(m, "vae1", address: F.va)
    #expect(m.cpus[0].tlb.count == 0)
    #expect(m.cpus[1].tlb.count == 1)
  }

  @Test func hcrFBUpgradesLocalEL1Operations() throws {
    let m = try Self.unmapped(cpus: 2)
    m.cpus[0].registers[.hcr_el2] = 1 << 9  // FB
    let r = try m.tlbi(TLBIOperation(.vae1), address: F.va, cpu: m.cpus[0])
    #expect(r.upgradedByFB && r.targets == [0, 1])
    m.dsb(.ish, cpu: m.cpus[0])
    #expect(m.cpus[1].tlb.count == 0)
  }

  @Test func strictBarriersWarnOnAWalkBeforeTheDSB() throws {
    let m = try Self.unmapped(cpus: 2)
    m.options.strictBarriers = true
    #expect(F.read(m).warnings.isEmpty)
    try m.tlbi(TLBIOperation(.vae1, .inner), address: F.va, cpu: m.cpus[0])
    #expect(F.read(m, cpu: 0).warnings.map(\.kind) == [.missingBarrier])
    // A broadcast not yet completed also concerns the other CPUs' walks.
    #expect(F.read(m, cpu: 1).warnings.map(\.kind) == [.missingBarrier])
    #expect(m.isb(cpu: m.cpus[0]).map(\.kind) == [.missingBarrier])
    #expect(m.dsb(.ishst, cpu: m.cpus[0]).warnings.map(\.kind) == [.missingBarrier])
    #expect(m.dsb(.ish, cpu: m.cpus[0]).warnings.isEmpty)
    #expect(F.read(m, cpu: 0).warnings.isEmpty)
  }

  @Test func withoutStrictBarriersNoWarning() throws {
    let m = try Self.unmapped()
    try m.tlbi(TLBIOperation(.vae1), address: F.va, cpu: m.cpu)
    #expect(F.read(m).warnings.isEmpty)
  }

  @Test func aTLBICompletesAgainstWhatIsCachedAtTheDSB() throws {
    // An entry filled between the TLBI and its DSB is in scope too (the model removes at
    // completion whatever then matches).
    let m = try F.machine()
    try m.tlbi(TLBIOperation(.vae1), address: F.va, cpu: m.cpu)
    _ = F.read(m)
    #expect(m.cpu.tlb.count == 1)
    m.dsb(cpu: m.cpu)
    #expect(m.cpu.tlb.count == 0)
  }
}
