import MMU

/// Fuzz target 2: random register values and random memory contents (descriptor trees) fed
/// to the walker and AT, through the TLB (`Machine.access`, `addressTranslate`, TLBI, DSB,
/// speculation), to software walks of spaces (`AddressSpace.softwareWalk`) and to the mapper
/// over whatever the tables hold. Everything is derived from the input bytes: first the
/// registers, then descriptors, then a sequence of actions until the bytes run out.
///
/// The costs are kept to what one input of libFuzzer may take (1 s under ASan): 64 pages of
/// memory (a map rewrites at most 64 tables), 48 actions, and two speculation passes (each
/// walks up to 4096 leaves per VA range and CPU, by design).
enum WalkerTarget {
  /// Table pages registers and descriptors point at: 64K-aligned, so valid for every granule
  /// (and 16 of them 64K apart hold a 16-table concatenated stage-2 root too).
  static let tables: [UInt64] = [0] + (0..<15).map { 0x10_0000 + UInt64($0) << 16 }
  /// The pool spaces take their tables from.
  static let poolBase: UInt64 = 0x4000_0000

  static func run(_ data: [UInt8]) {
    var b = FuzzBytes(data)
    let m = Machine(memory: PhysicalMemory(pageBudget: 64))
    var speculations = 2
    m.addCPUs(upTo: 1 + Int(b.u8() % 3))
    for c in m.cpus { setRegisters(c, &b) }
    for _ in 0..<Int(b.u8() % 48) { writeDescriptor(m, &b, speculations: &speculations) }
    var spaces: [AddressSpace] = []
    var actions = 0
    while !b.isEmpty && actions < 48 {
      actions += 1
      let c = m.cpus[Int(b.u8()) % m.cpus.count]
      switch b.u8() % 12 {
      case 0, 1:
        let ctx = AccessContext(
          regime: b.pick(Regime.allCases), unprivileged: b.bool(), stage2: b.bool())
        _ = m.access(
          cpu: c, context: ctx, address: address(&b), access: b.pick(AccessType.allCases),
          trace: b.bool(), useTLB: b.u8() % 4 != 0)
      case 2:
        _ = m.addressTranslate(
          b.pick(ATOperation.allCases), va: address(&b), cpu: c, trace: b.bool())
      case 3:
        let ctx = AccessContext(
          regime: b.pick(Regime.allCases), unprivileged: b.bool(), stage2: b.bool())
        if b.bool() {
          _ = m.probe(cpu: c, context: ctx, address: address(&b), trace: b.bool())
        } else {
          _ = m.fillTLB(cpu: c, context: ctx, address: address(&b), trace: b.bool())
        }
      case 4:
        let op = TLBIOperation(
          b.pick(TLBIOperation.Base.allCases), b.pick([.local, .inner, .outer]))
        _ = try? m.tlbi(
          op, address: b.maybe { address(&$0) }, asid: b.maybe { $0.u16() },
          level: b.maybe { Int($0.u8() % 7) - 2 }, size: b.maybe { $0.u64() >> ($0.u8() % 64) },
          xt: b.maybe { $0.u64() }, cpu: c)
      case 5:
        _ = m.dsb(b.pick(BarrierDomain.allCases), cpu: c)
        _ = m.isb(cpu: c)
      case 6:
        writeDescriptor(m, &b, speculations: &speculations)
      case 7:
        setRegisters(c, &b)
        c.el = Int(b.u8() % 3)
      case 8:
        if let s = makeSpace(m, c, &b, count: spaces.count) { spaces.append(s) }
      case 9:
        if !spaces.isEmpty { mapperAction(m, b.pick(spaces), &b) }
      case 10:
        if !spaces.isEmpty {
          _ = b.pick(spaces).softwareWalk(address(&b), memory: m.memory, trace: b.bool())
        }
      default:
        m.options.tlbSpeculative = b.bool()
        m.options.strictBarriers = b.bool()
        if b.bool() {
          if speculations > 0 {
            speculations -= 1
            _ = m.speculateTranslations()
          }
        } else {
          _ = m.setOnline(Int(b.u8()) % m.cpus.count, b.bool())
        }
      }
    }
  }

  /// An input address: small, a table page, the top of the upper half, or anything.
  static func address(_ b: inout FuzzBytes) -> UInt64 {
    switch b.u8() % 5 {
    case 0: return b.u16() << 12 | b.u16() & 0xfff
    case 1: return b.pick(tables) &+ b.u16()
    case 2: return ~UInt64(0) << 48 | b.u64() & 0xffff_ffff_ffff
    case 3: return b.u64() & ((1 << UInt64(b.u8() % 64)) &- 1)
    default: return b.u64()
    }
  }

  /// Each register kept, replaced, or with a few bits flipped; a TTBR may point at a table.
  static func setRegisters(_ c: CPU, _ b: inout FuzzBytes) {
    for reg in SystemRegister.allCases where reg != .par_el1 {
      switch b.u8() % 8 {
      case 0: c.registers[reg] = b.u64()
      case 1: c.registers[reg] ^= 1 << UInt64(b.u8() % 64)
      case 2: c.registers[reg] ^= b.u64() & b.u64() & b.u64()
      case 3:
        if [.ttbr0_el1, .ttbr1_el1, .ttbr0_el2, .ttbr1_el2, .vttbr_el2].contains(reg) {
          c.registers[reg] = b.pick(tables) | (b.u16() << 48) | UInt64(b.u8() & 1)
        }
      default: break
      }
    }
  }

  /// A descriptor somewhere in a table page: random, or a table, block or page descriptor
  /// whose address is one of the tables (so walks go deep) with random attributes.
  static func writeDescriptor(_ m: Machine, _ b: inout FuzzBytes, speculations: inout Int) {
    let pa = b.pick(tables) &+ (b.u16() % 8192) &* 8
    let attributes = b.u64() & 0xfff8_0000_0000_0ffc
    let value: UInt64
    switch b.u8() % 4 {
    case 0: value = b.u64()
    case 1: value = b.pick(tables) | attributes | 0b11
    case 2: value = (b.pick(tables) | b.u16() << 16) | attributes | 0x401 | UInt64(b.u8() & 2)
    default: value = (b.u64() & 0x0003_ffff_ffff_f000) | attributes | 0x403
    }
    // A raw write through the machine speculates first when speculation is on.
    if b.bool() && (!m.options.tlbSpeculative || speculations > 0) {
      if m.options.tlbSpeculative { speculations -= 1 }
      _ = try? m.writeMemory(pa, value)
    } else {
      try? m.memory.write64(pa, value)
    }
  }

  static func makeSpace(_ m: Machine, _ c: CPU, _ b: inout FuzzBytes, count: Int)
    -> AddressSpace?
  {
    var r = SpaceRequest(name: "s\(count)")
    r.regime = b.pick(Regime.allCases)
    r.upper = b.maybe { $0.bool() }
    r.granule = b.maybe { $0.pick(Granule.allCases) }
    r.inputBits = b.maybe { Int($0.u8() % 66) }
    r.ds = b.maybe { $0.bool() }
    if b.bool() {
      r.pool = (poolBase &+ (b.u16() << 16), b.pick([0x1_0000, 0x10_0000, 1 << 30, 1 << 40]))
    }
    r.root = b.maybe { $0.pick(tables) }
    let s = try? m.createSpace(r, cpu: c)
    // Some garbage in its root, which the mapper and software walks then meet.
    if let s, b.bool(), let rootPA = s.tablePA(s.root, memory: m.memory) {
      for _ in 0..<Int(b.u8() % 8) {
        try? m.memory.write64(rootPA &+ (b.u16() % 8192) &* 8, b.u64())
      }
    }
    return s
  }

  static func mapperAction(_ m: Machine, _ s: AddressSpace, _ b: inout FuzzBytes) {
    let mapper = Mapper(space: s, memory: m.memory, mair: m.cpu.registers[.mair_el1])
    let align = b.bool() ? s.granule.size &- 1 : 0
    let va = address(&b) & ~align
    let size = (b.u64() >> UInt64(b.u8() % 64)) & ~align
    switch b.u8() % 3 {
    case 0:
      var a = MapAttributes()
      a.writable = b.bool()
      a.user = b.bool()
      a.privExec = b.bool()
      a.userExec = b.bool()
      a.memory = b.pick([.normal, .nonCacheable, .device(.nGnRE), .index(Int(b.u8() % 20))])
      a.notGlobal = b.bool()
      a.accessFlag = b.bool()
      a.contiguous = b.u8() % 8 == 0
      a.dbm = b.bool()
      let policy = b.pick([LeafPolicy.largest, .pages, .level(Int(b.u8() % 7) - 2)])
      _ = try? mapper.map(
        va: va, pa: address(&b) & ~align, size: size, attributes: a, policy: policy,
        force: b.bool())
    case 1:
      _ = try? mapper.unmap(va: va, size: size, free: b.bool())
    default:
      var change = AttributeChange()
      change.writable = b.maybe { $0.bool() }
      change.user = b.maybe { $0.bool() }
      change.privExec = b.maybe { $0.bool() }
      change.accessFlag = b.maybe { $0.bool() }
      change.contiguous = b.maybe { $0.bool() }
      change.memory = b.maybe { $0.pick([.normal, .device(.nGnRnE), .index(Int($0.u8() % 20))]) }
      _ = try? mapper.protect(va: va, size: size, change: change)
    }
  }
}
