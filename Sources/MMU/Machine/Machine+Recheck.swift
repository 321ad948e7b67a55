extension Machine {
  /// An entry filled under other registers (any translation register written since) is not
  /// provably current, so each of its hits walks to compare it with the tables. When such a
  /// walk, made under the registers now in force and from the tables alone, gives this very
  /// entry (same tags, base, size and translation of this access), the entry is filled again
  /// with the new stamp and path: hardware keeps the entry either way, and the model stops
  /// walking for it until memory or the registers change again. nil: it differs, the walk
  /// faults, or the entry is a stage-2 one (their leaf lives with them).
  func rechecked(
    _ c: CPU, _ e: TLBEntry, _ cached: WalkOutcome, _ context: AccessContext,
    _ address: UInt64, _ access: AccessType, _ tags: LookupTags
  ) -> (entry: TLBEntry, path: [UInt64], walk: WalkResult)? {
    guard context.regime != .stage2, cached.translation != nil else { return nil }
    var w = Walker(memory: memory, registers: c.registers, trace: false)
    w.setupMemo = setupMemo
    w.hardwareUpdates = false
    // An empty TLB: the walk reads every descriptor itself, so its path is whole.
    let session = WalkSession(
      tlb: TLB(), vmid: vmid(c), asid: asid(c, regime: context.regime),
      stamp: c.registerGeneration, speculative: false, fills: false)
    w.session = session
    var steps: [WalkStep] = []
    let outcome = w.translate(context, address, access, steps: &steps)
    let walk = WalkResult(
      inputAddress: address, access: access, outcome: outcome, steps: steps,
      accesses: w.accesses)
    guard case .translated(let t) = outcome, !session.usedCache else { return nil }
    let fresh = makeEntry(
      t, context: context, tags: tags, granule: w.stage1Granule, stamp: c.registerGeneration,
      speculative: e.speculative)
    // The same key (tags: regime, stage, size, VMID; base; ASID), granule and answer.
    guard
      TLBLeafStore.tag(fresh) == TLBLeafStore.tag(e) && fresh.inputBase == e.inputBase
        && fresh.asid == e.asid && fresh.granule == e.granule
        && cachedOutcome(fresh, address: address, access: access, context: context, cpu: c)
          == cached
    else { return nil }
    return (fresh, session.path, walk)
  }
}
