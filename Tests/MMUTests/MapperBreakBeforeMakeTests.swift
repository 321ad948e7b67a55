import Testing

@testable import MMU

/// The mapper's writes are checked for break-before-make against the TLBs, as raw writes
/// are (docs/tlb-model.md): `unmap` of an entry a TLB holds is the invalid step, and `map`
/// there needs a completed TLBI covering that entry on every CPU online at the unmap (the
/// Arm ARM's break-before-make sequence, "Translation table entry changes"; a TLBI without
/// the IS suffix is performed on the issuing PE only).
@Suite("Mapper: break-before-make against the TLBs")
struct MapperBreakBeforeMakeTests {
  /// VA 0x4020_3000 in an EL1&0 TTBR0 space (4K, 48-bit); PAs A and B for the old and new
  /// pages.
  static let va: UInt64 = 0x4020_3000
  static let paA: UInt64 = 0x8000_0000
  static let paB: UInt64 = 0x9000_0000

  /// Two CPUs walking one space through TTBR0_EL1 (ASID 0), each holding VA's entry.
  static func machine() throws -> (Machine, Mapper) {
    let m = Machine()
    m.addCPUs(upTo: 2)
    let s = try m.createSpace(SpaceRequest(name: "k"), cpu: m.cpu)
    var mapper = Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair)
    mapper.writeCheck = m.mapperWriteCheck()
    _ = try mapper.map(va: va, pa: paA, size: 0x1000, attributes: MapAttributes())
    for c in m.cpus {
      c.registers[.ttbr0_el1] = s.root
      let a = m.access(
        cpu: c, context: AccessContext(regime: .el10), address: va, access: .read)
      #expect(a.outcome.translation?.pa == paA)
    }
    return (m, mapper)
  }

  static func flush(_ m: Machine, _ op: String, cpu: Int) throws {
    let o = try #require(TLBIOperation(name: op))
    try m.tlbi(o, address: va, cpu: m.cpus[cpu])
    m.dsb(.ish, cpu: m.cpus[cpu])
  }

  @Test func remapAfterALocalTLBINamesTheOtherCPU() throws {
    let (m, mapper) = try Self.machine()
    #expect(try mapper.unmap(va: Self.va, size: 0x1000).warnings.isEmpty)
    try Self.flush(m, "vae1", cpu: 0)
    let w = try mapper.map(
      va: Self.va, pa: Self.paB, size: 0x1000, attributes: MapAttributes()
    ).warnings
    #expect(w.map(\.kind) == [.breakBeforeMake])
    #expect(w.first?.reason == .changedAfterBreak(.outputAddress, allLevels: false, cpu: 1))
    #expect(w.first?.level == 3)
    // The descriptors: PAGE_KERNEL (0x0060_0000_0000_0703 with the page type) at A, then B.
    #expect(w.first?.oldDescriptor == 0x0060_0000_0000_0703 | Self.paA)
    #expect(w.first?.newDescriptor == 0x0060_0000_0000_0703 | Self.paB)
  }

  @Test func remapAfterABroadcastTLBIIsClean() throws {
    let (m, mapper) = try Self.machine()
    _ = try mapper.unmap(va: Self.va, size: 0x1000)
    try Self.flush(m, "vae1is", cpu: 0)
    let r = try mapper.map(va: Self.va, pa: Self.paB, size: 0x1000, attributes: MapAttributes())
    #expect(r.warnings.isEmpty)
  }

  @Test func remapAfterALocalTLBIOnEachCPUIsClean() throws {
    let (m, mapper) = try Self.machine()
    _ = try mapper.unmap(va: Self.va, size: 0x1000)
    try Self.flush(m, "vae1", cpu: 0)
    try Self.flush(m, "vae1", cpu: 1)
    let r = try mapper.map(va: Self.va, pa: Self.paB, size: 0x1000, attributes: MapAttributes())
    #expect(r.warnings.isEmpty)
  }

  @Test func remapWithoutAnyTLBIWarns() throws {
    let (_, mapper) = try Self.machine()
    _ = try mapper.unmap(va: Self.va, size: 0x1000)
    let w = try mapper.map(
      va: Self.va, pa: Self.paB, size: 0x1000, attributes: MapAttributes()
    ).warnings
    #expect(w.first?.reason == .changedAfterBreak(.outputAddress, allLevels: false, cpu: 0))
  }

  /// Re-making the same translation needs no TLBI: nothing about it changed.
  @Test func remapToTheSamePageIsClean() throws {
    let (_, mapper) = try Self.machine()
    _ = try mapper.unmap(va: Self.va, size: 0x1000)
    let r = try mapper.map(va: Self.va, pa: Self.paA, size: 0x1000, attributes: MapAttributes())
    #expect(r.warnings.isEmpty)
  }

  /// Nothing cached: an unmap records no invalid step, so a map after it is silent.
  @Test func nothingCachedNothingToInvalidate() throws {
    let m = Machine()
    let s = try m.createSpace(SpaceRequest(name: "k"), cpu: m.cpu)
    var mapper = Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair)
    mapper.writeCheck = m.mapperWriteCheck()
    _ = try mapper.map(va: Self.va, pa: Self.paA, size: 0x1000, attributes: MapAttributes())
    _ = try mapper.unmap(va: Self.va, size: 0x1000)
    let r = try mapper.map(va: Self.va, pa: Self.paB, size: 0x1000, attributes: MapAttributes())
    #expect(r.warnings.isEmpty)
  }
}
