/// A stage-1 VA as TLB entries hold it: VA[55:0] sign-extended from bit 55, so that a tagged
/// (TBI) address and its untagged form share entries. Only for addresses that passed the
/// walk's range checks, which leave bits [63:56] a copy of bit 55 unless TBI applies.
@inline(always)
func canonicalVA(_ va: UInt64) -> UInt64 {
  va & bit(55) != 0 ? va | ~lowMask(56) : va & lowMask(56)
}

extension Walker {
  /// The input address as entries of `regime` are keyed.
  @inline(always)
  static func tlbKey(_ input: UInt64, regime: Regime) -> UInt64 {
    regime.isStage2 ? input : canonicalVA(input)
  }

  /// The deepest cached table pointer for this walk, if any.
  func startingPoint(_ s: WalkSession, _ setup: StageSetup, input: UInt64, nested: Bool)
    -> WalkCacheEntry?
  {
    let t = s.tags(setup.regime)
    return s.tlb.lookupWalk(
      regime: setup.regime, nested: nested, vmid: t.vmid, asid: t.asid,
      address: Self.tlbKey(input, regime: setup.regime), geometry: setup.geometry)
  }

  /// Records a valid table descriptor just read at `level`.
  func fillWalkCache(
    _ session: WalkSession, _ setup: StageSetup, input: UInt64, nested: Bool, level: Int,
    next: UInt64, entryPA: UInt64, descriptor: UInt64, tableAttrs: TableAttributes, from start: Int
  ) {
    guard session.fills else { return }
    let t = session.tags(setup.regime)
    let shift = setup.geometry.levelShift(level)
    session.tlb.insertWalk(
      WalkCacheEntry(
        regime: setup.regime, vmid: t.vmid, asid: t.asid, nested: nested, level: level,
        inputBase: Self.tlbKey(input, regime: setup.regime) & ~lowMask(shift), sizeBits: shift,
        granule: setup.geometry.granule, nextTable: next, entryPA: entryPA,
        descriptor: descriptor, speculative: session.speculative, tableAttributes: tableAttrs,
        path: session.path(from: start), stamp: session.stamp), replace: !session.speculative)
  }

  /// Stage 2 of `ipa` from a stage-2 entry (an IPA to PA entry of the current VMID), or nil on
  /// a miss. Two matching entries are a TLB conflict abort at stage 2.
  func cachedStage2(
    _ session: WalkSession, ipa: UInt64, access: AccessType, unprivileged: Bool, s1ptw: Bool
  ) -> Result<StageLeaf, Fault>? {
    let m = session.tlb.lookup(
      regime: .stage2, stage: .stage2, vmid: session.vmid, asid: 0, address: ipa)
    guard m.count > 0 else { return nil }
    let write = access == .write
    if m.count > 1 {
      session.conflicts = session.tlb.matching(
        regime: .stage2, stage: .stage2, vmid: session.vmid, asid: 0, address: ipa)
      return .failure(Fault(.tlbConflict, level: 0, stage: 2, s1ptw: s1ptw, ipa: ipa, write: write))
    }
    guard let cold = session.tlb.leaves.cold(m.first), var leaf = cold.leaf else { return nil }
    session.usedCache = true
    session.path.append(contentsOf: cold.path)
    leaf.output = (leaf.output & ~lowMask(leaf.blockBits)) | (ipa & lowMask(leaf.blockBits))
    // Permission faults can come from cached entries (architecture.md §10.1); a table fetch needs
    // only read, which the caller checks.
    if !s1ptw && !leaf.permissions.allows(access, unprivileged: unprivileged) {
      return .failure(Fault(.permission, level: leaf.level, stage: 2, ipa: ipa, write: write))
    }
    return .success(leaf)
  }

  /// Records the stage-2 leaf a stage-2 walk of `ipa` found.
  func fillStage2(
    _ session: WalkSession, ipa: UInt64, leaf: StageLeaf, granule: Granule, from start: Int
  ) {
    guard session.fills else { return }
    session.tlb.insert(
      TLBEntry(
        regime: .stage2, stage: .stage2, vmid: session.vmid, asid: nil,
        inputBase: ipa & ~lowMask(leaf.blockBits), sizeBits: leaf.blockBits, granule: granule,
        translation: Self.translation(from: leaf, input: ipa, regime: .stage2),
        speculative: session.speculative, stamp: session.stamp),
      path: session.path(from: start), leaf: leaf, replace: !session.speculative)
  }
}
