import MMUTestSupport
import Testing

@testable import MMU

/// `Machine.hitAddress`, the address-only TLB hit: it answers only what a full access would
/// answer as a plain hit (the same PA), and declines (nil) whenever the full access has more
/// to say: no entry, a fault (permissions, PAN: AArch64.S1DirectBasePermissions), a stale
/// entry, a Contiguous bit to check (architecture.md §3.6), strict-barrier warnings.
@Suite("TLB address-only hit")
struct TLBHitAddressTests {
  static let va = ATTests.va  // 0x0000_0080_8060_4567, the 4K/48 tables of WalkTests
  static let pa: UInt64 = 0x8765_4567

  static func hit(_ m: Machine, el: Int, _ a: AccessType, va: UInt64 = va) -> UInt64? {
    m.hitAddress(cpu: m.cpu, context: m.cpu.context(el: el), address: va, access: a)
  }

  static func access(_ m: Machine, el: Int, _ a: AccessType, va: UInt64 = va) -> AccessResult {
    m.access(cpu: m.cpu, context: m.cpu.context(el: el), address: va, access: a)
  }

  @Test("a kernel page (AP=00): nothing before the fill; after it, the PA for EL1 only")
  func kernelPage() throws {
    let m = try PANTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    #expect(Self.hit(m, el: 1, .read) == nil)
    #expect(Self.access(m, el: 1, .read).outcome.translation?.pa == Self.pa)
    // Page 0x8765_4000 plus the VA's offset within the 4K page.
    #expect(Self.hit(m, el: 1, .read) == 0x8765_4567)
    #expect(Self.hit(m, el: 1, .read, va: Self.va + 0x10) == 0x8765_4577)
    // AP=00: EL1 read/write; executable at EL1 (no PXN).
    #expect(Self.hit(m, el: 1, .write) == 0x8765_4567)
    #expect(Self.hit(m, el: 1, .exec) == 0x8765_4567)
    // EL0 has no data access (AP[1]=0): the full access faults, the fast path declines.
    #expect(Self.hit(m, el: 0, .read) == nil)
    #expect(Self.access(m, el: 0, .read).outcome == PANTests.permissionL3)
    // Asked again (the answer is now recorded), still declined.
    #expect(Self.hit(m, el: 0, .read) == nil)
  }

  @Test("PAN=1 denies EL1 data access to a user page (AP=01); the recorded rights follow PAN")
  func pan() throws {
    let m = try PANTests.machine(
      leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.page)
    _ = Self.access(m, el: 1, .read)
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
    m.cpu.pan = true
    #expect(Self.hit(m, el: 1, .read) == nil)
    #expect(Self.hit(m, el: 1, .write) == nil)
    #expect(Self.access(m, el: 1, .write).outcome == PANTests.permissionL3W)
    // EL0 is unprivileged: PAN does not apply.
    #expect(Self.hit(m, el: 0, .write) == Self.pa)
    m.cpu.pan = false
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
    #expect(Self.hit(m, el: 1, .write) == Self.pa)
  }

  @Test("a Contiguous bit, strict barriers, a changed descriptor: declined, full access answers")
  func declines() throws {
    let m = try PANTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.contiguous | D.page)
    #expect(Self.access(m, el: 1, .read).outcome.translation?.pa == Self.pa)
    #expect(Self.hit(m, el: 1, .read) == nil)
    #expect(Self.access(m, el: 1, .read).tlb == .hit)

    let n = try PANTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    _ = Self.access(n, el: 1, .read)
    n.options.strictBarriers = true
    #expect(Self.hit(n, el: 1, .read) == nil)
    n.options.strictBarriers = false
    #expect(Self.hit(n, el: 1, .read) == Self.pa)
    // Remap the page without a TLBI: the entry is stale, only the full access says so.
    let leafAddress = try #require(
      n.access(
        cpu: n.cpu, context: n.cpu.context(el: 1), address: Self.va, access: .read, trace: true
      )
      .walk.steps.last?.entryAddress)
    try n.memory.write64(leafAddress, 0x9000_0000 | D.af | D.shInner | D.page)
    #expect(Self.hit(n, el: 1, .read) == nil)
    let a = Self.access(n, el: 1, .read)
    #expect(a.tlb.name == "stale")
    #expect(a.outcome.translation?.pa == Self.pa)
  }

  @Test("after a register write, one full hit re-checks a global entry; then it is fast again")
  func recheckAfterRegisterWrite() throws {
    let m = try TLBFix.machine()
    let el1 = m.cpu.context(el: 1)
    let va = TLBFix.va | 0x234
    _ = m.access(cpu: m.cpu, context: el1, address: va, access: .read)
    #expect(
      m.hitAddress(cpu: m.cpu, context: el1, address: va, access: .read) == TLBFix.paA | 0x234)
    // ASID 1 -> 2 on the same tables: the global entry still matches, but was filled under
    // other registers, so only a walk can show it agrees.
    m.cpu.registers[.ttbr0_el1] = TLBFix.l0 | (2 << 48)
    #expect(m.hitAddress(cpu: m.cpu, context: el1, address: va, access: .read) == nil)
    let a = m.access(cpu: m.cpu, context: el1, address: va, access: .read)
    #expect(a.tlb == .hit)
    #expect(a.walk.accesses == 4)
    #expect(
      m.hitAddress(cpu: m.cpu, context: el1, address: va, access: .read) == TLBFix.paA | 0x234)
    let again = m.access(cpu: m.cpu, context: el1, address: va, access: .read)
    #expect(again.tlb == .hit)
    #expect(again.walk.accesses == 0)
    // New tables at another root that map the page elsewhere: the entry is stale, and stays
    // so (it is not re-checked into agreeing).
    try TLBFix.tables(m, root: 0x20_0000, va: TLBFix.va, pa: TLBFix.paB)
    m.cpu.registers[.ttbr0_el1] = 0x20_0000 | (2 << 48)
    for _ in 0..<2 {
      #expect(m.hitAddress(cpu: m.cpu, context: el1, address: va, access: .read) == nil)
      let s = m.access(cpu: m.cpu, context: el1, address: va, access: .read)
      #expect(s.tlb.name == "stale")
      #expect(s.outcome.translation?.pa == TLBFix.paA | 0x234)
    }
  }

  /// A random leaf at level 3 of the TLBFix tables: any AP, UXN, PXN, nG, sometimes the
  /// Contiguous bit or no AF.
  static func randomLeaf(_ g: inout SplitMix64, page: UInt64) -> UInt64 {
    var d = (0x8000_0000 &+ page << 12) | D.shInner | D.page | D.ap(g.next() & 3)
    if g.next() % 8 != 0 { d |= D.af }
    if g.next() % 2 == 0 { d |= D.uxn }
    if g.next() % 2 == 0 { d |= D.pxn }
    if g.next() % 3 == 0 { d |= D.nG }
    if g.next() % 10 == 0 { d |= D.contiguous }
    return d
  }

  @Test("random leaves, accesses, PAN and ASIDs: a fast answer is always the full access's hit")
  func agreesWithFullAccess() throws {
    var g = SplitMix64(seed: 0x41D0_4E55)
    let m = try TLBFix.machine()
    PANTests.withPAN(m)
    for i in 0..<64 as Range<UInt64> {
      try m.memory.write64(TLBFix.l3 + i * 8, Self.randomLeaf(&g, page: i))
    }
    var fast = 0
    var declined = 0
    for step in 0..<8000 {
      switch g.next() % 50 {
      case 0:
        // A new ASID: entries filled before it answer through the full access (which walks
        // to compare, and re-checks those that agree), or are dropped with the whole TLB.
        m.cpu.registers[.ttbr0_el1] = TLBFix.l0 | ((g.next() % 3) << 48)
        if g.next() % 4 != 0 { m.cpu.tlb.removeAll() }
      case 1:
        let i = g.next() % 64
        try m.memory.write64(TLBFix.l3 + i * 8, Self.randomLeaf(&g, page: i))
      default: break
      }
      m.cpu.pan = g.next() % 2 == 0
      let el = Int(g.next() % 2)
      let access = AccessType.allCases[Int(g.next() % 3)]
      let va = 0x4020_0000 &+ (g.next() % 64) << 12 | g.next() & 0xfff
      let h = Self.hit(m, el: el, access, va: va)
      // The probe never takes the plan: a hit the plan answers must agree with it.
      let p = m.probe(cpu: m.cpu, context: m.cpu.context(el: el), address: va, access: access)
      let a = Self.access(m, el: el, access, va: va)
      if a.tlb == .hit {
        #expect(p.tlb == .hit && p.outcome == a.outcome, "step \(step): probe \(p.outcome)")
      }
      // A hit that needed no walk to prove the entry current (a walk compares it after a
      // register change) and has nothing more to say.
      let plainHit =
        a.tlb == .hit && a.walk.accesses == 0 && a.warnings.isEmpty
        && a.outcome.translation.map { !$0.hasContiguousBit } == true
      if let h {
        fast += 1
        #expect(a.tlb == .hit, "step \(step)")
        #expect(a.outcome.translation?.pa == h, "step \(step)")
      } else {
        declined += 1
        #expect(!plainHit, "step \(step): a plain hit the fast path declined")
      }
    }
    // Both sides are exercised.
    #expect(fast > 500)
    #expect(declined > 1000)
  }
}

extension TLBHitAddressTests {
  @Test("the epoch wraps without letting an old mark pass for current")
  func epochWrap() throws {
    let m = try PANTests.machine(leaf: 0x8765_4000 | D.af | D.shInner | D.page)
    _ = Self.access(m, el: 1, .read)
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
    let leaves = m.cpu.tlb.leaves
    // The last epoch before the wrap: the next change of generation starts again at 1, and
    // every slot's mark is cleared, so the entry is checked again (its path still holds).
    leaves.epoch = TLBLeafSlot.maxEpoch
    // A lookup under other generations than the last one's (register generation 0).
    #expect(leaves.currentEpoch(memory: m.memory.generation, registers: 0) == 1)
    #expect(leaves.elements.count == 1)
    #expect((0..<leaves.capacity).allSatisfy { leaves.slots[$0].checked == 0 })
    // The mark is gone: the next full access checks the entry again (the CPU's own
    // generations start another epoch), then the fast path answers again.
    #expect(Self.access(m, el: 1, .read).tlb == .hit)
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
  }
}

extension TLBHitAddressTests {
  /// The same kind of access again and again, with one change between two: each hit after a
  /// change must see it (the plan of `TLBHitPlan` is built again, or declines to the general
  /// path), never answer from what held before.
  @Test("a run of hits of one kind sees every change: memory, TLBI, registers, PAN, sizes")
  func planFollowsChanges() throws {
    let m = try PANTests.machine(
      leaf: 0x8765_4000 | D.ap(0b01) | D.af | D.shInner | D.pxn | D.nG | D.page)
    let trace = m.access(
      cpu: m.cpu, context: m.cpu.context(el: 1), address: Self.va, access: .read, trace: true)
    let leafAddress = try #require(trace.walk.steps.last?.entryAddress)
    let leaf = m.memory.read64(leafAddress)
    // Learns the rights (general path), then answers from the plan (one leaf size: 4 KB).
    for _ in 0..<3 { #expect(Self.hit(m, el: 1, .read) == Self.pa) }
    #expect(m.cpu.tlb.hitPlan.slots != nil && m.cpu.tlb.hitPlan.sizeBits == 12)
    // The plan itself answers (not only the general path behind it), at any offset.
    #expect(m.cpu.tlb.hitPlan.output(Self.va) == Self.pa)
    #expect(m.cpu.tlb.hitPlan.output(Self.va | 0xfff) == Self.pa | 0xfff)
    #expect(m.cpu.tlb.hitPlan.output(Self.va &+ 0x1000) == nil)
    // A descriptor written without a TLBI: stale, declined; written back: current again.
    try m.memory.write64(leafAddress, 0x9000_0000 | D.af | D.shInner | D.page)
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == nil) }
    try m.memory.write64(leafAddress, leaf)
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == Self.pa) }
    // PSTATE.PAN: a user page denies privileged data accesses.
    m.cpu.pan = true
    #expect(Self.hit(m, el: 1, .read) == nil)
    m.cpu.pan = false
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
    // A TLBI completed by a DSB: nothing to hit until the next fill.
    _ = try m.tlbi(TLBIOperation(.vmalle1), cpu: m.cpu)
    _ = m.dsb(cpu: m.cpu)
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == nil) }
    _ = Self.access(m, el: 1, .read)
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == Self.pa) }
    #expect(m.cpu.tlb.hitPlan.output(Self.va) == Self.pa)
    // Another ASID (the entry is not global): no match.
    let ttbr = m.cpu.registers[.ttbr0_el1]
    m.cpu.registers[.ttbr0_el1] = ttbr | 5 << 48
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == nil) }
    m.cpu.registers[.ttbr0_el1] = ttbr
    // Back to the fill's ASID: a full hit re-checks the entry, then hits are fast again.
    #expect(Self.access(m, el: 1, .read).tlb == .hit)
    for _ in 0..<2 { #expect(Self.hit(m, el: 1, .read) == Self.pa) }
    // An entry of a second size: the general path answers for both.
    var block = TLBFix.leaf(.el10, vmid: 0, at: 0x4000_0000, bits: 21, level: 2)
    block.translation.pa = 0x1_0000_0000
    m.cpu.tlb.insert(block)
    #expect(Self.hit(m, el: 1, .read) == Self.pa)
    #expect(m.cpu.tlb.hitPlan.slots == nil)
    // The other range (bit 55 set) has no entry.
    #expect(Self.hit(m, el: 1, .read, va: Self.va | 0xffff_0000_0000_0000) == nil)
  }
}

extension TLBHitAddressTests {
  /// The plan keys an access as the lookup does (architecture.md §10.1): TBI replaces the top
  /// byte (tagged pointers share the entry), bit 55 picks the range, and a top byte TBI does
  /// not ignore matches nothing. Every answer here comes from the plan itself.
  @Test("the plan: tagged pointers under TBI, both VA ranges in one plan")
  func planKeysAsTheLookup() throws {
    let m = try TLBFix.machine()
    let upper: UInt64 = 0xffff_0000_4020_3000
    try TLBFix.tables(m, root: 0x20_0000, va: upper, pa: TLBFix.paB)
    m.cpu.registers[.ttbr1_el1] = 0x20_0000
    m.cpu.registers[.tcr_el1] |= 1 << 37  // TBI0
    let el1 = TLBFix.el1
    let hit = { (va: UInt64) in
      m.hitAddress(cpu: m.cpu, context: el1, address: va, access: .read)
    }
    for va in [TLBFix.va, upper] {
      #expect(TLBFix.read(m, va).outcome.translation != nil, "fill \(va)")
      _ = hit(va)  // the first hit checks the entry and learns its rights
    }
    #expect(hit(TLBFix.va | 0x10) == TLBFix.paA | 0x10)
    let plan = m.cpu.tlb.hitPlan
    #expect(plan.output(TLBFix.va | 0x10) == TLBFix.paA | 0x10)
    // A tagged pointer in the lower range: TBI0 makes it the same key.
    #expect(plan.output(0x5a00_0000_4020_3010) == TLBFix.paA | 0x10)
    // The upper range, without TBI1: its own entry, and a tag makes the VA match nothing.
    #expect(plan.output(upper | 0x20) == TLBFix.paB | 0x20)
    #expect(plan.output(0x5aff_0000_4020_3020) == nil)
    #expect(hit(0x5aff_0000_4020_3020) == nil)
    // TBI0 cleared: a tagged lower pointer no longer matches (the access faults).
    m.cpu.registers[.tcr_el1] &= ~(1 << 37)
    #expect(hit(0x5a00_0000_4020_3010) == nil)
    #expect(m.cpu.tlb.hitPlan.output(0x5a00_0000_4020_3010) == nil)
    #expect(TLBFix.read(m, 0x5a00_0000_4020_3010).outcome.fault != nil)
  }
}
