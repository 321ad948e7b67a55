/// One Contiguous-bit group as the tables hold it, checked against architecture.md §3.6: a
/// naturally aligned run of N entries at one level (4K: 16 at levels 1-3; 16K: 128 at level 3,
/// 32 at level 2; 64K: 32 at levels 2 and 3), every one a valid leaf with the Contiguous bit,
/// the same attributes, and output addresses that follow each other from a base aligned to
/// the group's span (Arm ARM `AArch64.ContiguousBit` and the Contiguous-bit rules). Anything
/// else is CONSTRAINED UNPREDICTABLE.
public struct ContiguousGroupReport: Sendable, Equatable {
  /// 1 or 2: which stage's leaf.
  public var stage: Int
  public var level: Int
  /// Entries in a group at `level`, nil where the granule has no group at that level.
  public var entries: Int?
  /// The PA of the group's first entry (the leaf's own entry where there is no group).
  public var firstEntryPA: UInt64
  /// The leaf's own entry, and the descriptor there: the model translates with it.
  public var entryPA: UInt64
  public var descriptor: UInt64
  /// What is wrong, in the order of the checks; empty for a sound group.
  public var problems: [ContiguousProblem]

  public init(
    stage: Int, level: Int, entries: Int?, firstEntryPA: UInt64, entryPA: UInt64,
    descriptor: UInt64, problems: [ContiguousProblem]
  ) {
    self.stage = stage
    self.level = level
    self.entries = entries
    self.firstEntryPA = firstEntryPA
    self.entryPA = entryPA
    self.descriptor = descriptor
    self.problems = problems
  }
}

extension ContiguousGroupReport {
  /// Checks the group of the leaf read at `entryPA` (level `level`, granule `granule`):
  /// reads the naturally aligned run of entries around it. A group is at most 128 entries
  /// (1 KiB), so it never crosses a 4K page: the table's PA run holds it even when the
  /// table is reached through stage 2.
  ///
  /// The bits that must agree are all but the output address, the Access flag (hardware
  /// may set it in one entry of a group: `AArch64.ContiguousBit` lets a TLB entry cover the
  /// group whatever each AF says) and the software bits [58:55], which the MMU ignores.
  public static func check(
    memory: PhysicalMemory, stage: Int, entryPA: UInt64, level: Int, granule: Granule,
    ds: Bool, outputBits: Int, paMax: Int
  ) -> ContiguousGroupReport {
    guard let n = granule.contiguousEntries(at: level) else {
      return ContiguousGroupReport(
        stage: stage, level: level, entries: nil, firstEntryPA: entryPA, entryPA: entryPA,
        descriptor: memory.read64(entryPA), problems: [.noGroupAtLevel])
    }
    let first = entryPA & ~(UInt64(n) &* 8 &- 1)
    let values = (0..<n).map { memory.read64(first &+ UInt64($0) &* 8) }
    return ContiguousGroupReport(
      stage: stage, level: level, entries: n, firstEntryPA: first, entryPA: entryPA,
      descriptor: memory.read64(entryPA),
      problems: problems(
        values, level: level, granule: granule, ds: ds, outputBits: outputBits, paMax: paMax))
  }

  /// The problems of the `values` of one aligned group (architecture.md §3.6).
  public static func problems(
    _ values: [UInt64], level: Int, granule: Granule, ds: Bool, outputBits: Int, paMax: Int
  ) -> [ContiguousProblem] {
    guard let v0 = values.first else { return [] }
    let size = UInt64(1) << UInt64(granule.levelShift(level))
    let span = size &* UInt64(values.count)
    let addressBits = Descriptor(0).withAddress(lowMask(52), granule: granule, ds: ds).raw
    // The Contiguous bit itself is `bitClear`'s.
    let ignored = addressBits | bit(10) | bit(52) | bitMask(58, 55)
    func isLeaf(_ v: UInt64) -> Bool {
      Descriptor(v).kind(level: level, granule: granule, ds: ds, paMax: paMax).isLeaf
    }
    func output(_ v: UInt64) -> UInt64 {
      Descriptor(v).address(granule: granule, ds: ds, outputBits: outputBits, level: level)
    }
    var notLeaf: [Int] = []
    var clear: [Int] = []
    var differ: [Int] = []
    var apart: [Int] = []
    let base = output(v0)
    for (i, v) in values.enumerated() {
      guard isLeaf(v) else {
        notLeaf.append(i)
        continue
      }
      if !Descriptor(v).contiguous { clear.append(i) }
      if isLeaf(v0) && v & ~ignored != v0 & ~ignored { differ.append(i) }
      if isLeaf(v0) && output(v) != base &+ UInt64(i) &* size { apart.append(i) }
    }
    var out: [ContiguousProblem] = []
    if let f = notLeaf.first { out.append(.notLeaf(first: f, count: notLeaf.count)) }
    if let f = clear.first { out.append(.bitClear(first: f, count: clear.count)) }
    if let f = differ.first { out.append(.attributesDiffer(first: f, count: differ.count)) }
    if let f = apart.first { out.append(.outputNotContiguous(first: f, count: apart.count)) }
    if isLeaf(v0) && base & (span &- 1) != 0 {
      out.append(.outputMisaligned(output: base, span: span))
    }
    return out
  }
}
