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
    guard
      let slot = c.tlb.onlyMatch(
        regime: context.regime, stage: tags.stage, vmid: tags.vmid, asid: tags.asid,
        address: tags.key),
      c.tlb.leaves.slots[slot].rights.fastPath, isCurrent(slot: slot, c)
    else { return nil }
    let s = c.tlb.leaves.slots + slot
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
