/// What an address-only hit (`Machine.hitAddress`) of one kind of access works out before it
/// reads the table, kept while nothing it depends on changes: the lookup tags of each VA
/// range, the context numbers, the one leaf size in use, the epoch and the access's rights
/// bit. A run of `pa()` calls then hashes, compares one slot and adds the offset, as a
/// C TLB does; anything unusual (a second leaf size, a twin, an entry not yet checked or
/// whose rights are not yet known, a denied access) takes the general path, which answers.
///
/// It depends on the registers (their generation), memory (its generation: the epoch), the
/// leaf store (its `version`: entries, sizes, numbers, table, epoch) and the access's kind
/// and context (`selector`); a change of any of them builds it again.
struct TLBHitPlan {
  /// One VA range's lookup (index: address bit 55; one-range regimes use both alike).
  struct Range {
    /// The range is looked up with this plan (its MMU on, no E0PD denial, one leaf size).
    var usable = false
    /// TBI applies: the key is the address with its top byte replaced.
    var topByteIgnored = false
    /// The hash tags (`TLBLeafStore.tag`) of the plan's leaf size.
    var tag: UInt64 = 0
    /// The context parts of a matching slot's key: the access's ASID's and global.
    var asidKey: UInt64 = 0
    var globalKey: UInt64 = 0
  }

  var registerGeneration: UInt64 = .max
  var memoryGeneration: UInt64 = .max
  var version: UInt64 = .max
  var selector: UInt64 = .max
  /// The store's table as it is in this version (a new table is a new version).
  var slots: UnsafeMutablePointer<TLBLeafSlot>?
  var mask = 0
  var homeShift: UInt64 = 0
  /// The one leaf size in use (log2 bytes).
  var sizeBits: UInt64 = 12
  /// The marker bit of that size in a range code, and the range code bits an address keeps
  /// (`TLBLeafSlot.rangeCode(address:keptBits:marker:)`).
  var sizeMarker: UInt64 = 0
  var keptBits: UInt64 = 0
  /// The address bits within an entry of that size.
  var offsetMask: UInt64 = 0
  /// A slot's value bits that must be set to answer: rights known, this kind allowed, the
  /// current epoch.
  var required: UInt64 = 0
  /// The value bits that must equal `required`: those, with the full-path and twin bits and
  /// every epoch bit (a slot of another epoch is not current).
  var tested: UInt64 = 0
  var lower = Range()
  var upper = Range()

  /// The kind of access and context a plan is for: regime, stage 2, EL0, PSTATE.PAN, access.
  @inline(always)
  static func selector(_ context: AccessContext, _ access: AccessType) -> UInt64 {
    UInt64(context.packed) | UInt64(truncatingIfNeeded: access.rawValue & 3) << 8
  }

  @inline(always)
  func isValid(selector s: UInt64, registers: UInt64, memory: UInt64, version v: UInt64) -> Bool {
    selector == s && registerGeneration == registers && memoryGeneration == memory && version == v
  }

  /// The slot of the access's entry when the plan answers it: the one slot matching, not a
  /// twin, current in the plan's epoch, its rights known and allowing the access, with no
  /// Contiguous bit. nil: ask the general path.
  @inline(always)
  func match(_ address: UInt64) -> Int? {
    let upperRange = address & bit(55) != 0
    guard upperRange ? upper.usable : lower.usable, let slots else { return nil }
    let tbi = upperRange ? upper.topByteIgnored : lower.topByteIgnored
    let key = tbi ? canonicalVA(address) : address
    guard TLBLeafSlot.canonical(key) else { return nil }
    let page = key &>> sizeBits
    let range = TLBLeafSlot.rangeCode(address: key, keptBits: keptBits, marker: sizeMarker)
    let asidKey = range | (upperRange ? upper.asidKey : lower.asidKey)
    let globalKey = range | (upperRange ? upper.globalKey : lower.globalKey)
    var i = TLBLeafStore.home(tag: upperRange ? upper.tag : lower.tag, page: page, shift: homeShift)
    // An empty slot ends every cluster (`TLBLeafStore.find`).
    while true {
      let k = slots[i].key
      if k == asidKey || k == globalKey {
        // Not a twin: no other entry can match (the plan's size is the only one).
        return slots[i].value & tested == required ? i : nil
      }
      if k == 0 { return nil }
      i = (i &+ 1) & mask
    }
  }

  /// The output address of the access when the plan answers it (`match`).
  @inline(always)
  func output(_ address: UInt64) -> UInt64? {
    guard let i = match(address), let slots else { return nil }
    return slots[i].value & TLBLeafSlot.outputMask | address & offsetMask
  }
}

extension Machine {
  /// The slot of `c`'s TLB entry that its plan answers an access with (`TLBHitPlan.match`),
  /// building the plan again first if anything it depends on changed.
  @inline(always)
  func planSlot(_ c: CPU, _ context: AccessContext, _ access: AccessType, _ address: UInt64)
    -> Int?
  {
    validatePlan(c, context, access)
    return c.tlb.hitPlan.match(address)
  }

  /// The address-only hit of `c` that its plan answers (`TLBHitPlan.output`).
  @inline(always)
  func planAddress(_ c: CPU, _ context: AccessContext, _ access: AccessType, _ address: UInt64)
    -> UInt64?
  {
    validatePlan(c, context, access)
    return c.tlb.hitPlan.output(address)
  }

  @inline(always)
  private func validatePlan(_ c: CPU, _ context: AccessContext, _ access: AccessType) {
    let selector = TLBHitPlan.selector(context, access)
    let tlb = c.tlb
    if !tlb.hitPlan.isValid(
      selector: selector, registers: c.registerGeneration, memory: memory.generation,
      version: tlb.leaves.version)
    {
      buildHitPlan(c, context, access, selector: selector)
    }
  }

  private func buildHitPlan(
    _ c: CPU, _ context: AccessContext, _ access: AccessType, selector: UInt64
  ) {
    let leaves = c.tlb.leaves
    var p = TLBHitPlan()
    p.selector = selector
    p.registerGeneration = c.registerGeneration
    p.memoryGeneration = memory.generation
    // The epoch first: starting a new one changes the store's version.
    let epoch = leaves.currentEpoch(memory: memory.generation, registers: c.registerGeneration)
    p.version = leaves.version
    let sizes = c.tlb.leafSizes
    let size = sizes.trailingZeroBitCount
    // One leaf size, with a range code; a table to look in.
    let usable =
      sizes != 0 && sizes & (sizes &- 1) == 0 && TLBLeafSlot.isCoded(sizeBits: size)
      && leaves.capacity > 0
    if usable {
      p.slots = leaves.slots
      p.mask = leaves.capacity &- 1
      p.homeShift = leaves.homeShift
      p.sizeBits = UInt64(truncatingIfNeeded: size)
      p.sizeMarker = TLBLeafSlot.sizeMarker(size)
      p.keptBits = TLBLeafSlot.keptBits(marker: p.sizeMarker)
      p.offsetMask = lowMask(size)
    }
    let kind = TLBRights.kind(access, unprivileged: context.unprivileged, pan: context.pan)
    let kindBit: UInt64 = 1 << UInt64(truncatingIfNeeded: kind)
    p.required =
      TLBLeafSlot.rightsKnown | kindBit
      | UInt64(truncatingIfNeeded: epoch & TLBLeafSlot.maxEpoch) << TLBLeafSlot.epochShift
    p.tested =
      TLBLeafSlot.rightsKnown | kindBit | TLBLeafSlot.fullPathOnly | TLBLeafSlot.twinBit
      | UInt64(TLBLeafSlot.maxEpoch) << TLBLeafSlot.epochShift
    func range(_ address: UInt64) -> TLBHitPlan.Range {
      guard usable, let tags = lookupTags(c, context, address, access) else { return .init() }
      let numbers = leaves.contextNumbers(group: tags.group, asid: tags.asid)
      return TLBHitPlan.Range(
        usable: true, topByteIgnored: tags.topByteIgnored,
        tag: TLBLeafStore.tag(group: tags.group, sizeBits: size),
        asidKey: numbers.asid << TLBLeafSlot.contextShift,
        globalKey: numbers.global << TLBLeafSlot.contextShift)
    }
    p.lower = range(0)
    p.upper = range(bit(55))
    c.tlb.hitPlan = p
  }
}
