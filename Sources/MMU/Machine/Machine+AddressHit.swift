extension Machine {
  /// The output address of an access that a TLB hit answers with nothing more to say: exactly
  /// one entry matches, it provably agrees with the tables, its rights allow the access, and
  /// there is no warning (strict barriers) nor Contiguous group to check. nil otherwise: the
  /// caller then asks `access`, which walks, and reports faults, conflicts and warnings.
  ///
  /// For callers that need the address alone (`pa()`, `assert walk … == PA`): the hit reads
  /// the entry's hot slot only and decodes no permission or attribute; the rights of each
  /// kind of access are worked out once per entry (`TLBRights`).
  @inline(__always)
  public func hitAddress(cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType)
    -> UInt64?
  {
    guard !options.strictBarriers, let tags = lookupTags(c, context, address, access) else {
      return nil
    }
    // `c.tlb.leaves` each time rather than a local: a local copy of the reference is
    // retained and released around the calls (~30 instructions a hit).
    guard
      let slot = c.tlb.leaves.soleMatch(
        tag0: TLBLeafStore.tag(
          regime: context.regime, stage: tags.stage, vmid: tags.vmid, sizeBits: 0),
        sizes: c.tlb.leafSizes, address: tags.key, asid: tags.asid)
    else { return nil }
    let s = c.tlb.leaves.slots + slot
    guard s.pointee.rights.fastPath else { return nil }
    let epoch = c.tlb.leaves.currentEpoch(
      memory: memory.generation, registers: c.registerGeneration)
    guard s.pointee.checked == epoch || verifyPath(slot: slot, c, epoch: epoch) else {
      return nil
    }
    let kind = TLBRights.kind(access, unprivileged: context.unprivileged, pan: context.pan)
    if let allowed = s.pointee.rights.allows(kind: kind) {
      guard allowed else { return nil }
    } else {
      let t = c.tlb.leaves.entries[slot].translation
      let allowed = cachedRights(t, access: access, context: context, cpu: c) == .allowed
      s.pointee.rights.record(kind: kind, allowed: allowed)
      guard allowed else { return nil }
    }
    return s.pointee.output | (address & lowMask(s.pointee.sizeBits))
  }
}
