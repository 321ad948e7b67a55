import Testing

@testable import MMU

/// Helpers for the TLB tests. Tables are written as raw descriptors at fixed PAs so every
/// expected value can be read off by hand (section numbers refer to architecture.md).
enum TLBFix {
  // EL1 TTBR0 tables, 4K granule, 48-bit VA (the machine's defaults): L0..L3.
  static let l0: UInt64 = 0x10_0000
  static let l1: UInt64 = 0x10_1000
  static let l2: UInt64 = 0x10_2000
  static let l3: UInt64 = 0x10_3000
  /// VA 0x4020_3000: L0 index 0, L1 index 1 (bits [38:30]), L2 index 1 (bits [29:21]),
  /// L3 index 3 (bits [20:12]).
  static let va: UInt64 = 0x4020_3000
  static let paA: UInt64 = 0x8000_0000
  static let paB: UInt64 = 0x9000_0000

  /// A level-3 page: AF, inner shareable, AttrIndx 0 (Normal WB in Linux's MAIR), RW EL1.
  static func page(_ pa: UInt64, ng: Bool = false) -> UInt64 {
    pa | (1 << 10) | (3 << 8) | 0b11 | (ng ? 1 << 11 : 0)
  }
  /// A level-1/2 block with the same attributes.
  static func block(_ pa: UInt64) -> UInt64 { pa | (1 << 10) | (3 << 8) | 0b01 }
  static func table(_ pa: UInt64) -> UInt64 { pa | 0b11 }

  /// A machine whose CPUs' TTBR0_EL1 points at L0, with `va` mapped to `pa` through L0..L3
  /// (written directly, outside any break-before-make tracking). ASID 1 in TTBR0_EL1,
  /// VMID 1 in VTTBR_EL2.
  static func machine(cpus: Int = 1, pa: UInt64 = paA, ng: Bool = false) throws -> Machine {
    let m = Machine()
    m.addCPUs(upTo: cpus)
    try m.memory.write64(l0 + 0 * 8, table(l1))
    try m.memory.write64(l1 + 1 * 8, table(l2))
    try m.memory.write64(l2 + 1 * 8, table(l3))
    try m.memory.write64(l3 + 3 * 8, page(pa, ng: ng))
    for c in m.cpus {
      c.registers[.ttbr0_el1] = l0 | (1 << 48)
      c.registers[.vttbr_el2] = 1 << 48
    }
    return m
  }

  /// Maps one 4K page `va` -> `pa` in fresh tables L0..L3 at root, root+4K, +8K, +12K.
  static func tables(_ m: Machine, root: UInt64, va: UInt64, pa: UInt64, ng: Bool = false)
    throws
  {
    let i0 = (va >> 39) & 511
    let i1 = (va >> 30) & 511
    let i2 = (va >> 21) & 511
    let i3 = (va >> 12) & 511
    try m.memory.write64(root + i0 * 8, table(root + 0x1000))
    try m.memory.write64(root + 0x1000 + i1 * 8, table(root + 0x2000))
    try m.memory.write64(root + 0x2000 + i2 * 8, table(root + 0x3000))
    try m.memory.write64(root + 0x3000 + i3 * 8, page(pa, ng: ng))
  }

  static let el1 = AccessContext(regime: .el10)
  static let el2 = AccessContext(regime: .el2)
  static let nested = AccessContext(regime: .el10, stage2: true)

  static func read(
    _ m: Machine, _ va: UInt64 = va, cpu: Int = 0, context: AccessContext = el1
  ) -> AccessResult {
    m.access(cpu: m.cpus[cpu], context: context, address: va, access: .read)
  }

  /// Issues `op` and completes it with `dsb sy` on the same CPU.
  static func flush(
    _ m: Machine, _ op: String, address: UInt64? = nil, asid: UInt64? = nil, level: Int? = nil,
    cpu: Int = 0
  ) throws {
    let o = try #require(TLBIOperation(name: op))
    try m.tlbi(o, address: address, asid: asid, level: level, cpu: m.cpus[cpu])
    m.dsb(.sy, cpu: m.cpus[cpu])
  }

  // MARK: Synthetic entries (for scope tests)

  static func leaf(
    _ regime: Regime, _ stage: TLBEntryStage = .stage1, vmid: UInt64? = nil,
    asid: UInt64? = nil, at input: UInt64, bits: Int = 12, level: Int = 3
  ) -> TLBEntry {
    let t = Translation(
      inputAddress: input, ipa: nil, pa: 0x8000_0000, level: level, blockBits: bits,
      descriptor: 0x703, stage2Level: nil, stage2BlockBits: nil, stage2Descriptor: nil,
      stage1Permissions: .all, stage2Permissions: nil,
      attributes: MemoryAttributes(mair: 0xff, shareability: .inner), global: asid == nil,
      contiguous: false)
    return TLBEntry(
      regime: regime, stage: stage, vmid: vmid, asid: asid, inputBase: input & ~lowMask(bits),
      sizeBits: bits, granule: .k4, translation: t, speculative: false, stamp: 0)
  }

  static func walkEntry(
    _ regime: Regime, vmid: UInt64? = nil, asid: UInt64? = nil, level: Int = 2,
    covering input: UInt64
  ) -> WalkCacheEntry {
    let shift = Granule.k4.levelShift(level)
    return WalkCacheEntry(
      regime: regime, vmid: vmid, asid: asid, nested: false, level: level,
      inputBase: input & ~lowMask(shift), sizeBits: shift, granule: .k4, nextTable: 0x20_0000,
      entryPA: 0x10_2008, descriptor: 0x20_0003, speculative: false,
      tableAttributes: TableAttributes(),
      path: [], stamp: 0)
  }
}
