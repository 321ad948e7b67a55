extension Machine {
  /// The output address of an access that a TLB hit answers with nothing more to say: exactly
  /// one entry matches, it provably agrees with the tables, its rights allow the access, and
  /// there is no warning (strict barriers) nor Contiguous group to check. nil otherwise: the
  /// caller then asks `access`, which walks, and reports faults, conflicts and warnings.
  ///
  /// For callers that need the address alone (`pa()`, `assert walk … == PA`): the hit reads
  /// the entry's hot slot only and decodes no permission or attribute; the rights of every
  /// kind of access are worked out at its first such hit (`TLBRights`).
  @inline(__always)
  public func hitAddress(cpu c: CPU, context: AccessContext, address: UInt64, access: AccessType)
    -> UInt64?
  {
    guard !options.strictBarriers else { return nil }
    if let pa = planAddress(c, context, access, address) { return pa }
    // The general path: it checks entries, learns rights, and declines what it cannot answer.
    guard let tags = lookupTags(c, context, address, access) else { return nil }
    guard let slot = c.tlb.onlyMatch(group: tags.group, asid: tags.asid, address: tags.key)
    else { return nil }
    let s = c.tlb.leaves.slots + slot
    guard s.pointee.value & TLBLeafSlot.fullPathOnly == 0, isCurrent(slot: slot, c) else {
      return nil
    }
    learnRights(slot: slot, c)
    let value = s.pointee.value
    let kind = TLBRights.kind(access, unprivileged: context.unprivileged, pan: context.pan)
    guard value & 1 << UInt64(truncatingIfNeeded: kind) != 0 else { return nil }
    return value & TLBLeafSlot.outputMask | (address & lowMask(s.pointee.sizeBits))
  }
}
