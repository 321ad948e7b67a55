import Testing

@testable import MMU

@Suite("Smoke")
struct SmokeTests {
  @Test func mapAndWalk4K48() throws {
    let m = Machine()
    var req = SpaceRequest(name: "k")
    req.upper = true
    let s = try m.createSpace(req, cpu: m.cpu)
    let mapper = Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair)
    // 2 MiB at a 2M-aligned VA/PA: one level-2 block.
    let r = try mapper.map(
      va: 0xffff_8000_0020_0000, pa: 0x4020_0000, size: 2 << 20, attributes: MapAttributes())
    #expect(r.tablesAllocated == 2)  // L1 and L2 below the L0 root
    _ = m.switchTable(.ttbr1_el1, to: s, cpu: m.cpu)
    let a = m.access(
      cpu: m.cpu, context: AccessContext(regime: .el10), address: 0xffff_8000_0021_2345,
      access: .read, trace: true)
    #expect(a.outcome.translation?.pa == 0x4021_2345)
    #expect(a.outcome.translation?.level == 2)
    #expect(a.walk.steps.count == 3)
    #expect(a.walk.accesses == 3)
    // A write is allowed (PAGE_KERNEL is RW), an exec is not (PXN).
    let x = m.access(
      cpu: m.cpu, context: AccessContext(regime: .el10), address: 0xffff_8000_0021_2345,
      access: .exec, useTLB: false)
    #expect(x.outcome.fault == Fault(.permission, level: 2))
    // Unmapped: translation fault at level 2 (the L2 table exists, the entry is invalid).
    let u = m.access(
      cpu: m.cpu, context: AccessContext(regime: .el10), address: 0xffff_8000_0040_0000,
      access: .read, useTLB: false)
    #expect(u.outcome.fault == Fault(.translation, level: 2))
  }
}

@Suite("Register names")
struct RegisterNameTests {
  @Test func everyRegisterHasItsOwnName() {
    // One name per case, in case order: a name table out of step would misname registers.
    #expect(SystemRegister.names.count == SystemRegister.allCases.count)
    #expect(Set(SystemRegister.names).count == SystemRegister.names.count)
    #expect(SystemRegister.tcr_el1.name == "tcr_el1")
    #expect(SystemRegister.vttbr_el2.name == "vttbr_el2")
    #expect(SystemRegister.id_aa64mmfr2_el1.name == "id_aa64mmfr2_el1")
    #expect(SystemRegister(name: "VTCR_EL2") == .vtcr_el2)
    #expect("\(SystemRegister.ttbr1_el1)" == "ttbr1_el1")
  }

  @Test func everyRegisterHasItsOwnStorage() {
    // The register file stores one inline value per case: a count out of step would drop
    // registers or let two share a value.
    #expect(RegisterFile.count == SystemRegister.allCases.count)
    var r = RegisterFile()
    for reg in SystemRegister.allCases { r[reg] = 0x1000 &+ UInt64(reg.rawValue) }
    for reg in SystemRegister.allCases { #expect(r[reg] == 0x1000 &+ UInt64(reg.rawValue)) }
    var copy = r
    #expect(copy == r)
    copy[.par_el1] = 1
    #expect(copy != r)
    #expect(r[.par_el1] == 0x1000 &+ UInt64(SystemRegister.par_el1.rawValue))
  }
}

@Suite("Mapper: the half of a two-range space")
struct MapperHalfTests {
  @Test func aRefusedFirstMapLeavesTheHalfUndecided() throws {
    let m = Machine()
    // A pool of one page holds the root and nothing else: the first map is refused after
    // its half was tried, and the space must be left undecided.
    var small = SpaceRequest(name: "small")
    small.pool = (base: 0x7000_0000, size: 4096)
    let t = try m.createSpace(small, cpu: m.cpu)
    #expect(throws: MapError.poolExhausted(needed: 3, available: 0)) {
      try Mapper(space: t, memory: m.memory, mair: RegisterDefaults.mair).map(
        va: 0xffff_8000_0000_0000, pa: 0x4000_0000, size: 4096, attributes: MapAttributes())
    }
    #expect(t.upper == nil)

    let s = try m.createSpace(SpaceRequest(name: "u"), cpu: m.cpu)
    let mapper = Mapper(space: s, memory: m.memory, mair: RegisterDefaults.mair)
    // An upper-half map counts its tables in the upper half (3 below the L0 root: L1, L2, L3).
    let r = try mapper.map(
      va: 0xffff_8000_0000_0000, pa: 0x4000_0000, size: 4096, attributes: MapAttributes())
    #expect(r.tablesAllocated == 3)
    #expect(s.upper == true)
    #expect(throws: MapError.wrongHalf(address: 0x1000, spaceIsUpper: true)) {
      try mapper.map(va: 0x1000, pa: 0x4000_1000, size: 4096, attributes: MapAttributes())
    }
  }
}
