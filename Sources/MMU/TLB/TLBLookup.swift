extension Machine {
  /// The tags of an access of `context` on `c`, or nil when no TLB is involved: the regime's
  /// MMU is off, or an EL0 access E0PD denies (E0PD faults whatever the TLB holds).
  @inline(always)
  func lookupTags(_ c: CPU, _ ctx: AccessContext, _ address: UInt64, _ access: AccessType)
    -> LookupTags?
  {
    let k = c.tlbControls
    switch ctx.regime {
    case .stage2:
      return LookupTags(
        stage: .stage2, vmid: k.vmid, asid: 0, key: address,
        group: TLBLeafStore.group(regime: .stage2, stage: .stage2, vmidTag: k.vmidTag))
    case .el10:
      guard k.mmuEL1 else { return nil }
      let range = k.range(.el10, address)
      if ctx.unprivileged && range.e0pd { return nil }
      let stage: TLBEntryStage = ctx.stage2 ? .combined : .stage1
      let tbi = range.ignoresTopByte(access)
      return LookupTags(
        stage: stage, vmid: k.vmid, asid: k.asidEL10, key: tbi ? canonicalVA(address) : address,
        group: TLBLeafStore.group(regime: .el10, stage: stage, vmidTag: k.vmidTag),
        topByteIgnored: tbi)
    case .el20:
      guard k.mmuEL2 else { return nil }
      let range = k.range(.el20, address)
      if ctx.unprivileged && range.e0pd { return nil }
      let tbi = range.ignoresTopByte(access)
      return LookupTags(
        stage: .stage1, vmid: nil, asid: k.asidEL20, key: tbi ? canonicalVA(address) : address,
        group: TLBLeafStore.group(regime: .el20, stage: .stage1, vmidTag: 0),
        topByteIgnored: tbi)
    case .el2:
      guard k.mmuEL2 else { return nil }
      let tbi = k.range(.el2, address).ignoresTopByte(access)
      return LookupTags(
        stage: .stage1, vmid: nil, asid: 0, key: tbi ? canonicalVA(address) : address,
        group: TLBLeafStore.group(regime: .el2, stage: .stage1, vmidTag: 0),
        topByteIgnored: tbi)
    }
  }

  /// The entry a successful translation fills: tagged with the VMID (EL1&0), the ASID when
  /// not global, at the size of the smaller stage's leaf (architecture.md §10.1).
  func makeEntry(
    _ t: Translation, context: AccessContext, tags: LookupTags, granule: Granule,
    stamp: UInt64, speculative: Bool
  ) -> TLBEntry {
    let bits = t.mappingBits
    return TLBEntry(
      regime: context.regime, stage: tags.stage, vmid: tags.vmid,
      asid: t.global ? nil : tags.asid, inputBase: tags.key & ~lowMask(bits), sizeBits: bits,
      granule: granule, translation: t, speculative: speculative, stamp: stamp)
  }

  /// A cached entry's translation at `address`: its output addresses with the offset.
  @inline(always)
  func cachedTranslation(_ e: TLBEntry, address: UInt64) -> Translation {
    cachedTranslation(e.translation, sizeBits: e.sizeBits, address: address)
  }

  /// The translation of an entry of 2^`sizeBits` bytes at `address` (read in place from the
  /// store by the hit path, which copies no more of the entry).
  @inline(always)
  func cachedTranslation(_ entry: Translation, sizeBits: Int, address: UInt64) -> Translation {
    var t = entry
    let offset = address & lowMask(sizeBits)
    t.pa = (t.pa & ~lowMask(sizeBits)) | offset
    if let ipa = t.ipa { t.ipa = (ipa & ~lowMask(t.blockBits)) | (address & lowMask(t.blockBits)) }
    t.inputAddress = address
    return t
  }

  /// What a cached entry gives an access: its translation at this address, or a Permission
  /// fault from the cached rights (permission faults can come from TLB entries, architecture.md
  /// §10.1).
  func cachedOutcome(
    _ e: TLBEntry, address: UInt64, access: AccessType, context: AccessContext, cpu c: CPU
  ) -> WalkOutcome {
    let t = cachedTranslation(e, address: address)
    switch cachedRights(t, access: access, context: context, cpu: c) {
    case .allowed: return .translated(t)
    case .stage1:
      return .faulted(Fault(.permission, level: t.level, stage: 1, write: access == .write))
    case .stage2:
      return .faulted(
        Fault(
          .permission, level: t.stage2Level ?? t.level, stage: 2, ipa: t.ipa ?? address,
          write: access == .write))
    }
  }

  /// Which stage's cached rights deny an access, if any. PSTATE.PAN is not cached: it
  /// applies at every access (AArch64.S1DirectBasePermissions).
  @inline(always)
  func cachedRights(
    _ t: Translation, access: AccessType, context: AccessContext, cpu c: CPU
  ) -> CachedRights {
    let unpriv = context.unprivileged && (context.regime.hasTwoRanges || context.regime == .stage2)
    let pan =
      context.pan
      ? PrivilegedAccessNever(
        c.registers, regime: context.regime, access: access, unprivileged: unpriv, pan: true)
      : .none
    return Self.cachedRights(
      t, access: access, unprivileged: unpriv, el0: context.unprivileged, pan: pan)
  }

  /// `cachedRights` with PAN's restriction worked out: `unprivileged` is the access's EL0
  /// rights at stage 1 (a regime with EL0), `el0` its EL0 rights at stage 2.
  @inline(always)
  static func cachedRights(
    _ t: Translation, access: AccessType, unprivileged: Bool, el0: Bool,
    pan: PrivilegedAccessNever
  ) -> CachedRights {
    if let p1 = t.stage1Permissions, !p1.allows(access, unprivileged: unprivileged, pan: pan) {
      return .stage1
    }
    if let p2 = t.stage2Permissions, !p2.allows(access, unprivileged: el0) {
      return .stage2
    }
    return .allowed
  }

  /// Whether a cached entry lets an access through, or which stage denies it.
  enum CachedRights { case allowed, stage1, stage2 }

  /// A write permission fault from an entry whose leaf has DBM set: with hardware dirty state
  /// the access walks again rather than fault on the writable-clean entry (architecture.md §4.4).
  func needsDirtyUpdate(_ e: TLBEntry, _ cached: WalkOutcome) -> Bool {
    guard case .faulted(let f) = cached, f.kind == .permission, f.write else { return false }
    let s2 = e.translation.stage2Descriptor ?? 0
    return (e.translation.descriptor | s2) & bit(51) != 0
  }

  /// Whether the entry in `slot` of `c`'s TLB provably agrees with the tables: the registers
  /// have not changed since it was filled and every descriptor it was built from still holds
  /// the value read. A walk now would read the same descriptors and give the same answer.
  /// Once checked, an entry is not read again until memory or the registers change (the
  /// store's epoch).
  ///
  /// `slot` must hold an entry (a lookup's match): it is not checked again here.
  @inline(always)
  func isCurrent(slot: Int, _ c: CPU) -> Bool {
    let epoch = c.tlb.leaves.currentEpoch(
      memory: memory.generation, registers: c.registerGeneration)
    if c.tlb.leaves.slots[slot].checked == epoch { return true }
    return verifyPath(slot: slot, c, epoch: epoch)
  }

  /// Checks the entry against the registers of its fill and reads its path again (memory or
  /// the registers changed since it was last found current).
  func verifyPath(slot: Int, _ c: CPU, epoch: UInt32) -> Bool {
    let leaves = c.tlb.leaves
    guard leaves.entries[slot].stamp == c.registerGeneration,
      let p = leaves.cold(slot)?.path
    else { return false }
    var i = 0
    while i + 1 < p.count {
      if memory.read64(p[i]) != p[i + 1] { return false }
      i += 2
    }
    leaves.markChecked(slot, epoch: epoch)
    return true
  }

  /// Whether a cached answer and the tables' answer agree: same PA, attributes and rights, or
  /// the same fault.
  func sameTranslation(_ a: WalkOutcome, _ b: WalkOutcome) -> Bool {
    switch (a, b) {
    case (.translated(let x), .translated(let y)):
      return x.pa == y.pa && x.attributes == y.attributes && x.permissions == y.permissions
    case (.faulted(let x), .faulted(let y)): return x == y
    default: return false
    }
  }

  /// With `strictBarriers`: TLBIs that could still be pending for an access on `c` (its own,
  /// and broadcast ones of other CPUs).
  func barrierWarnings(_ c: CPU) -> [ModelWarning] {
    var out: [ModelWarning] = []
    for other in cpus where other.online {
      for p in other.pendingTLBIs where other === c || p.domain != .local {
        out.append(ModelWarning(.tlbiPending(operation: p.operation, cpu: other.index)))
      }
    }
    return out
  }
}
