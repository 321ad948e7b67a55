import MMU
import MMUTestSupport

/// The shape of one tree of tables: granule, input size, start level, root size.
struct TreeShape {
  var granule: Granule
  var inputBits: Int
  var startLevel: Int
  /// Entries in the root table (several tables when concatenated).
  var rootEntries: Int
  var ds: Bool
  var stage2: Bool
  /// 64K with FEAT_LPA: OA[51:48] in descriptor bits [15:12].
  var lpa64: Bool

  func shift(_ level: Int) -> Int { granule.bits + granule.stride * (3 - level) }

  /// The start level that resolves `inputBits` (Arm ARM: the levels needed for the input).
  static func startLevel(_ g: Granule, inputBits: Int) -> Int {
    let levels = (inputBits - g.bits + g.stride - 1) / g.stride
    return 4 - max(levels, 1)
  }
}

/// Writes random translation tables into memory, as the Arm ARM's descriptor formats lay
/// them out (D8.3 "Translation table descriptor formats"), and remembers addresses that reach
/// each leaf, fault and table so that queries hit them.
struct RandomTables {
  var rng: SplitMix64
  let memory: PhysicalMemory
  /// The next free table page.
  var next: UInt64
  let limit: UInt64
  /// Input addresses (below the tree's input size) worth asking about.
  var addresses: [UInt64] = []
  var tablesLeft = 24

  init(rng: SplitMix64, memory: PhysicalMemory, base: UInt64, size: UInt64) {
    self.rng = rng
    self.memory = memory
    next = base
    limit = base + size
  }

  mutating func allocate(_ bytes: UInt64, align: UInt64) -> UInt64 {
    let a = max(align, 4096)
    next = (next + a - 1) & ~(a - 1)
    let p = next
    next += max(bytes, 4096)
    precondition(next <= limit, "table pool exhausted")
    return p
  }

  /// An output address field for `oa` in this shape's format.
  func encode(_ oa: UInt64, _ s: TreeShape) -> UInt64 {
    let g = UInt64(s.granule.bits)
    if s.ds { return (oa & (((1 << 50) - 1) & ~((1 << g) - 1))) | ((oa >> 50) & 3) << 8 }
    if s.lpa64 { return (oa & 0x0000_FFFF_FFFF_0000) | ((oa >> 48) & 0xF) << 12 }
    return oa & (((1 << 48) - 1) & ~((1 << g) - 1))
  }

  /// Builds a tree; `outputs` gives a leaf's output address for a region of 2^bits bytes.
  mutating func build(_ s: TreeShape, outputs: (inout SplitMix64, Int) -> UInt64) -> UInt64 {
    let bytes = UInt64(max(s.rootEntries, 1) * 8)
    let root = allocate(bytes, align: bytes)
    fill(root, entries: s.rootEntries, level: s.startLevel, prefix: 0, s, outputs)
    return root
  }

  private mutating func fill(
    _ table: UInt64, entries: Int, level: Int, prefix: UInt64, _ s: TreeShape,
    _ outputs: (inout SplitMix64, Int) -> UInt64
  ) {
    let shift = s.shift(level)
    let count = Int.random(in: 2...5, using: &rng)
    for _ in 0..<count {
      let index = UInt64(Int.random(in: 0..<entries, using: &rng))
      let va = prefix | index << UInt64(shift)
      addresses.append(va | rng.bits(shift) & ~7)
      let entryPA = table + index * 8
      var d: UInt64
      let roll = Int.random(in: 0..<100, using: &rng)
      if level < 3 && roll < 55 && tablesLeft > 0 {
        tablesLeft -= 1
        let size = UInt64(s.granule.entriesPerTable * 8)
        let t = allocate(size, align: size)
        d = encode(t, s) | 3
        if !s.stage2 {
          if rng.chance(10) { d |= rng.bits(2) << 61 }  // APTable
          if rng.chance(10) { d |= rng.bits(2) << 59 }  // UXNTable, PXNTable
        }
        _ = try? memory.write64(entryPA, d)
        fill(t, entries: s.granule.entriesPerTable, level: level + 1, prefix: va, s, outputs)
        continue
      }
      if roll >= 90 {
        d = rng.chance(50) ? 0 : rng.bits(64) & ~1  // invalid
      } else {
        let oa = outputs(&rng, shift) & ~((1 << UInt64(shift)) - 1)
        d = encode(oa, s) | (level == 3 ? 3 : 1) | leafAttributes(s)
      }
      _ = try? memory.write64(entryPA, d)
    }
  }

  /// Random lower and upper attributes of a leaf (AF set nine times in ten).
  mutating func leafAttributes(_ s: TreeShape) -> UInt64 {
    var a: UInt64 = rng.chance(90) ? 1 << 10 : 0
    if s.stage2 {
      a |= rng.bits(4) << 2  // MemAttr
      a |= rng.bits(2) << 6  // S2AP
      a |= rng.bits(2) << 53  // XN
    } else {
      a |= rng.bits(3) << 2  // AttrIndx
      a |= rng.bits(2) << 6  // AP
      if rng.chance(50) { a |= 1 << 11 }  // nG
      a |= rng.bits(2) << 53  // PXN, UXN
    }
    if !s.ds { a |= rng.bits(2) << 8 }  // SH
    if rng.chance(10) { a |= 1 << 51 }  // DBM
    return a
  }
}

/// Random MAIR values: Device types and Normal types with every cacheability, transient
/// hints included.
func randomMAIR(_ rng: inout SplitMix64) -> UInt64 {
  let choices: [UInt64] = [
    0x00, 0x04, 0x08, 0x0C, 0x44, 0xFF, 0xBB, 0xAA, 0xEE, 0x4F, 0xF4, 0x77, 0x33, 0x11, 0x55,
    0x66, 0x99, 0xCC, 0x48, 0x84, 0x7F, 0x3B,
  ]
  var m: UInt64 = 0
  for k in 0..<8 { m |= rng.pick(choices) << (8 * UInt64(k)) }
  return m
}
