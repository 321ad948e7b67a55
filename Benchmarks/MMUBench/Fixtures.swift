// Machines set up through the public MMU API, as a script would set them up: spaces from
// `createSpace`, tables from `Mapper`, base registers from `switchTable`.

import MMU

#if canImport(Glibc)
  @preconcurrency import Glibc
#endif

/// A fixed-seed xorshift64* stream: the same "random" addresses on every run.
struct Random {
  var state: UInt64
  init(seed: UInt64 = 0x9E37_79B9_7F4A_7C15) { state = seed }
  mutating func next() -> UInt64 {
    state ^= state >> 12
    state ^= state << 25
    state ^= state >> 27
    return state &* 0x2545_F491_4F6C_DD1D
  }
}

/// `count` addresses spread over [base, base + size): a random page, a random 8-byte offset.
func randomAddresses(base: UInt64, size: UInt64, count: Int, pageBits: Int = 12) -> [UInt64] {
  var r = Random()
  let pages = size >> UInt64(pageBits)
  return (0..<count).map { _ in
    let x = r.next()
    let page = (x >> 8) % pages
    let offset = (x & 0xff) << 3 & (UInt64(1) << UInt64(pageBits) - 1)
    return base &+ (page << UInt64(pageBits)) &+ offset
  }
}

enum Size {
  static let k: UInt64 = 1 << 10
  static let m: UInt64 = 1 << 20
  static let g: UInt64 = 1 << 30
}

/// Bench set-up failures are bugs in the bench (or the model): stop loudly.
func check(_ ok: Bool, _ what: @autoclosure () -> String) {
  if !ok {
    print("mmush-bench: set-up failed: \(what())")
    exit(3)
  }
}

func must<T, E: Error>(_ what: String, _ body: () throws(E) -> T) -> T {
  do { return try body() } catch {
    print("mmush-bench: set-up failed: \(what): \(error)")
    exit(3)
  }
}

/// One stage-1 EL1&0 space (TTBR0) of a given shape, switched in on CPU 0, with TCR_EL1's
/// lower half describing the same shape.
struct Stage1Fixture {
  let machine: Machine
  let space: AddressSpace
  var cpu: CPU { machine.cpu }
  static let context = AccessContext(regime: .el10)

  init(granule: Granule = .k4, inputBits: Int = 48, ds: Bool = false, name: String = "k") {
    machine = Machine()
    let c = machine.cpu
    // TCR_EL1 lower half: T0SZ, TG0, IPS=52 when the shape needs it, DS for LPA2.
    var tcr = c.registers[.tcr_el1]
    tcr &= ~UInt64(0x3f)
    tcr |= UInt64(64 - inputBits)
    tcr &= ~(UInt64(3) << 14)
    switch granule {
    case .k4: break
    case .k64: tcr |= 1 << 14
    case .k16: tcr |= 2 << 14
    }
    if inputBits > 48 || ds {
      tcr &= ~(UInt64(7) << 32)
      tcr |= 6 << 32
    }
    if ds { tcr |= 1 << 59 }
    c.registers[.tcr_el1] = tcr
    var req = SpaceRequest(name: name)
    req.regime = .el10
    req.upper = false
    req.granule = granule
    req.inputBits = inputBits
    req.ds = ds
    let m = machine
    space = must("space") { () throws(SpaceError) in try m.createSpace(req, cpu: c) }
    let warnings = machine.switchTable(.ttbr0_el1, to: space, cpu: c)
    check(warnings.isEmpty, "switch: \(warnings.map(\.reason))")
  }

  var mapper: Mapper { Mapper(space: space, memory: machine.memory, mair: RegisterDefaults.mair) }

  @discardableResult
  func map(
    va: UInt64, pa: UInt64, size: UInt64, policy: LeafPolicy = .pages,
    attributes: MapAttributes = MapAttributes()
  ) -> MapReport {
    let m = mapper
    return must("map") { () throws(MapError) in
      try m.map(va: va, pa: pa, size: size, attributes: attributes, policy: policy)
    }
  }
}

/// A guest: stage 1 (4K, 48-bit, 4 levels) whose tables live at IPAs, under stage 2 (4K,
/// 48-bit IPA, 4 levels from level 0). Everything is mapped with pages, so a walk with no
/// TLB makes (4 + 1) * (4 + 1) - 1 = 24 descriptor reads.
struct NestedFixture {
  let machine: Machine
  let stage1: AddressSpace
  let stage2: AddressSpace
  static let context = AccessContext(regime: .el10, stage2: true)
  static let guestVA: UInt64 = 0x0000_1000_0000_0000
  static let guestIPA: UInt64 = 0x4000_0000
  static let guestPA: UInt64 = 0x8000_0000
  static let tableIPA: UInt64 = 0x1_0000_0000
  static let tablePA: UInt64 = 0x2_0000_0000

  init(guestSize: UInt64 = Size.g) {
    machine = Machine()
    let m = machine
    let c = machine.cpu
    // VTCR_EL2: T0SZ=16 (48-bit IPA), SL0=2 (start at level 0 with 4K); HCR_EL2.VM.
    var vtcr = c.registers[.vtcr_el2]
    vtcr &= ~UInt64(0x3f | (3 << 6))
    vtcr |= 16 | (2 << 6)
    c.registers[.vtcr_el2] = vtcr
    c.registers[.hcr_el2] |= 1
    var s2req = SpaceRequest(name: "s2")
    s2req.regime = .stage2
    s2req.granule = .k4
    s2req.inputBits = 48
    stage2 = must("s2 space") { () throws(SpaceError) in try m.createSpace(s2req, cpu: c) }
    check(stage2.geometry.startLevel == 0, "stage 2 starts at level 0")
    let s2map = Mapper(space: stage2, memory: m.memory, mair: RegisterDefaults.mair)
    let s2 = stage2
    _ = must("s2 map tables") { () throws(MapError) in
      try s2map.map(
        va: Self.tableIPA, pa: Self.tablePA, size: 16 * Size.m, attributes: MapAttributes(),
        policy: .pages)
    }
    _ = must("s2 map guest") { () throws(MapError) in
      try s2map.map(
        va: Self.guestIPA, pa: Self.guestPA, size: guestSize, attributes: MapAttributes(),
        policy: .pages)
    }
    check(m.switchTable(.vttbr_el2, to: s2, cpu: c).isEmpty, "switch vttbr")
    var g = SpaceRequest(name: "g")
    g.regime = .el10
    g.upper = false
    g.granule = .k4
    g.inputBits = 48
    g.via = "s2"
    g.pool = (Self.tableIPA, 16 * Size.m)
    stage1 = must("guest space") { () throws(SpaceError) in try m.createSpace(g, cpu: c) }
    let s1map = Mapper(space: stage1, memory: m.memory, mair: RegisterDefaults.mair)
    _ = must("guest map") { () throws(MapError) in
      try s1map.map(
        va: Self.guestVA, pa: Self.guestIPA, size: guestSize, attributes: MapAttributes(),
        policy: .pages)
    }
    check(m.switchTable(.ttbr0_el1, to: stage1, cpu: c).isEmpty, "switch ttbr0")
  }
}
